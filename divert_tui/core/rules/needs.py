"""Needs and safeguarding concerns found in an assessment, each with the reason in words.

Needs come from the instruments' own need rules (forms engine), merged by domain at the
highest level with every reason kept. Safeguarding concerns come from the flags that call
for a referral (Marac, a child, an adult at risk, exploitation), each with a follow-up date
counted in working days so a team lead sees it fall due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from divert_tui.core.rules.assessment_flow import Stored
from divert_tui.core.rules.calendar import add_working_days
from divert_tui.core.rules.scores import has_own_answers
from divert_tui.forms import NEED_DOMAINS, load_instrument
from divert_tui.forms.result import merge_needs

DOMAIN_LABELS = {
    "drug_treatment": "Drug treatment",
    "alcohol": "Alcohol",
    "mental_health": "Mental health",
    "gambling": "Gambling",
    "housing": "Housing",
    "domestic_abuse": "Domestic abuse",
    "exploitation": "Exploitation",
    "safeguarding": "Safeguarding",
    "employment": "Employment",
    "debt": "Debt",
}


def need_words(domain: str) -> str:
    """A need domain as a worker reads it in a sentence: "drug treatment", never its id."""
    return DOMAIN_LABELS.get(domain, domain.replace("_", " ")).lower()


@dataclass(frozen=True)
class NeedFound:
    domain: str
    level: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class ConcernDue:
    """A safeguarding concern the answers call for: type, why, and when to follow it up."""

    type: str
    detail: str
    follow_up_working_days: int

    def follow_up_due(self, today: date) -> date:
        return add_working_days(today, self.follow_up_working_days)


# (instrument, flag) -> (concern type, working days to follow up)
CONCERN_FLAGS: dict[tuple[str, str], tuple[str, int]] = {
    ("dash", "marac"): ("marac", 1),
    ("safeguarding", "child_safeguarding"): ("children", 1),
    ("safeguarding", "adult_at_risk"): ("adult_at_risk", 1),
    ("exploitation", "exploitation"): ("exploitation", 2),
}
SELF_HARM_FOLLOW_UP_WORKING_DAYS = 1


def needs_from(responses: Iterable[Stored]) -> list[NeedFound]:
    """Every need the answers signal, one per domain, in the order of the need domains.

    Each instrument gives the reasons of the level it reached only (AUDIT-C 11 says
    "possible dependence", not also the 5+ and 8+ reasons it passed on the way); a follow-up
    holding only the answers carried into it (the AUDIT after AUDIT-C) adds nothing yet."""
    found: list[tuple[str, str, str]] = []
    for stored in responses:
        if not has_own_answers(stored):
            continue
        inst = load_instrument(stored.instrument, stored.version)
        result = inst.score_so_far(stored.answers, **dict(stored.context))
        for need in result.needs:
            at_level = {r.reason for r in inst.needs_rules if r.level == need.level}
            reasons = [r for r in need.reasons if r in at_level] or need.reasons
            for reason in reasons:
                words = (
                    f"{reason} ({stored.subject.replace('_', ' ')})" if stored.subject else reason
                )
                found.append((need.domain, need.level, words))
    merged = merge_needs(found)
    order = {d: n for n, d in enumerate(NEED_DOMAINS)}
    merged.sort(key=lambda n: order.get(n.domain, len(order)))
    return [
        NeedFound(n.domain, n.level, tuple(_at_top_level(found, n.domain, n.level))) for n in merged
    ]


def _at_top_level(found: list[tuple[str, str, str]], domain: str, level: str) -> list[str]:
    """The reasons behind a domain's level, once each: those of the forms that reached it."""
    return list(dict.fromkeys(r for d, lv, r in found if d == domain and lv == level))


def concerns_from(responses: Iterable[Stored]) -> list[ConcernDue]:
    """The safeguarding concerns the flags raise, Marac with the criteria that were met."""
    due: list[ConcernDue] = []
    for stored in responses:
        inst = load_instrument(stored.instrument, stored.version)
        for flag in sorted(stored.flags):
            rule = CONCERN_FLAGS.get((stored.instrument, flag))
            if rule is None:
                continue
            kind, days = rule
            detail = inst.flag_rule(flag).label
            if kind == "marac":
                result = inst.score_so_far(stored.answers, **dict(stored.context))
                criteria = [
                    inst.flag_rule(f).label for f in sorted(stored.flags) if f.startswith("marac_")
                ]
                detail = f"Dash {result.total} 'yes'. " + "; ".join(criteria or [detail])
            due.append(ConcernDue(kind, detail, days))
    return due
