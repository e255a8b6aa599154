"""The telephone assessment as a sequence of steps (DESIGN section 6), decided from data.

Which forms a step asks, which follow-ups are due (AUDIT after a positive AUDIT-C, PHQ-9
after PHQ-2, GAD-7 after GAD-2, Dash after a disclosure), which steps are done, skipped or
flagged, and whether a safety protocol blocks the call: all worked out here from the stored
answers through the forms engine, so the screens only show it and a test can check it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from divert_tui.forms import load_instrument
from divert_tui.forms.scoring import plain_number

SELF_HARM_FLAG = "self_harm_risk"
STOP_FLAGS = {
    "wrong_person": "not the person referred",
    "not_safe_to_talk": "not safe to talk now",
    "no_consent": "consent not given",
}


@dataclass(frozen=True)
class StepDef:
    id: str
    title: str
    instruments: tuple[str, ...] = ()  # asked first; follow-ups are added from the answers


STEPS: tuple[StepDef, ...] = (
    StepDef("identity", "Identity and safety check", ("identity_check",)),
    StepDef("drug_use", "Drug use", ("substance_use",)),
    StepDef("severity", "Severity (SDS)", ("sds",)),
    StepDef("alcohol", "Alcohol (AUDIT-C, AUDIT)", ("audit_c",)),
    StepDef("mixing", "Mixing risks"),
    StepDef("advice", "Harm-reduction advice"),
    StepDef("gambling", "Gambling (PGSI)", ("pgsi",)),
    StepDef("mental_health", "Mental health (PHQ, GAD)", ("phq2", "gad2")),
    StepDef("domestic_abuse", "Domestic abuse", ("domestic_abuse_enquiry",)),
    StepDef("housing", "Housing", ("housing",)),
    StepDef("exploitation", "Exploitation", ("exploitation",)),
    StepDef("safeguarding", "Safeguarding", ("safeguarding",)),
    StepDef("employment", "Employment", ("employment",)),
    StepDef("debt", "Debt", ("debt",)),
    StepDef("summary", "Summary and allocation"),
)
STEP_IDS = tuple(s.id for s in STEPS)
MARKED_STEPS = ("mixing", "advice")  # done when the worker says so

# Why a step was skipped: asked every time, stored, and shown wherever the call is read back.
SKIP_REASONS: dict[str, str] = {
    "declined": "declined to answer",
    "not_relevant": "not relevant",
    "out_of_time": "ran out of time",
    "unsafe_to_ask": "unsafe to ask now",
}
# The screens of the call, named as the allocation and the summary say them.
SCREEN_NAMES: dict[str, str] = {
    "drug_use": "drug use",
    "severity": "severity of dependence (SDS)",
    "alcohol": "alcohol",
    "gambling": "gambling",
    "mental_health": "mental health",
    "domestic_abuse": "domestic abuse",
    "housing": "housing",
    "exploitation": "exploitation",
    "safeguarding": "safeguarding",
    "employment": "employment",
    "debt": "debt",
}
# Left unscreened, these could hide a reason for one-to-one: the worker must acknowledge it.
MUST_ACKNOWLEDGE = ("domestic_abuse", "safeguarding")


def step_def(step_id: str) -> StepDef:
    for step in STEPS:
        if step.id == step_id:
            return step
    raise ValueError(f"no assessment step called {step_id!r}")


@dataclass(frozen=True)
class Stored:
    """One stored instrument response, as the flow needs it."""

    instrument: str
    version: str
    subject: str = ""
    answers: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)
    marked: tuple[str, ...] = ()
    completed: bool = False
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FormRef:
    """A form the step asks: instrument, subject (the drug for per-substance forms), the
    context to score it with, and answers carried over from the form that called for it."""

    step: str
    instrument: str
    subject: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    carried: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.instrument, self.subject)


@dataclass(frozen=True)
class Facts:
    substances: tuple[str, ...]
    main_substance: str
    responses: Mapping[tuple[str, str], Stored]
    marks: Mapping[str, str] = field(default_factory=dict)  # step -> skipped | done
    self_harm_recorded: bool = False
    completed: bool = False
    skip_reasons: Mapping[str, str] = field(default_factory=dict)  # step -> SKIP_REASONS key
    advice_ticked: int = 0  # advice items ticked as given
    sex: str = ""  # the person's recorded sex: male, female, other, not_stated or ""
    age: int | None = None  # the person's age today, from their date of birth


@dataclass(frozen=True)
class StepState:
    id: str
    title: str
    state: str  # not_started | in_progress | done | skipped
    flags: tuple[str, ...] = ()  # labels of the flags raised in the step
    due: tuple[str, ...] = ()  # follow-up instruments due and not finished
    skip_reason: str = ""  # in words, when skipped

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class NotScreened:
    """A screen of the call that was not done, and why in words."""

    step: str
    name: str
    why: str

    @property
    def words(self) -> str:
        return f"{self.name} ({self.why})"


def _follow_ups(stored: Stored | None) -> list[tuple[str, dict[str, Any], str]]:
    """Follow-ups the engine calls for, once the form that calls for them is finished."""
    if stored is None or not stored.completed:
        return []
    inst = load_instrument(stored.instrument, stored.version)
    result = inst.score_so_far(stored.answers, **dict(stored.context))
    return [(f.instrument, dict(f.answers), f.reason) for f in result.follow_ups]


def _person_context(facts: Facts) -> dict[str, Any]:
    """What the forms may take from the person's record: AUDIT-C question 3's threshold."""
    return {"q3_threshold": facts.sex if facts.sex in ("male", "female") else "unknown"}


def _known_context(instrument: str, facts: Facts, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``wanted`` the version in use accepts (a stored older version may not)."""
    stored = facts.responses.get((instrument, ""))
    inst = load_instrument(instrument, stored.version if stored else None)
    known = {spec.id for spec in inst.contexts}
    return {k: v for k, v in wanted.items() if k in known}


