"""A report as it may leave the service: suppressed, as JSON and as tables.

Every published number is a cell of one grid, and every sum a reader could form from the
published tables (parts of a force's referrals, forces adding up to "all", ethnic detail
adding up to its group, referrals less ineligible ones behind the police hours) is handed
to the suppression rule, so that the JSON, the CSV, the workbook and the screen hide
exactly the same cells.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from divert_tui.core.outfiles import Table
from divert_tui.core.rules.metrics import disparity as dp
from divert_tui.core.rules.metrics.definitions import definitions
from divert_tui.core.rules.metrics.figures import (
    ALL,
    BREAKDOWNS,
    OF_REFERRALS,
    Figures,
)
from divert_tui.core.rules.metrics.suppression import SECONDARY, Sum, rate_withheld, suppress
from divert_tui.core.rules.metrics.timing import Period

Key = tuple[str, str, str | None]
Value = int | float | str | None

SCALARS: tuple[str, ...] = (
    "contacted",
    "first_contact_attempted",
    "first_contact_within_standard",
    "assessed",
    "booked",
    "attended",
    "completed",
    "non_compliant",
    "barred",
    "ineligible",
    "repeat_referrals",
)
REFERENCES = {"self_defined": dp.SELF_REFERENCE, "officer_observed": dp.OFFICER_REFERENCE}
CLASSIFICATION_LABELS = {
    "self_defined": "self-defined ethnicity",
    "officer_observed": "officer-observed ethnicity",
}


def _stage_key(scope: str, classification: str, stage: str, group: str) -> Key:
    """The cell of a group's count at a stage; "referred" is the breakdown cell itself."""
    if stage == "referred":
        if classification == "officer_observed":
            return (scope, "by_officer_observed", group)
        if group in dp.TOP_LEVEL_GROUPS:
            return (scope, "by_ethnicity", group)
        return (scope, "by_ethnicity_detail", group)
    return (scope, f"stage:{classification}:{stage}", group)


@dataclass(frozen=True)
class StageRow:
    """One group at one stage, as published."""

    classification: str
    group: str
    stage: str
    count: Value
    of_referred: Value
    rate: Value
    relative_rate: Value
    ci_low: Value
    ci_high: Value


