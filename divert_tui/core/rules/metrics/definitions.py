"""Every figure of the commissioner report, defined once in words.

The same text is printed in the exports, listed on the reports screen (F1) and used as
the key in the JSON report, so a number can always be traced back to what it counts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    definition: str


COHORT = (
    "Referrals whose referred_at falls in the period (from midnight UK time at the start of "
    "the first day to midnight at the end of the last day), in the forces of the report. "
    "Every other figure counts these referrals."
)

_METRICS = (
    Metric("referrals", "Referrals", COHORT),
    Metric(
        "by_substance",
        "Referrals by substance",
        "Referrals by the main substance the officer found (the first one named).",
    ),
    Metric(
        "by_age_band",
        "Referrals by age band",
        "Referrals by the person's age in whole years on the day of the referral "
        "(under 18, 18-24, 25-34, 35-44, 45-54, 55 and over).",
    ),
    Metric("by_sex", "Referrals by sex", "Referrals by the sex recorded for the person."),
    Metric(
        "by_ethnicity",
        "Referrals by self-defined ethnic group",
        "Referrals by the person's self-defined ethnicity (18+1 code), grouped into the five "
        "top-level groups (White, Mixed, Asian, Black, Other); not stated (NS or missing) apart.",
    ),
    Metric(
        "by_ethnicity_detail",
        "Referrals by self-defined ethnicity (18+1)",
        "Referrals by the person's self-defined ethnicity code; not stated (NS or missing) apart.",
    ),
    Metric(
        "by_officer_observed",
        "Referrals by officer-observed ethnicity",
        "Referrals by the officer-observed IC code (IC1-IC6, IC9); IC7 and missing codes "
        "count as not recorded.",
    ),
    Metric(
        "commissioned_places",
        "Commissioned places in the period",
        "The force's commissioned places a year (scheme setting commissioning.places_per_year) "
        "times the days of the period over 365, rounded; empty when the scheme sets none.",
    ),
    Metric(
        "share_of_places",
        "Referrals against commissioned places",
        "Referrals divided by the commissioned places in the period.",
    ),
    Metric(
        "contacted",
        "Contacted",
        "Referrals where at least one call reached the person (outcome answered or declined).",
    ),
    Metric(
        "first_contact_attempted",
        "First contact attempted",
        "Referrals with at least one contact attempt of any outcome.",
    ),
    Metric(
        "first_contact_within_standard",
        "First contact within the standard",
        "Referrals whose first contact attempt was made on or before the last day of the "
        "scheme's first-contact standard: the scheme's working days after the day of the "
        "referral (UK days; weekends and England and Wales bank holidays do not count).",
    ),
    Metric(
        "share_first_contact_within_standard",
        "Share with first contact on time",
        "First contact within the standard divided by eligible referrals (referrals less "
        "ineligible ones).",
    ),
    Metric(
        "median_working_days_to_first_contact",
        "Median working days to first contact",
        "The median, over referrals with a first contact attempt, of the working days after "
        "the day of the referral up to and including the day of that attempt (0 = same day).",
    ),
    Metric(
        "assessed",
        "Assessed",
        "Referrals with a completed assessment: the service counts them as compliant.",
    ),
    Metric(
        "share_assessed",
        "Share assessed",
        "Assessed divided by eligible referrals (referrals less ineligible ones).",
    ),
    Metric(
        "allocations_by_route",
        "Allocations by route",
        "Referrals by the route chosen at allocation: each group course, or a one-to-one.",
    ),
    Metric(
        "booked",
        "Booked",
        "Referrals with at least one booking on a course session that was not cancelled.",
    ),
    Metric(
        "attended",
        "Attended",
        "Referrals with at least one booking marked attended or completed, or closed as completed.",
    ),
    Metric("completed", "Completed", "Referrals whose status is completed."),
    Metric(
        "median_days_to_completion",
        "Median days from referral to completion",
        "The median, over completed referrals, of the calendar days from the referral to the "
        "day it was closed as completed.",
    ),
    Metric("non_compliant", "Closed non-compliant", "Referrals whose status is non_compliant."),
    Metric(
        "barred",
        "Barred",
        "Referrals that led to an intelligence log, which bars the person from diversion "
        "for the scheme's bar length.",
    ),
    Metric(
        "ineligible",
        "Ineligible",
        "Referrals closed as ineligible (a bar in force, or outside the scheme's rules).",
    ),
    Metric(
        "repeat_referrals",
        "Repeat referrals",
        "Referrals of a person who had an earlier referral in any force, at any time before.",
    ),
    Metric("re_referral_rate", "Re-referral rate", "Repeat referrals divided by referrals."),
    Metric(
        "onward_referrals_by_need",
        "Onward referrals by need",
        "Referrals with a need, of each domain, that the worker referred on to a service.",
    ),
    Metric(
        "safeguarding_by_type",
        "Safeguarding concerns by type",
        "Safeguarding concerns raised on the referrals, by type.",
    ),
    Metric(
        "hours_saved",
        "Police hours saved",
        "Eligible referrals (referrals less ineligible ones) times the scheme's hours of police "
        "time per arrest (police.hours_saved_per_referral).",
    ),
)

METRICS: dict[str, Metric] = {m.key: m for m in _METRICS}

SUPPRESSION = (
    "Counts from 1 to 4 are shown as <5. Where one number of a row or column with a shown "
    "total is withheld, a second one is withheld too and shown as [c] (and more, until the "
    "withheld numbers of the row add up to 5 or more), so that no withheld number can be "
    "worked out by subtraction. A share, rate, median or relative rate is "
    "withheld ([c]) when its numerator or denominator is under 5 or withheld."
)

DISPROPORTIONALITY = (
    "For each stage, the count of referrals of each ethnic group that reached it, the rate "
    "(count divided by the group's referrals), and the relative rate: the group's rate divided "
    "by the rate of White British people (W1) for self-defined ethnicity, or of IC1 for "
    "officer-observed ethnicity. The 95% confidence interval of a relative rate uses the log "
    "method (Katz): exp(ln RR +/- 1.96 * sqrt(1/a - 1/n1 + 1/c - 1/n2))."
)


def definitions() -> dict[str, str]:
    """Every definition by key, as printed in the exports."""
    found = {m.key: m.definition for m in _METRICS}
    found["suppression"] = SUPPRESSION
    found["disproportionality"] = DISPROPORTIONALITY
    return found
