"""Skipping a screen asks why, keeps the reason, and the allocation says what was not done."""

from __future__ import annotations

import pytest
from sqlmodel import select

from divert_tui.core.models import Allocation, Assessment
from divert_tui.core.rules import allocation as allocation_rules
from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.services import assessment as svc
from divert_tui.core.services import assessment_outcome as outcome
from divert_tui.core.services.base import ValidationError
from tests.assessment.helpers import IDENTITY_OK, QUIET_MODULES, answer, seed_referral, worker

CLEAN = {
    "substance_use": ({"q1": 4, "q2": "smoke", "q6": "never"}, "cannabis"),
    "sds": ({"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 0}, "cannabis"),
    "audit_c": ({"q1": 0}, ""),
}


def _call_skipping(db, actor, aid, skipped: dict[str, str]) -> None:
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    for instrument, (answers, subject) in CLEAN.items():
        answer(db, actor, aid, instrument, answers, subject=subject)
    by_step = {"domestic_abuse_enquiry": "domestic_abuse", "pgsi": "gambling"}
    for instrument, answers in QUIET_MODULES.items():
        if by_step.get(instrument, instrument) not in skipped:
            answer(db, actor, aid, instrument, answers)
    for step, reason in skipped.items():
        svc.go_to_step(db, actor, aid, step, mark="skipped", reason=reason)


def test_skipping_a_step_needs_a_reason_and_keeps_it(db, admin, schemes):
    actor = worker(db, admin)
    aid = svc.start_or_resume(db, actor, seed_referral(db), schemes).id
    with pytest.raises(ValidationError, match="declined to answer"):
        svc.go_to_step(db, actor, aid, "gambling", mark="skipped")
    view = svc.go_to_step(db, actor, aid, "gambling", mark="skipped", reason="out_of_time")
    gambling = next(s for s in view.steps if s.id == "gambling")
    assert (gambling.state, gambling.skip_reason) == ("skipped", "ran out of time")
    with db.read() as session:
        assert session.get(Assessment, aid).skip_reasons == {"gambling": "out_of_time"}
    svc.go_to_step(db, actor, aid, "gambling", mark="")  # unskipped: the reason goes too
    with db.read() as session:
        assert session.get(Assessment, aid).skip_reasons == {}


def test_allocation_names_the_screens_not_done_and_needs_an_acknowledgement(db, admin, schemes):
    actor = worker(db, admin)
    aid = svc.start_or_resume(db, actor, seed_referral(db), schemes).id
    _call_skipping(db, actor, aid, {"domestic_abuse": "declined", "safeguarding": "unsafe_to_ask"})
    summary = outcome.summary(db, actor, aid, schemes)
    reasons = summary.suggestion.reasons
    assert "No sign of dependence and no significant safeguarding issue" not in reasons
    assert (
        "Not screened: domestic abuse (declined to answer), safeguarding (unsafe to ask now)"
        in reasons
    )
    with pytest.raises(ValidationError, match="domestic abuse and safeguarding not screened"):
        outcome.allocate(db, actor, aid, "group_cannabis", schemes)
    outcome.allocate(db, actor, aid, "group_cannabis", schemes, acknowledge_unscreened=True)
    with db.read() as session:
        row = session.exec(select(Allocation)).one()
        assert any("aware these were not screened" in r for r in row.reasons)


def test_a_fully_screened_call_still_says_none_found(db, admin, schemes):
    actor = worker(db, admin)
    aid = svc.start_or_resume(db, actor, seed_referral(db), schemes).id
    _call_skipping(db, actor, aid, {})
    summary = outcome.summary(db, actor, aid, schemes)
    assert summary.suggestion.reasons[0] == (
        "No sign of dependence and no significant safeguarding issue"
    )
    outcome.allocate(db, actor, aid, "group_cannabis", schemes)  # nothing to acknowledge


def test_one_to_one_reasons_also_list_what_was_not_screened() -> None:
    facts = allocation_rules.AllocationFacts(
        main_substance="cannabis", audit_total=24, not_screened=("debt (not relevant)",)
    )
    suggestion = allocation_rules.suggest(facts)
    assert suggestion.path.value == "one_to_one"
    assert suggestion.reasons[-1] == "Not screened: debt (not relevant)"


def test_advice_step_is_done_only_when_something_was_ticked() -> None:
    untouched = flow.Facts(("cannabis",), "cannabis", {}, marks={"advice": "done"})
    assert flow.step_state("advice", untouched).state == "not_started"
    ticked = flow.Facts(("cannabis",), "cannabis", {}, marks={"advice": "done"}, advice_ticked=1)
    assert flow.step_state("advice", ticked).state == "done"
