"""People who come back: a later referral of someone whose earlier one has closed.

Referrals are made in date order; once a person's referral has been closed for a couple
of weeks they may be referred again. A person with a bar in force comes back as
ineligible (the bar is why), or now and then with the bar set aside by a team lead; after
the bar ends, or after completing, anything may happen.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from typing import Any

from divert_tui.core.rules.eligibility import REASON_WORDS, fmt_date, scheme_label
from divert_tui.core.schemes import Scheme
from divert_tui.demo.clock import Moment
from divert_tui.demo.lives import Bar

MAX_REFERRALS_PER_PERSON = 3
QUIET_DAYS = 14


@dataclass
class Known:
    person_id: int
    referrals: int
    bar: Bar | None
    sex: str = ""


class _Pool:
    """Random pick and removal in constant time."""

    def __init__(self) -> None:
        self.items: list[Known] = []
        self.where: dict[int, int] = {}

    def add(self, known: Known) -> None:
        self.where[known.person_id] = len(self.items)
        self.items.append(known)

    def remove(self, person_id: int) -> Known | None:
        index = self.where.pop(person_id, None)
        if index is None:
            return None
        known, last = self.items[index], self.items.pop()
        if last is not known:
            self.items[index] = last
            self.where[last.person_id] = index
        return known

    def pick(self, rng: Random) -> Known | None:
        if not self.items:
            return None
        return self.remove(rng.choice(self.items).person_id)


class Returning:
    """Who may be referred again on a given day, split into clear and barred."""

    def __init__(self) -> None:
        self._waiting: list[tuple[date, int, Known]] = []
        self._bars: list[tuple[date, int]] = []
        self.clear = _Pool()
        self.barred = _Pool()

    def closed(self, known: Known, at: Moment) -> None:
        if known.referrals < MAX_REFERRALS_PER_PERSON:
            heapq.heappush(
                self._waiting, (at[0] + timedelta(days=QUIET_DAYS), known.person_id, known)
            )

    def advance(self, today: date) -> None:
        while self._waiting and self._waiting[0][0] <= today:
            _, _, known = heapq.heappop(self._waiting)
            if known.bar is not None and known.bar.until > today:
                self.barred.add(known)
                heapq.heappush(self._bars, (known.bar.until, known.person_id))
            else:
                self.clear.add(known)
        while self._bars and self._bars[0][0] <= today:
            _, person_id = heapq.heappop(self._bars)
            known = self.barred.remove(person_id)
            if known is not None:
                self.clear.add(known)


def bar_words(bar: Bar, schemes: Mapping[str, Scheme]) -> str:
    return f"not eligible until {fmt_date(bar.until)}: {log_words(bar, schemes)}"


def log_words(bar: Bar, schemes: Mapping[str, Scheme]) -> str:
    scheme = schemes[bar.force]
    reason = REASON_WORDS.get(bar.reason, bar.reason.replace("_", " "))
    return (
        f"intelligence log {bar.log_id} for {reason} on {fmt_date(bar.created)} "
        f"({scheme_label(scheme.name)}, {scheme.bar_months}-month bar)"
    )


def set_aside(
    row: dict[str, Any], bar: Bar, lead: str, day: date, reason: str, schemes: Mapping[str, Scheme]
) -> None:
    """A team lead set the bar aside on the day the referral came in (as override_bar does)."""
    row["bar_override_reason"] = f"{lead}|{day.isoformat()}|{reason}"
    row["eligibility_note"] = (
        f"eligible by team lead override ({lead}, {fmt_date(day)}: {reason}); set aside the "
        f"bar until {fmt_date(bar.until)}: {log_words(bar, schemes)}"
    )
