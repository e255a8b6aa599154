"""The true figures of a report, folded from the rows of ``queries`` (no suppression yet).

One ``Figures`` per force and, when the report covers more than one, one for them all
(``force == "all"``), whose medians are taken over all the rows, not averaged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from divert_tui.core.rules.metrics import disparity as dp
from divert_tui.core.rules.metrics.queries import AGE_BANDS, FLAGS
from divert_tui.core.rules.metrics.timing import (
    Period,
    calendar_days,
    first_contact_timing,
    median_or_none,
)
from divert_tui.core.vocab import SUBSTANCES, AllocationPath, NeedDomain, SafeguardingType, Sex

ALL = "all"
COUNTS: tuple[str, ...] = ("referrals", *FLAGS, "first_contact_within_standard")
CLASSIFICATIONS = ("self_defined", "officer_observed")

BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "by_substance": tuple(SUBSTANCES),
    "by_age_band": AGE_BANDS,
    "by_sex": tuple(s.value for s in Sex),
    "by_ethnicity": (*dp.TOP_LEVEL_GROUPS, dp.NOT_STATED),
    "by_ethnicity_detail": (*dp.DETAIL_CODES, dp.NOT_STATED),
    "by_officer_observed": (*dp.OFFICER_CODES, dp.NOT_RECORDED),
    "allocations_by_route": tuple(p.value for p in AllocationPath),
    "onward_referrals_by_need": tuple(d.value for d in NeedDomain),
    "safeguarding_by_type": tuple(t.value for t in SafeguardingType),
}
# Breakdowns whose parts add up to the force's referrals.
OF_REFERRALS = (
    "by_substance",
    "by_age_band",
    "by_sex",
    "by_ethnicity",
    "by_ethnicity_detail",
    "by_officer_observed",
)
GROUPS: dict[str, tuple[str, ...]] = {
    "self_defined": (*dp.TOP_LEVEL_GROUPS, *dp.DETAIL_CODES, dp.NOT_STATED),
    "officer_observed": (*dp.OFFICER_CODES, dp.NOT_RECORDED),
}


def _zeros(keys: Iterable[str]) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


@dataclass
class Figures:
    force: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: _zeros(COUNTS))
    breakdowns: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: _zeros(v) for k, v in BREAKDOWNS.items()}
    )
    # classification -> group -> stage -> count (the referrals of the group that reached it)
    stages: dict[str, dict[str, dict[str, int]]] = field(
        default_factory=lambda: {
            c: {g: _zeros(dp.STAGES) for g in GROUPS[c]} for c in CLASSIFICATIONS
        }
    )
    commissioned_places: int | None = None
    hours_per_referral: float | None = None
    hours_saved: float = 0.0
    days_to_first_contact: list[int] = field(default_factory=list)
    days_to_completion: list[int] = field(default_factory=list)

    @property
    def referrals(self) -> int:
        return self.counts["referrals"]

    @property
    def eligible(self) -> int:
        return self.counts["referrals"] - self.counts["ineligible"]

    @property
    def median_working_days_to_first_contact(self) -> float | None:
        return median_or_none(self.days_to_first_contact)

    @property
    def median_days_to_completion(self) -> float | None:
        return median_or_none(self.days_to_completion)

    def add(self, other: Figures) -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        for name, parts in other.breakdowns.items():
            for key, value in parts.items():
                self.breakdowns[name][key] += value
        for classification, groups in other.stages.items():
            for group, stages in groups.items():
                for stage, value in stages.items():
                    self.stages[classification][group][stage] += value
        self.hours_saved += other.hours_saved
        self.days_to_first_contact.extend(other.days_to_first_contact)
        self.days_to_completion.extend(other.days_to_completion)


@dataclass(frozen=True)
class ForceSettings:
    """What the report needs of a force's scheme."""

    name: str
    first_contact_working_days: int
    hours_per_referral: float
    places_per_year: int | None


def places_in(period: Period, per_year: int | None) -> int | None:
    return None if per_year is None else round(per_year * period.days / 365)


def _substance(code: str | None) -> str:
    return code if code in SUBSTANCES else "other"


def fold(
    period: Period,
    forces: Mapping[str, ForceSettings],
    cube: Iterable[Sequence[Any]],
    allocations: Iterable[Sequence[Any]],
    onward: Iterable[Sequence[Any]],
    safeguarding: Iterable[Sequence[Any]],
    first_contacts: Iterable[tuple[str, datetime, datetime]],
    completions: Iterable[tuple[str, datetime, datetime]],
) -> list[Figures]:
    """One Figures per force (in the order given), then the "all" one when there are several."""
    figures = {code: Figures(code, s.name) for code, s in forces.items()}
    for row in cube:
        force, sde, ic, substance, age_band, sex, referrals, *flags = row
        f = figures[force]
        f.counts["referrals"] += referrals
        for name, value in zip(FLAGS, flags, strict=True):
            f.counts[name] += int(value or 0)
        b = f.breakdowns
        b["by_substance"][_substance(substance)] += referrals
        b["by_age_band"][age_band if age_band in AGE_BANDS else "55_plus"] += referrals
        b["by_sex"][sex if sex in b["by_sex"] else Sex.NOT_STATED.value] += referrals
        b["by_ethnicity"][dp.top_level(sde)] += referrals
        b["by_ethnicity_detail"][dp.detail(sde)] += referrals
        b["by_officer_observed"][dp.officer_code(ic)] += referrals
        by_stage = {"referred": referrals, **dict(zip(FLAGS, flags, strict=True))}
        groups = {
            "self_defined": {dp.top_level(sde), dp.detail(sde)},
            "officer_observed": {dp.officer_code(ic)},
        }
        for classification, names in groups.items():
            for group in names:
                counts = f.stages[classification][group]
                for stage in dp.STAGES:
                    counts[stage] += int(by_stage[stage] or 0)
    for name, rows in (
        ("allocations_by_route", allocations),
        ("onward_referrals_by_need", onward),
        ("safeguarding_by_type", safeguarding),
    ):
        for force, key, count in rows:
            parts = figures[force].breakdowns[name]
            if key in parts:
                parts[key] += int(count)
    for force, referred_at, contacted_at in first_contacts:
        days, on_time = first_contact_timing(
            referred_at, contacted_at, forces[force].first_contact_working_days
        )
        figures[force].days_to_first_contact.append(days)
        figures[force].counts["first_contact_within_standard"] += int(on_time)
    for force, referred_at, closed_at in completions:
        figures[force].days_to_completion.append(calendar_days(referred_at, closed_at))
    for code, settings in forces.items():
        f = figures[code]
        f.commissioned_places = places_in(period, settings.places_per_year)
        f.hours_per_referral = settings.hours_per_referral
        f.hours_saved = f.eligible * settings.hours_per_referral
    result = list(figures.values())
    if len(result) > 1:
        total = Figures(ALL, "All forces")
        for f in result:
            total.add(f)
        places = [f.commissioned_places for f in result]
        total.commissioned_places = None if None in places else sum(p or 0 for p in places)
        result.append(total)
    return result
