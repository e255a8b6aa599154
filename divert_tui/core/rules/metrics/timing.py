"""Periods and durations: the report's days are UK days, and working days follow the calendar."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from statistics import median
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from divert_tui.core.rules.calendar import first_contact_due, working_days_between

UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """UK local midnight at the start, and at the day after the end (exclusive)."""
        return (
            datetime.combine(self.start, time.min, tzinfo=UK),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UK),
        )

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def last_complete_months(today: date, months: int = 12) -> Period:
    """The ``months`` whole calendar months before the month of ``today``."""
    first_of_this_month = today.replace(day=1)
    return Period(
        first_of_this_month - relativedelta(months=months), first_of_this_month - timedelta(days=1)
    )


def as_utc(value: datetime | str) -> datetime:
    """A stored timestamp (an aware datetime, or SQLite's UTC text) as an aware UTC datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@lru_cache(maxsize=1 << 16)
def _uk_day_of_hour(hour: datetime) -> date:
    return hour.astimezone(UK).date()


@lru_cache(maxsize=1 << 16)
def _uk_day_of_text_hour(hour: str) -> date:
    return datetime.fromisoformat(hour + ":00").replace(tzinfo=UTC).astimezone(UK).date()


def uk_day(moment: datetime | str) -> date:
    """The UK day of a moment (the offset changes on the hour, so the hour decides it).

    SQLite's UTC text ("2026-03-29 00:30:00.000000") is looked up by its first 13
    characters, the hour, without parsing the rest: the report folds 100,000s of them.
    """
    if isinstance(moment, str) and len(moment) >= 13 and moment[10] in " T":
        return _uk_day_of_text_hour(moment[:10] + " " + moment[11:13])
    utc = as_utc(moment).astimezone(UTC)
    return _uk_day_of_hour(utc.replace(minute=0, second=0, microsecond=0))


@lru_cache(maxsize=1 << 14)
def working_days_after(start: date, end: date) -> int:
    return working_days_between(start, end)


@lru_cache(maxsize=1 << 12)
def _due(day: date, working_days: int) -> date:
    return first_contact_due(day, working_days)


def first_contact_timing(
    referred_at: datetime | str, first_contact_at: datetime | str, standard_working_days: int
) -> tuple[int, bool]:
    """(working days to the first attempt, whether it met the scheme's standard)."""
    referred, contacted = uk_day(referred_at), uk_day(first_contact_at)
    return working_days_after(referred, contacted), contacted <= _due(
        referred, standard_working_days
    )


def calendar_days(start: datetime | str, end: datetime | str) -> int:
    return max(0, (uk_day(end) - uk_day(start)).days)


def median_or_none(values: Iterable[float]) -> float | None:
    found = list(values)
    return float(median(found)) if found else None
