"""``divert retention [--apply]``: the people past their scheme's retention period."""

from __future__ import annotations

import click

from divert_tui.commands.common import cli_errors, db_option, open_for_cli, parse_day
from divert_tui.core.rules.eligibility import fmt_date
from divert_tui.core.services import retention
from divert_tui.core.services.base import Actor


@click.command("retention")
@click.option("--apply", "apply_", is_flag=True, help="Anonymise the people due (asks first).")
@click.option("--yes", is_flag=True, help="With --apply: do not ask (for a scheduled job).")
@click.option(
    "--today",
    metavar="DATE",
    default=None,
    help="Count the periods as on this day instead of today: a later day shows what will "
    "fall due (listing only); --apply takes today or an earlier day.",
)
@click.option(
    "--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page of the list."
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 5000),
    default=retention.BATCH_SIZE,
    show_default=True,
    help="People anonymised per transaction.",
)
@db_option
@cli_errors
def retention_command(
    apply_: bool, yes: bool, today: str | None, page: int, batch_size: int, db_url: str | None
) -> None:
    """List the people past the retention period of their scheme, or anonymise them.

    Names, the date of birth (kept to the year), contact details and free text go; the
    figures of past reports stay. Each batch is saved as it is done: a run that is stopped
    can be run again and finishes the rest.
    """
    day = parse_day(today, "--today")
    if apply_ and day is not None and day > retention.uk_today():
        raise click.BadParameter(
            f"{fmt_date(day)} is after today: anonymising as on a later day would take people "
            "before their period ends. With --apply give today or an earlier day",
            param_hint="--today",
        )
    _, opened = open_for_cli(db_url)
    actor = Actor.system("retention")
    found = retention.due(opened.db, actor, opened.schemes, today=day, page=page - 1)
    _summary(found, opened.schemes)
    if not apply_:
        _page(found)
        return
    if found.total == 0 and found.intel_due == 0:
        click.echo("nothing to do")
        return
    if not yes:
        click.confirm(
            f"Anonymise {found.total} people and remove {found.intel_due} intelligence "
            "reason(s)? This cannot be undone",
            default=False,
            abort=True,
        )

    def progress(batch: retention.Batch) -> None:
        if batch.kind == "people":
            what = f"{len(batch.ids)} people anonymised"
        else:
            what = f"{batch.counts.get('intel_reasons_removed', 0)} intelligence reason(s) removed"
        click.echo(f"batch {batch.number}: {what} (saved)")

    done = retention.apply(
        opened.db,
        actor,
        opened.schemes,
        today=found.today,
        batch_size=batch_size,
        on_batch=progress,
    )
    click.echo(
        f"done: {done.people} people anonymised, {done.intel_reasons_removed} intelligence "
        f"reason(s) removed, in {done.batches} batch(es)"
    )


def _summary(found: retention.DuePage, schemes: dict) -> None:
    click.echo(f"Retention on {fmt_date(found.today)}: {found.total} people due to be anonymised")
    for code in sorted(schemes):
        scheme = schemes[code]
        click.echo(
            f"  {scheme.name}: {found.per_scheme.get(code, 0)} "
            f"(kept {scheme.retention_years} years after the last referral closed)"
        )
    click.echo(f"  intelligence logs whose reason is past its bar: {found.intel_due}")


def _page(found: retention.DuePage) -> None:
    if not found.rows:
        return
    click.echo("")
    click.echo(f"{'person':>8}  {'last closed':<12}  reason")
    for row in found.rows:
        closed = fmt_date(row.last_closed) if row.last_closed else "-"
        click.echo(f"{row.person_id:>8}  {closed:<12}  {row.reason}")
    pages = max(1, -(-found.total // found.page_size))
    more = " (--page N for the others)" if pages > 1 else ""
    click.echo(f"page {found.page + 1} of {pages}{more}; anonymise with: divert retention --apply")
