"""Working days in England and Wales, for the first-contact standard of each scheme.

Bank holidays follow the rules (with substitute days when a fixed holiday falls on a
weekend; Easter from dateutil), plus the one-off changes the government has announced.
No extra package is needed and nothing is fetched from the network.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta

# One-off moves and additions: (year) -> (days removed, days added).
_SPECIAL: dict[int, tuple[tuple[date, ...], tuple[date, ...]]] = {
    2020: ((date(2020, 5, 4),), (date(2020, 5, 8),)),
    2022: ((date(2022, 5, 30),), (date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19))),
    2023: ((), (date(2023, 5, 8),)),
}


def _substitute(day: date, taken: set[date]) -> date:
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """English bank holidays of a year."""
    easter_day = easter(year)
    days = {
        easter_day - timedelta(days=2),  # Good Friday
        easter_day + timedelta(days=1),  # Easter Monday
        date(year, 5, 1) + relativedelta(weekday=MO(+1)),  # early May
        date(year, 5, 31) + relativedelta(weekday=MO(-1)),  # spring
        date(year, 8, 31) + relativedelta(weekday=MO(-1)),  # summer
    }
    fixed: set[date] = set()
    for day in (date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)):
        moved = _substitute(day, fixed)
        fixed.add(moved)
    removed, added = _SPECIAL.get(year, ((), ()))
    return frozenset((days | fixed | set(added)) - set(removed))


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
    if contacted:
        return "done"
    due = first_contact_due(referred_at, working_days)
    if today > due:
        return "overdue"
    return "due_today" if today == due else "due"
