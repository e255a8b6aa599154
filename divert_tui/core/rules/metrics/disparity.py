"""Disproportionality: relative rates against a reference group, with Katz log intervals.

The rate of a group at a stage is the share of the group's referrals that reached it;
the relative rate divides it by the reference group's rate (White British, W1, for
self-defined ethnicity; IC1 for officer-observed). The 95% interval is the log method
(Katz 1978): exp(ln RR +/- z * sqrt(1/a - 1/n1 + 1/c - 1/n2)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from divert_tui.core.vocab import OFFICER_OBSERVED_ETHNICITY

Z_95 = 1.959963984540054

# Stages in the order of the referral's life; "referred" has counts only (no denominator).
STAGES: tuple[str, ...] = (
    "referred",
    "contacted",
    "assessed",
    "completed",
    "non_compliant",
    "barred",
)
RATE_STAGES = STAGES[1:]

STAGE_LABELS = {
    "referred": "referred",
    "contacted": "contacted",
    "assessed": "assessed",
    "completed": "completed",
    "non_compliant": "closed non-compliant",
    "barred": "barred",
}

_STAGE_PHRASES = {
    "contacted": "to be contacted",
    "assessed": "to be assessed",
    "completed": "to complete",
    "non_compliant": "to be closed as non-compliant",
    "barred": "to be barred",
}

# Self-defined 18+1 codes by their top-level group; NS (and a missing code) is "not stated".
TOP_LEVEL_GROUPS: dict[str, tuple[str, ...]] = {
    "White": ("W1", "W2", "W3", "W9"),
    "Mixed": ("M1", "M2", "M3", "M9"),
    "Asian": ("A1", "A2", "A3", "A4", "A9"),
    "Black": ("B1", "B2", "B9"),
    "Other": ("O2", "O9"),
}
DETAIL_CODES: tuple[str, ...] = tuple(c for codes in TOP_LEVEL_GROUPS.values() for c in codes)
OFFICER_CODES: tuple[str, ...] = ("IC1", "IC2", "IC3", "IC4", "IC5", "IC6", "IC9")
NOT_STATED = "not_stated"
NOT_RECORDED = "not_recorded"
SELF_REFERENCE = "W1"
OFFICER_REFERENCE = "IC1"

GROUP_PEOPLE = {
    "White": "White people",
    "Mixed": "People of mixed ethnicity",
    "Asian": "Asian people",
    "Black": "Black people",
    "Other": "People of other ethnic groups",
}
REFERENCE_PEOPLE = {
    "W1": "White British people",
    "IC1": "people seen by officers as White North European (IC1)",
}


def top_level(code: str | None) -> str:
    """The top-level group of an 18+1 code; anything else is not stated."""
    for group, codes in TOP_LEVEL_GROUPS.items():
        if code in codes:
            return group
    return NOT_STATED


def detail(code: str | None) -> str:
    return code if code in DETAIL_CODES else NOT_STATED


def officer_code(code: str | None) -> str:
    return code if code in OFFICER_CODES else NOT_RECORDED


@dataclass(frozen=True)
class RelativeRate:
    value: float
    low: float
    high: float

    @property
    def includes_one(self) -> bool:
        return self.low <= 1.0 <= self.high


def relative_rate(a: int, n1: int, c: int, n2: int, z: float = Z_95) -> RelativeRate | None:
    """(a / n1) / (c / n2) with its Katz log interval; None when a rate is 0 or undefined."""
    if min(a, n1, c, n2) <= 0 or a > n1 or c > n2:
        return None
    value = (a / n1) / (c / n2)
    se = math.sqrt(max(0.0, 1 / a - 1 / n1 + 1 / c - 1 / n2))
    log_value = math.log(value)
    return RelativeRate(value, math.exp(log_value - z * se), math.exp(log_value + z * se))


def _officer_people(code: str) -> str:
    label = OFFICER_OBSERVED_ETHNICITY.get(code, code)
    return f"People seen by officers as {label} ({code})"


def gap_sentence(group: str, stage: str, rr: RelativeRate, reference: str) -> str:
    """The plain sentence for a relative rate, with its interval."""
    people = GROUP_PEOPLE.get(group) or _officer_people(group)
    ref_people = REFERENCE_PEOPLE.get(reference, reference)
    sentence = (
        f"{people} who were referred were {rr.value:.1f} times as likely as {ref_people} "
        f"{_STAGE_PHRASES[stage]}, 95% CI {rr.low:.1f}-{rr.high:.1f}"
    )
    if rr.includes_one:
        sentence += " (the interval includes 1: the gap may be chance)"
    return sentence + "."


def largest_gap(
    rates: dict[tuple[str, str], RelativeRate | None],
) -> tuple[str, str, RelativeRate] | None:
    """The (group, stage, relative rate) farthest from 1 on the log scale, among those whose
    interval excludes 1 when there are any (a clear gap is the one to tell first)."""
    found = [(group, stage, rr) for (group, stage), rr in rates.items() if rr is not None]
    clear = [item for item in found if not item[2].includes_one]
    pool = clear or found
    if not pool:
        return None
    return max(pool, key=lambda item: abs(math.log(item[2].value)))
