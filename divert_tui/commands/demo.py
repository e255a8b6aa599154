"""``divert demo-data``: fill an empty database with the synthetic cohort (bulk inserts)."""

from __future__ import annotations

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from sqlalchemy.exc import OperationalError

from divert_tui.commands.common import cli_errors, db_option, open_for_cli
from divert_tui.core.database import StorageError, explain_operational_error
from divert_tui.demo.cohort import (
    DEFAULT_REFERRALS,
    DEFAULT_SEED,
    MAX_REFERRALS,
    fill_demo,
)


def demo_day(today: datetime | None) -> tuple[date, int | None]:
    """The day a cohort is dated up to, and the minute of "now" on it: by default today and
    the present minute, the same as ``divert --demo``, so a kept demo matches a fresh one."""
    if today is not None:
        return today.date(), None
    now = datetime.now(ZoneInfo("Europe/London"))
    return now.date(), now.hour * 60 + now.minute


@click.command("demo-data")
@click.option(
    "--referrals",
    type=click.IntRange(1, MAX_REFERRALS),
    default=DEFAULT_REFERRALS,
    show_default=True,
    help="How many referrals to make.",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="The same seed always gives the same people.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the two years of referrals lead up to (YYYY-MM-DD); default today, "
    "dated up to now like divert --demo.",
)
@db_option
@cli_errors
def demo_data(referrals: int, seed: int, today: datetime | None, db_url: str | None) -> None:
    """Fill an empty database with a synthetic cohort for training and benchmarks.

    Refuses a database that holds real staff or referrals, and a demo that is already filled.
    """
    _, opened = open_for_cli(db_url)
    try:
        started = time.perf_counter()
        try:
            day, now_minute = demo_day(today)
            summary = fill_demo(opened.db, referrals, seed, day, now_minute=now_minute)
        except OperationalError as error:
            raise StorageError(explain_operational_error(opened.db, error)) from None
        seconds = time.perf_counter() - started
    finally:
        opened.db.dispose()
    for line in summary.lines():
        click.echo(line)
    click.echo(f"filled {opened.db.display_url} in {seconds:.1f} s")
