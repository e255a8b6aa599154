"""Keep a kept demo database dated up to today: move every stored date and time by whole days.

A trainer's handout says "referred 2 days ago"; a demo kept with ``--db`` and opened a week
later must still show that. Regenerating would change the people, so the dates move
instead: every Date and DateTime column of the case tables by the same whole number of days,
in one transaction, and the day the cohort is now dated up to is kept in the ``setting``
table. The audit trail is left as it is: its events are real moments of real actions (and
their hashes cover the times). Dates written in words inside free text (an eligibility
note's "not eligible until 14 Mar 2027") are not rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Table,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel.sql.sqltypes import UTCDateTime

from divert_tui.core import models
from divert_tui.core.database import Database

DATED_TO_KEY = "demo_dated_to"
LAST_SHIFT_KEY = "demo_last_shift_days"
# Tables whose times are not the synthetic story: the audit trail and the app's own records.
UNSHIFTED = frozenset({"audit_event", "audit_anchor", "login_throttle", "setting"})


@dataclass(frozen=True)
class Shift:
    """What a dating-up did: how many days everything moved, and the day it is dated to now."""

    days: int
    dated_to: date


def shifted_tables() -> list[Table]:
    return [t for name, t in models.metadata.tables.items() if name not in UNSHIFTED]


def _kind(column: Column[Any]) -> type | None:
    """datetime or date for a column holding one (SQLModel's aware UTC type included)."""
    if isinstance(column.type, UTCDateTime | DateTime):
        return datetime
    return date if isinstance(column.type, Date) else None


def _date_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if _kind(c) is not None]


def _moved(connection: Connection, table: Table, name: str, days: int) -> ColumnElement[object]:
    column = table.c[name]
    if connection.dialect.name == "sqlite":
        # SQLAlchemy keeps "YYYY-MM-DD HH:MM:SS.ffffff" (or "YYYY-MM-DD"); date() and
        # datetime() return the first 10 and 19 characters, so the fraction is put back.
        if _kind(column) is datetime:
            return func.datetime(column, f"{days:+d} days").op("||")(func.substr(column, 20))
        return func.date(column, f"{days:+d} days")
    if _kind(column) is datetime:
        return column + func.make_interval(0, 0, 0, days)
    return column + literal_column(str(int(days)))


def dated_to(connection: Connection) -> date | None:
    """The day the cohort is dated up to; for demos filled before this was kept, the day of
    the latest referral (the scripted people are referred on the fill's today)."""
    setting = models.Setting.__table__  # type: ignore[attr-defined]
    stored = connection.execute(
        select(setting.c.value).where(setting.c.key == DATED_TO_KEY)
    ).scalar()
    if stored:
        return date.fromisoformat(stored)
    referral = models.Referral.__table__  # type: ignore[attr-defined]
    latest = connection.execute(select(func.max(referral.c.referred_at))).scalar()
    if latest is None:
        return None
    if isinstance(latest, str):
        return date.fromisoformat(latest[:10])
    return latest.date()


def record_dated_to(connection: Connection, day: date, days: int = 0) -> None:
    setting = models.Setting.__table__  # type: ignore[attr-defined]
    for key, value in ((DATED_TO_KEY, day.isoformat()), (LAST_SHIFT_KEY, str(days))):
        done = connection.execute(
            update(setting).where(setting.c.key == key).values(value=value)
        ).rowcount
        if not done:
            connection.execute(setting.insert().values(key=key, value=value))


def date_up_to(db: Database, today: date) -> Shift:
    """Move every stored date of the demo forward so that it is dated up to ``today``.

    Nothing moves when it already is (or when it is dated later: dates never go back, so
    a clock set wrong once cannot scramble the story). One transaction: all or nothing."""
    with db.write() as session:
        connection = session.connection()
        was = dated_to(connection)
        if was is None:
            return Shift(0, today)
        days = (today - was).days
        if days <= 0:
            return Shift(0, was)
        for table in shifted_tables():
            names = _date_columns(table)
            if not names:
                continue
            connection.execute(
                update(table).values(
                    {name: _moved(connection, table, name, days) for name in names}
                )
            )
        record_dated_to(connection, today, days)
    return Shift(days, today)
