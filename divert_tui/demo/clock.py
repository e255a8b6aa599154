"""Time in the synthetic cohort: UK local (day, minute) pairs, turned into UTC only on output.

Keeping moments as plain tuples makes the simulation cheap to compare against "now" and
independent of the wall clock, so the same seed and day always give the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from random import Random
from typing import TypeVar
from zoneinfo import ZoneInfo

from divert_tui.core.rules.calendar import add_working_days as _add_working_days
from divert_tui.core.rules.calendar import is_working_day as _is_working_day

T = TypeVar("T")

LONDON = ZoneInfo("Europe/London")
DAY_START = 9 * 60
DAY_END = 17 * 60 + 15
# The moment the demo is filled on its "today": late afternoon, when a team lead might look.
NOW_MINUTE = 16 * 60 + 30

Moment = tuple[date, int]  # (UK local day, minutes after local midnight)


_MINUTES = [timedelta(minutes=m) for m in range(2 * 24 * 60)]


@lru_cache(maxsize=8192)
def _local_midnight_utc(day: date) -> datetime:
    offset = LONDON.utcoffset(datetime(day.year, day.month, day.day, 12)) or timedelta(0)
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - offset


def to_utc(moment: Moment) -> datetime:
    """The aware UTC datetime of a local moment (the one time base the database stores)."""
    return _local_midnight_utc(moment[0]) + _MINUTES[moment[1]]


class FastRandom(Random):
    """``random.Random`` with quicker ``randint`` and ``choice`` (a million calls per fill).

    Seeded like any Random; the sequence differs from the standard methods but is just as
    reproducible, which is all the cohort needs.
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[T]) -> T:
        if not seq:
            raise IndexError("cannot choose from an empty sequence")
        return seq[int(self.random() * len(seq))]


add_working_days = lru_cache(maxsize=1 << 16)(_add_working_days)
is_working_day = lru_cache(maxsize=1 << 12)(_is_working_day)


def plus_minutes(moment: Moment, minutes: int) -> Moment:
    """A moment later the same day (the cohort's events never cross midnight)."""
    return moment[0], moment[1] + minutes


def working_moment(rng: Random, after: Moment, working_days: int) -> Moment:
    """A moment in office hours ``working_days`` working days after ``after`` (0: later today)."""
    day, minute = after
    if working_days == 0 and is_working_day(day) and minute < DAY_END - 20:
        return day, rng.randint(max(DAY_START, minute + 5), DAY_END)
    later = add_working_days(day, max(1, working_days))
    return later, rng.randint(DAY_START, DAY_END)


def next_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