def forms_for(step_id: str, facts: Facts) -> list[FormRef]:
    """The forms of a step in the order they are asked, follow-ups included once due."""
    step = step_def(step_id)
    if step_id == "drug_use":
        return [FormRef(step_id, "substance_use", s, {"substance": s}) for s in facts.substances]
    if step_id == "severity":
        main = facts.main_substance
        return [FormRef(step_id, "sds", main, {"substance": main})]
    forms: list[FormRef] = []
    for instrument in step.instruments:
        context = _known_context(instrument, facts, _person_context(facts))
        forms.append(FormRef(step_id, instrument, context=context))
        for follow, carried, reason in _follow_ups(facts.responses.get((instrument, ""))):
            forms.append(FormRef(step_id, follow, carried=carried, reason=reason))
    return forms


def _flag_labels(stored: Stored) -> list[str]:
    inst = load_instrument(stored.instrument, stored.version)
    labels = []
    for flag in sorted(stored.flags):
        try:
            labels.append(inst.flag_rule(flag).label)
        except KeyError:
            labels.append(flag)
    return labels


def step_state(step_id: str, facts: Facts) -> StepState:
    step = step_def(step_id)
    mark = facts.marks.get(step_id, "")
    if step_id == "summary":
        state = "done" if facts.completed else ("skipped" if mark == "skipped" else "not_started")
        return StepState(step_id, step.title, state)
    why = SKIP_REASONS.get(facts.skip_reasons.get(step_id, ""), "") if mark == "skipped" else ""
    if step_id in MARKED_STEPS:
        state = mark if mark in ("done", "skipped") else "not_started"
        if step_id == "advice" and state == "done" and not facts.advice_ticked:
            state = "not_started"  # moving on is not giving advice: nothing was ticked
        return StepState(step_id, step.title, state, skip_reason=why if state == "skipped" else "")
    forms = forms_for(step_id, facts)
    stored = [facts.responses.get(f.key) for f in forms]
    flags = [label for s in stored if s is not None for label in _flag_labels(s)]
    due = tuple(
        f.instrument
        for f, s in zip(forms, stored, strict=True)
        if f.reason and (s is None or not s.completed)
    )
    if forms and all(s is not None and s.completed for s in stored):
        state = "done"
    elif mark == "skipped":
        state = "skipped"
    elif any(s is not None and (s.answers or s.marked) for s in stored):
        state = "in_progress"
    else:
        state = "not_started"
    return StepState(
        step_id,
        step.title,
        state,
        tuple(dict.fromkeys(flags)),
        due,
        why if state == "skipped" else "",
    )


