"""Working days in England and Wales, for the first-contact standard of each scheme.

Bank holidays come from the ``holidays`` package (United Kingdom, England, which Wales
shares), so a new one-off holiday arrives with an upgrade rather than a code change.
Nothing is fetched from the network.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """The days off of England and Wales in a year, as gov.uk lists them.

    A fixed holiday on a weekend is replaced by its substitute weekday, so only weekdays
    are kept (the package also names the weekend day itself).
    """
    known = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(day for day in known if day.weekday() < 5)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The working day ``days`` working days after ``start`` (start itself never counts)."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    current = start
    if days == 0:
        while not is_working_day(current):
            current += timedelta(days=1)
        return current
    left = days
    while left:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def _day(when: date | datetime) -> date:
    return when.date() if isinstance(when, datetime) else when


def first_contact_due(referred_at: date | datetime, working_days: int) -> date:
    """The last day a first contact attempt meets the scheme's standard."""
    return add_working_days(_day(referred_at), working_days)


def is_overdue(due: date, today: date, *, contacted: bool = False) -> bool:
    return not contacted and today > due


def is_due_today(due: date, today: date, *, contacted: bool = False) -> bool:
    return not contacted and today == due


def first_contact_state(
    referred_at: date | datetime, working_days: int, today: date, *, contacted: bool
) -> str:
    """One word for the queue: "done", "overdue", "due_today" or "due" (not yet)."""
    return state_for_due(first_contact_due(referred_at, working_days), today, contacted=contacted)


def state_for_due(due: date, today: date, *, contacted: bool) -> str:
    """The same word for a due date already set (a set-aside bar restarts the clock)."""
    if contacted:
        return "done"
    if today > due:
        return "overdue"
    return "due_today" if today == due else "due"
