"""Referrals month by month, by main substance: the trend a team lead would rather look at.

A month is a UK calendar month: its bounds are UK local midnights turned into UTC, so a
referral at 00:30 BST on 1 April counts in April, not March. The bucket is one CASE over
those bounds, the same SQL on SQLite and PostgreSQL. Counts of 1 to 4 are withheld as in
every other output; a chart draws them as nothing and says how many it left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import case, func, literal
from sqlmodel import col, select

from divert_tui.core.models import Referral
from divert_tui.core.rules.metrics.timing import Period

UK = ZoneInfo("Europe/London")
THRESHOLD = 5
TOP_SUBSTANCES = 4  # the rest are drawn together as "other"

DEFINITION = (
    "Referrals by month: referrals whose referral time falls in each UK calendar month of "
    "the period, by the main substance found (the four most common named, the rest as "
    "'other'); counts of 1 to 4 are withheld and not drawn."
)


@dataclass(frozen=True)
class MonthlySeries:
    months: tuple[date, ...]  # the first day of each month
    substances: tuple[str, ...]
    counts: dict[str, tuple[int | None, ...]]  # None: withheld (1 to 4)
    withheld: int  # how many cells were withheld

    def labels(self) -> list[str]:
        return [f"{m:%b %y}" for m in self.months]

    def total(self, month_index: int) -> int:
        return sum(c[month_index] or 0 for c in self.counts.values())


def month_starts(period: Period) -> list[date]:
    first = period.start.replace(day=1)
    months = []
    while first <= period.end:
        months.append(first)
        first = first + relativedelta(months=1)
    return months


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(UTC)


def monthly_statement(period: Period, forces: Sequence[str]) -> Any:
    """SELECT month index, main substance, count for the period's referrals in these forces."""
    months = month_starts(period)
    start, end = period.bounds()
    whens = []
    for index, first in enumerate(months[1:], start=0):
        whens.append((col(Referral.referred_at) < _utc_midnight(first), literal(index)))
    bucket = case(*whens, else_=literal(len(months) - 1)) if whens else literal(0)
    return (
        select(bucket.label("month"), Referral.main_substance, func.count())
        .where(
            col(Referral.referred_at) >= start.astimezone(UTC),
            col(Referral.referred_at) < end.astimezone(UTC),
            col(Referral.force_code).in_(sorted(forces)),
        )
        .group_by(bucket, Referral.main_substance)
    )


def fold_monthly(period: Period, rows: Sequence[tuple[int, str, int]]) -> MonthlySeries:
    """The rows of ``monthly_statement`` as a series: top substances, the rest as other,
    counts under 5 withheld (after folding, so "other" is withheld only if it is small)."""
    months = month_starts(period)
    totals: dict[str, int] = {}
    for _, substance, count in rows:
        totals[substance] = totals.get(substance, 0) + count
    ranked = sorted((s for s in totals if s != "other"), key=lambda s: (-totals[s], s))
    named = ranked[:TOP_SUBSTANCES]
    grid: dict[str, list[int]] = {s: [0] * len(months) for s in [*named, "other"]}
    for month, substance, count in rows:
        key = substance if substance in named else "other"
        grid[key][int(month)] += count
    if not any(grid["other"]):
        del grid["other"]
    withheld = 0
    counts: dict[str, tuple[int | None, ...]] = {}
    for substance, values in grid.items():
        shown: list[int | None] = []
        for value in values:
            if 0 < value < THRESHOLD:
                shown.append(None)
                withheld += 1
            else:
                shown.append(value)
        counts[substance] = tuple(shown)
    return MonthlySeries(tuple(months), tuple(grid), counts, withheld)