def states(facts: Facts) -> list[StepState]:
    return [step_state(s.id, facts) for s in STEPS]


def self_harm_pending(facts: Facts) -> bool:
    """PHQ-9 item 9 above 0 and no action recorded yet: nothing else may happen."""
    phq9 = facts.responses.get(("phq9", ""))
    return phq9 is not None and SELF_HARM_FLAG in phq9.flags and not facts.self_harm_recorded


def stop_reason(facts: Facts) -> str | None:
    """Why the call cannot go on (identity and safety check), in words, or None."""
    identity = facts.responses.get(("identity_check", ""))
    if identity is None:
        return None
    for flag, words in STOP_FLAGS.items():
        if flag in identity.flags:
            return words
    return None


def next_step(step_id: str) -> str | None:
    index = STEP_IDS.index(step_id)
    return STEP_IDS[index + 1] if index + 1 < len(STEP_IDS) else None


def previous_step(step_id: str) -> str | None:
    index = STEP_IDS.index(step_id)
    return STEP_IDS[index - 1] if index > 0 else None


def blocked(step_id: str, facts: Facts) -> str | None:
    """Why the worker may not go to this step now, or None."""
    if step_id not in STEP_IDS:
        return f"no assessment step called {step_id!r}"
    if self_harm_pending(facts) and step_id != "mental_health":
        return "record the action taken for the self-harm risk (PHQ-9 question 9) first"
    return None


def unfinished(facts: Facts) -> list[StepState]:
    """Steps neither done nor deliberately skipped (what the summary warns about)."""
    return [s for s in states(facts) if s.state in ("not_started", "in_progress")]


def not_screened(facts: Facts) -> list[NotScreened]:
    """The screens not done, in call order, each with why: the skip reason or "not finished"."""
    missing = []
    for state in states(facts):
        if state.id not in SCREEN_NAMES or state.state == "done":
            continue
        if state.state == "skipped":
            why = state.skip_reason or "skipped"
        elif state.state == "in_progress":
            why = "not finished"
        else:
            why = "not asked"
        missing.append(NotScreened(state.id, SCREEN_NAMES[state.id], why))
    return missing


def must_acknowledge(facts: Facts) -> list[NotScreened]:
    """Unscreened domestic abuse or safeguarding: the worker acknowledges it before allocating."""
    return [m for m in not_screened(facts) if m.step in MUST_ACKNOWLEDGE]


def known_conflict(instrument: str, item_id: str, value: Any, facts: Facts) -> str | None:
    """An answer that cannot be true given what is already known, in words, or None."""
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None:
        return None
    first_use = instrument == "substance_use" and item_id == "q5"
    if first_use and facts.age is not None and number > facts.age:
        return f"age first used ({plain_number(number)}) is above their age ({facts.age})"
    return None


def drinks_alcohol(facts: Facts) -> bool:
    """AUDIT-C question 1 above 'never': alcohol joins the mixing risks."""
    audit_c = facts.responses.get(("audit_c", ""))
    q1 = audit_c.answers.get("q1") if audit_c else None
    return isinstance(q1, int) and q1 > 0