class Published:
    """The suppressed report: ``cell`` and ``rate`` give what may be shown."""

    def __init__(self, period: Period, figures: Sequence[Figures], *, demo: bool = False):
        self.period = period
        self.figures = list(figures)
        self.demo = demo
        self.scope = self.figures[-1]
        self.values: dict[Hashable, int] = {}
        sums: list[Sum] = []
        for f in self.figures:
            self._add_force(f, sums)
        if len(self.figures) > 1:
            for key in list(self.values):
                force, metric, part = key  # type: ignore[misc]
                if force == ALL and not metric.startswith("stage:"):
                    parts = tuple((f.force, metric, part) for f in self.figures[:-1])
                    sums.append(Sum(key, parts))
        self._add_stages(self.scope, sums)
        self.marks = suppress(self.values, sums)
        self.stage_rows = self._stage_rows()

    # --- the grid ---------------------------------------------------------------------

    def _add_force(self, f: Figures, sums: list[Sum]) -> None:
        code = f.force
        self.values[(code, "referrals", None)] = f.referrals
        for name in SCALARS:
            self.values[(code, name, None)] = f.counts[name]
        self.values[(code, "eligible", None)] = f.eligible
        sums.append(
            Sum((code, "referrals", None), ((code, "eligible", None), (code, "ineligible", None)))
        )
        for name, parts in f.breakdowns.items():
            for part, value in parts.items():
                self.values[(code, name, part)] = value
            if name in OF_REFERRALS:
                sums.append(Sum((code, "referrals", None), tuple((code, name, p) for p in parts)))
        for group, codes in dp.TOP_LEVEL_GROUPS.items():
            sums.append(
                Sum(
                    (code, "by_ethnicity", group),
                    tuple((code, "by_ethnicity_detail", c) for c in codes),
                )
            )
        sums.append(
            Sum(
                (code, "by_ethnicity", dp.NOT_STATED),
                ((code, "by_ethnicity_detail", dp.NOT_STATED),),
            )
        )

    def _add_stages(self, scope: Figures, sums: list[Sum]) -> None:
        s = scope.force
        for classification, groups in scope.stages.items():
            for stage in dp.RATE_STAGES:
                for group, counts in groups.items():
                    self.values[_stage_key(s, classification, stage, group)] = counts[stage]
                total = (s, stage, None)
                if classification == "self_defined":
                    tops = (*dp.TOP_LEVEL_GROUPS, dp.NOT_STATED)
                    sums.append(
                        Sum(total, tuple(_stage_key(s, classification, stage, g) for g in tops))
                    )
                    for group, codes in dp.TOP_LEVEL_GROUPS.items():
                        sums.append(
                            Sum(
                                _stage_key(s, classification, stage, group),
                                tuple(_stage_key(s, classification, stage, c) for c in codes),
                            )
                        )
                else:
                    parts = (*dp.OFFICER_CODES, dp.NOT_RECORDED)
                    sums.append(
                        Sum(total, tuple(_stage_key(s, classification, stage, g) for g in parts))
                    )

    # --- what may be shown ------------------------------------------------------------

    def cell(self, force: str, metric: str, part: str | None = None) -> int | str:
        key = (force, metric, part)
        return self.marks.get(key) or self.values[key]

    def rate(
        self, force: str, numerator: Key | tuple[str, str, None], denominator: Key
    ) -> float | str | None:
        n, d = self.values[numerator], self.values[denominator]
        if d == 0:
            return None
        if rate_withheld(n, d, self.marks, (numerator, denominator)):
            return SECONDARY
        return round(n / d, 4)

    def _median(self, f: Figures, count_key: str, value: float | None) -> float | str | None:
        if value is None:
            return None
        key = (f.force, count_key, None)
        if rate_withheld(self.values[key], self.values[key], self.marks, (key,)):
            return SECONDARY
        return value

    def force_entry(self, f: Figures) -> dict[str, Any]:
        code = f.force
        ref = (code, "referrals", None)
        eligible = (code, "eligible", None)
        entry: dict[str, Any] = {
            "force": code,
            "name": f.name,
            "referrals": self.cell(code, "referrals"),
        }
        for name in OF_REFERRALS:
            entry[name] = {p: self.cell(code, name, p) for p in BREAKDOWNS[name]}
        places = f.commissioned_places
        entry["commissioned_places"] = places
        if places:
            n = self.values[ref]
            entry["share_of_places"] = (
                SECONDARY if rate_withheld(n, n, self.marks, (ref,)) else round(n / places, 4)
            )
        else:
            entry["share_of_places"] = None
        for name in SCALARS:
            entry[name] = self.cell(code, name)
            if name == "first_contact_within_standard":
                entry["share_first_contact_within_standard"] = self.rate(
                    code, (code, name, None), eligible
                )
                entry["median_working_days_to_first_contact"] = self._median(
                    f, "first_contact_attempted", f.median_working_days_to_first_contact
                )
            elif name == "assessed":
                entry["share_assessed"] = self.rate(code, (code, name, None), eligible)
            elif name == "completed":
                entry["median_days_to_completion"] = self._median(
                    f, "completed", f.median_days_to_completion
                )
            elif name == "repeat_referrals":
                entry["re_referral_rate"] = self.rate(code, (code, name, None), ref)
        for name in ("allocations_by_route", "onward_referrals_by_need", "safeguarding_by_type"):
            entry[name] = {p: self.cell(code, name, p) for p in BREAKDOWNS[name]}
        entry["hours_saved"] = SECONDARY if eligible in self.marks else round(f.hours_saved, 2)
        return entry

    def _stage_rows(self) -> list[StageRow]:
        s = self.scope
        rows = []
        for classification, groups in s.stages.items():
            reference = REFERENCES[classification]
            ref_den = _stage_key(s.force, classification, "referred", reference)
            for group in groups:
                den_key = _stage_key(s.force, classification, "referred", group)
                for stage in dp.STAGES:
                    key = _stage_key(s.force, classification, stage, group)
                    count = self.marks.get(key) or self.values[key]
                    if stage == "referred":
                        rows.append(
                            StageRow(
                                classification, group, stage, count, count, None, None, None, None
                            )
                        )
                        continue
                    rate = self.rate(s.force, key, den_key)  # type: ignore[arg-type]
                    rr_value: Value = None
                    low: Value = None
                    high: Value = None
                    ref_key = _stage_key(s.force, classification, stage, reference)
                    shown_group = group not in (reference, dp.NOT_STATED, dp.NOT_RECORDED)
                    if shown_group and rate is not None:
                        ref_rate = self.rate(s.force, ref_key, ref_den)  # type: ignore[arg-type]
                        if rate == SECONDARY or ref_rate == SECONDARY:
                            rr_value = low = high = SECONDARY
                        elif ref_rate is not None:
                            rr = dp.relative_rate(
                                self.values[key],
                                self.values[den_key],
                                self.values[ref_key],
                                self.values[ref_den],
                            )
                            if rr is not None:
                                rr_value, low, high = (
                                    round(rr.value, 3),
                                    round(rr.low, 3),
                                    round(rr.high, 3),
                                )
                    rows.append(
                        StageRow(
                            classification,
                            group,
                            stage,
                            count,
                            self.marks.get(den_key) or self.values[den_key],
                            rate,
                            rr_value,
                            low,
                            high,
                        )
                    )
        return rows

    def largest_gaps(self) -> dict[str, str]:
        """The plain sentence for the largest shown gap of each classification."""
        sentences = {}
        for classification, reference in REFERENCES.items():
            candidates: dict[tuple[str, str], dp.RelativeRate | None] = {}
            for row in self.stage_rows:
                if row.classification != classification or not isinstance(row.relative_rate, float):
                    continue
                if classification == "self_defined" and row.group not in dp.TOP_LEVEL_GROUPS:
                    continue
                candidates[(row.group, row.stage)] = dp.RelativeRate(
                    row.relative_rate,
                    float(row.ci_low),
                    float(row.ci_high),  # type: ignore[arg-type]
                )
            best = dp.largest_gap(candidates)
            if best is None:
                sentences[classification] = (
                    f"No relative rate by {CLASSIFICATION_LABELS[classification]} can be shown: "
                    "the groups are too small."
                )
            else:
                group, stage, rr = best
                sentences[classification] = dp.gap_sentence(group, stage, rr, reference)
        return sentences

    # --- the outputs ------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        found["from"] = self.period.start.isoformat()
        found["to"] = self.period.end.isoformat()
        found["forces"] = [self.force_entry(f) for f in self.figures]
        found["disproportionality"] = {
            "scope": self.scope.force,
            "stages": [
                {
                    "classification": r.classification,
                    "group": r.group,
                    "stage": r.stage,
                    "count": r.count,
                    "group_referrals": r.of_referred,
                    "rate": r.rate,
                    "relative_rate": r.relative_rate,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                }
                for r in self.stage_rows
            ],
            "largest_gap": self.largest_gaps(),
        }
        found["definitions"] = definitions()
        return found

    def tables(self) -> list[Table]:
        """The report as named tables (the CSV files, the workbook's sheets, the screen)."""
        from divert_tui.core.rules.metrics.tables import report_tables

        return report_tables(self)
