"""The published report as named tables: the CSV files, the workbook's sheets, the screen.

Rows are figures (or the parts of a breakdown), columns the forces and "All forces";
every cell comes from ``Published`` and so is suppressed exactly as the JSON is.
"""

from __future__ import annotations

from divert_tui.core.outfiles import Table
from divert_tui.core.rules.metrics import disparity as dp
from divert_tui.core.rules.metrics.definitions import METRICS, definitions
from divert_tui.core.rules.metrics.figures import ALL, BREAKDOWNS, OF_REFERRALS
from divert_tui.core.rules.metrics.publish import (
    CLASSIFICATION_LABELS,
    REFERENCES,
    Published,
    Value,
)
from divert_tui.core.vocab import OFFICER_OBSERVED_ETHNICITY, SELF_DEFINED_ETHNICITY, SUBSTANCES

PART_LABELS: dict[str, dict[str, str]] = {
    "by_substance": {code: s.label for code, s in SUBSTANCES.items()},
    "by_age_band": {
        "under_18": "Under 18",
        "18_24": "18-24",
        "25_34": "25-34",
        "35_44": "35-44",
        "45_54": "45-54",
        "55_plus": "55 and over",
    },
    "by_ethnicity_detail": {
        **{c: f"{c} {t}" for c, t in SELF_DEFINED_ETHNICITY.items()},
        dp.NOT_STATED: "Not stated",
    },
    "by_officer_observed": {
        **{c: f"{c} {t}" for c, t in OFFICER_OBSERVED_ETHNICITY.items()},
        dp.NOT_RECORDED: "Not recorded",
    },
}


def part_label(breakdown: str, part: str) -> str:
    found = PART_LABELS.get(breakdown, {}).get(part)
    return found or part.replace("_", " ").capitalize()


def report_tables(published: Published) -> list[Table]:
    entries = [published.force_entry(f) for f in published.figures]
    header = ("Figure", *(f.name for f in published.figures))
    tables = [
        Table(
            "About",
            ("Item", "Value"),
            (
                ("From", published.period.start.isoformat()),
                ("To", published.period.end.isoformat()),
                ("Forces", ", ".join(f.name for f in published.figures if f.force != ALL)),
                ("Suppression", definitions()["suppression"]),
            ),
        )
    ]
    summary_keys = (
        "referrals",
        "commissioned_places",
        "share_of_places",
        "first_contact_attempted",
        "first_contact_within_standard",
        "share_first_contact_within_standard",
        "median_working_days_to_first_contact",
        "contacted",
        "assessed",
        "share_assessed",
        "booked",
        "attended",
        "completed",
        "median_days_to_completion",
        "non_compliant",
        "barred",
        "ineligible",
        "repeat_referrals",
        "re_referral_rate",
        "hours_saved",
    )
    tables.append(
        Table(
            "Summary",
            header,
            tuple((METRICS[k].label, *(_show(k, e[k]) for e in entries)) for k in summary_keys),
        )
    )
    for name, title in (
        ("by_substance", "Substance"),
        ("by_age_band", "Age band"),
        ("by_sex", "Sex"),
        ("by_ethnicity", "Ethnic group"),
        ("by_ethnicity_detail", "Ethnicity 18+1"),
        ("by_officer_observed", "Officer-observed"),
        ("allocations_by_route", "Allocation route"),
        ("onward_referrals_by_need", "Onward referrals"),
        ("safeguarding_by_type", "Safeguarding"),
    ):
        rows = [(part_label(name, p), *(e[name][p] for e in entries)) for p in BREAKDOWNS[name]]
        if name in OF_REFERRALS:
            rows.append(("Total", *(e["referrals"] for e in entries)))
        tables.append(Table(title, (METRICS[name].label, *header[1:]), tuple(rows)))
    for classification, title in (
        ("self_defined", "Disproportionality self"),
        ("officer_observed", "Disproportionality IC"),
    ):
        tables.append(
            Table(
                title,
                (
                    "Group",
                    "Stage",
                    "Count",
                    "Referrals of the group",
                    "Rate",
                    "Relative rate",
                    "95% CI low",
                    "95% CI high",
                ),
                tuple(
                    (
                        _group_label(r.group),
                        dp.STAGE_LABELS[r.stage],
                        r.count,
                        r.of_referred,
                        _percent(r.rate),
                        _blank(r.relative_rate),
                        _blank(r.ci_low),
                        _blank(r.ci_high),
                    )
                    for r in published.stage_rows
                    if r.classification == classification
                ),
            )
        )
    gaps = published.largest_gaps()
    tables.append(
        Table(
            "Largest gaps",
            ("Ethnicity", "Finding"),
            tuple((CLASSIFICATION_LABELS[c], gaps[c]) for c in REFERENCES),
        )
    )
    tables.append(
        Table(
            "Definitions",
            ("Key", "Figure", "Definition"),
            tuple(
                (key, METRICS[key].label if key in METRICS else key.capitalize(), text)
                for key, text in definitions().items()
            ),
        )
    )
    return tables


def _group_label(group: str) -> str:
    """Codes stay codes (their words are in the breakdown tables); the rest in words."""
    return (
        group.replace("_", " ").capitalize() if group in (dp.NOT_STATED, dp.NOT_RECORDED) else group
    )


def _blank(value: Value) -> Value:
    return "" if value is None else value


def _percent(value: Value) -> Value:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1%}"
    return value


def _show(key: str, value: Value) -> Value:
    """A summary cell: shares as percentages, hours with thousands, the rest as they are."""
    if value is None:
        return ""
    if key.startswith("share") or key.endswith("rate"):
        return _percent(value)
    if key == "hours_saved" and isinstance(value, float | int):
        return f"{value:,.0f}"
    return value
