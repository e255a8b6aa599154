"""Allocation (DESIGN section 4): one-to-one or the group of the main substance, with reasons.

Dependent use (a positive SDS for the main substance, AUDIT 20+) or a significant
safeguarding issue (Dash high risk or another Marac criterion, a safeguarding referral,
PHQ-9 item 9 above 0, exploitation) -> one-to-one. Otherwise the group of the main
substance: cannabis, cocaine (powder or crack), nitrous oxide; anything else -> general.
Every reason is a sentence a worker can read back to a team lead.
"""

from __future__ import annotations

from dataclasses import dataclass

from divert_tui.core.vocab import SUBSTANCES, AllocationPath
from divert_tui.forms import load_instrument
from divert_tui.forms.conditions import Env, holds

AUDIT_DEPENDENCE = 20
GROUP_OF_SUBSTANCE = {
    "cannabis": "cannabis",
    "cocaine": "cocaine",
    "crack_cocaine": "cocaine",
    "nitrous_oxide": "nitrous_oxide",
}
PATH_OF_GROUP = {
    "cannabis": AllocationPath.GROUP_CANNABIS,
    "cocaine": AllocationPath.GROUP_COCAINE,
    "nitrous_oxide": AllocationPath.GROUP_NITROUS_OXIDE,
    "general": AllocationPath.GROUP_GENERAL,
}
PATH_LABELS = {
    AllocationPath.ONE_TO_ONE: "one-to-one",
    AllocationPath.GROUP_CANNABIS: "cannabis group",
    AllocationPath.GROUP_COCAINE: "cocaine group",
    AllocationPath.GROUP_NITROUS_OXIDE: "nitrous oxide group",
    AllocationPath.GROUP_GENERAL: "general group",
}
SAFEGUARDING_REFERRAL_LABELS = {
    "children": "a safeguarding referral for a child",
    "adult_at_risk": "a safeguarding referral for an adult at risk (Care Act s42)",
}


@dataclass(frozen=True)
class AllocationFacts:
    """What the answers say, as plain values (None: not asked or not answered)."""

    main_substance: str
    sds_substance: str | None = None
    sds_total: int | None = None
    audit_total: int | None = None
    dash_total: int | None = None
    marac_criteria: tuple[str, ...] = ()  # labels of the Marac criteria met
    safeguarding_referrals: tuple[str, ...] = ()  # concern types: children, adult_at_risk
    phq9_item9: int | None = None
    exploitation: bool = False
    groups_offered: tuple[str, ...] = ("cannabis", "cocaine", "nitrous_oxide", "general")
    not_screened: tuple[str, ...] = ()  # screens not done, in words: "domestic abuse (declined)"


@dataclass(frozen=True)
class Suggestion:
    path: AllocationPath
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()  # facts worth knowing that did not decide the path

    @property
    def label(self) -> str:
        return PATH_LABELS[self.path]


def substance_label(code: str) -> str:
    """Plain words for a substance code: "crack cocaine", "mdma" stays as its catalogue label."""
    if code == "mdma":
        return SUBSTANCES["mdma"].label
    return code.replace("_", " ")


def sds_cut_off(substance: str) -> int | None:
    """The published SDS cut-off for a substance (from the SDS definition), None if none."""
    sds = load_instrument("sds")
    env = Env(answers={}, context={"substance": substance})
    for cut in sds.cut_offs:
        if cut.when is None or holds(cut.when, env):
            return cut.at_least
    return None


def _dependence(facts: AllocationFacts) -> tuple[list[str], list[str]]:
    reasons: list[str] = []
    notes: list[str] = []
    if facts.sds_total is not None and facts.sds_substance:
        name = substance_label(facts.sds_substance)
        cut = sds_cut_off(facts.sds_substance)
        if facts.sds_substance != facts.main_substance:
            notes.append(f"SDS {facts.sds_total} was asked for {name}, not the main substance")
        elif cut is None:
            notes.append(f"SDS {facts.sds_total} for {name}: no published cut-off, use judgement")
        elif facts.sds_total >= cut:
            reasons.append(f"SDS {facts.sds_total} for {name}, cut-off {cut}: possible dependence")
        else:
            notes.append(f"SDS {facts.sds_total} for {name}, below the cut-off of {cut}")
    if facts.audit_total is not None:
        if facts.audit_total >= AUDIT_DEPENDENCE:
            reasons.append(
                f"AUDIT {facts.audit_total}, {AUDIT_DEPENDENCE} or more: possible alcohol dependence"
            )
        else:
            notes.append(f"AUDIT {facts.audit_total}, below {AUDIT_DEPENDENCE}")
    return reasons, notes


def _safeguarding(facts: AllocationFacts) -> list[str]:
    reasons: list[str] = []
    if facts.dash_total is not None and facts.dash_total >= 14:
        reasons.append(
            f"Dash {facts.dash_total} 'yes', 14 or more: visible high risk, Marac referral"
        )
    others = [c for c in facts.marac_criteria if "visible high risk" not in c.lower()]
    if others:
        reasons.append(f"Marac referral criterion met: {'; '.join(others)}")
    for kind in dict.fromkeys(facts.safeguarding_referrals):
        if kind in SAFEGUARDING_REFERRAL_LABELS:
            reasons.append(SAFEGUARDING_REFERRAL_LABELS[kind].capitalize())
    if facts.phq9_item9 is not None and facts.phq9_item9 > 0:
        reasons.append(
            f"PHQ-9 question 9 answered {facts.phq9_item9} (above 0): thoughts of self-harm"
        )
    if facts.exploitation:
        reasons.append("Signs of criminal exploitation or modern slavery disclosed")
    return reasons


def suggest(facts: AllocationFacts) -> Suggestion:
    """The path the rules suggest, with every reason that decided it."""
    dependence, notes = _dependence(facts)
    safeguarding = _safeguarding(facts)
    unscreened = [f"Not screened: {', '.join(facts.not_screened)}"] if facts.not_screened else []
    if dependence or safeguarding:
        return Suggestion(
            AllocationPath.ONE_TO_ONE, tuple(dependence + safeguarding + unscreened), tuple(notes)
        )
    name = substance_label(facts.main_substance)
    group = GROUP_OF_SUBSTANCE.get(facts.main_substance, "general")
    if facts.not_screened:
        reasons = [
            "No sign of dependence and no significant safeguarding issue in the screens done",
            *unscreened,
        ]
    else:
        reasons = ["No sign of dependence and no significant safeguarding issue"]
    if group == "general":
        reasons.append(f"Main substance {name}: no group of its own, general group")
    else:
        reasons.append(f"Main substance {name}: {PATH_LABELS[PATH_OF_GROUP[group]]}")
    if group not in facts.groups_offered:
        reasons.append(f"The {group.replace('_', ' ')} group is not offered here: general group")
        group = "general"
    if group not in facts.groups_offered:
        reasons.append("No group is offered here: one-to-one")
        return Suggestion(AllocationPath.ONE_TO_ONE, tuple(reasons), tuple(notes))
    return Suggestion(PATH_OF_GROUP[group], tuple(reasons), tuple(notes))
