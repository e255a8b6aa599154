"""Course places against the people waiting for them: where demand outruns places.

Pure arithmetic on counts the capacity service reads: the free places of the coming weeks
are used in date order by the people allocated and not yet booked; any left over say how
many extra sessions would cover them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class WeekPlaces:
    offered: int
    taken: int

    @property
    def free(self) -> int:
        return max(0, self.offered - self.taken)


@dataclass(frozen=True)
class DemandVerdict:
    """Per force and group: whether the next weeks' free places cover the people waiting."""

    waiting: int
    free: int
    short_by: int
    sessions_needed: int
    first_short_week: int | None  # index of the first week that cannot place everyone yet

    @property
    def flagged(self) -> bool:
        return self.short_by > 0


def demand_against(weeks: Sequence[WeekPlaces], waiting: int, capacity: int) -> DemandVerdict:
    """How many of ``waiting`` people the free places place, and the sessions to add."""
    free = sum(week.free for week in weeks)
    short_by = max(0, waiting - free)
    first_short = None
    if short_by:
        cumulative = 0
        for index, week in enumerate(weeks):
            cumulative += week.free
            if cumulative < waiting:
                first_short = index
                break
    sessions = math.ceil(short_by / capacity) if short_by and capacity > 0 else 0
    return DemandVerdict(waiting, free, short_by, sessions, first_short)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
