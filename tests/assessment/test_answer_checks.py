"""Answers are checked against what is known, and refused in words, never by item id."""

from __future__ import annotations

import re

import pytest

from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.services import assessment as svc
from divert_tui.core.services.base import ValidationError
from divert_tui.forms import load_instrument
from tests.assessment.helpers import seed_referral, worker


def test_an_out_of_range_answer_is_refused_in_words() -> None:
    with pytest.raises(ValueError) as caught:
        load_instrument("substance_use").check_answer("q1", 40)
    assert "q1" in str(caught.value)  # for developers: the item is named
    assert caught.value.words == "days used in the last 28 (40) is above 28"


def test_age_first_used_cannot_be_above_the_persons_age() -> None:
    facts = flow.Facts(("cannabis",), "cannabis", {}, age=19)
    assert flow.known_conflict("substance_use", "q5", 25, facts) == (
        "age first used (25) is above their age (19)"
    )
    assert flow.known_conflict("substance_use", "q5", 15, facts) is None
    assert flow.known_conflict("substance_use", "q5", 25, flow.Facts((), "", {})) is None


def test_the_service_refuses_in_words(db, admin, schemes):
    actor = worker(db, admin)
    aid = svc.start_or_resume(db, actor, seed_referral(db), schemes).id  # born May 1995
    with pytest.raises(ValidationError) as caught:
        svc.save_answer(db, actor, aid, "substance_use", "cannabis", "q5", 60)
    message = str(caught.value)
    assert re.search(r"age first used \(60\) is above their age \(\d\d\)", message)
    assert "q5" not in message
    with pytest.raises(ValidationError) as caught:
        svc.save_answer(db, actor, aid, "substance_use", "cannabis", "q1", 40)
    assert "days used in the last 28 (40) is above 28" in str(caught.value)
    assert "q1" not in str(caught.value)


def test_a_huge_number_is_echoed_as_typed_not_in_scientific_notation() -> None:
    with pytest.raises(ValueError) as caught:
        load_instrument("substance_use").check_answer("q1", 111111111)
    assert caught.value.words == "days used in the last 28 (111111111) is above 28"
    facts = flow.Facts(("cannabis",), "cannabis", {}, age=19)
    assert flow.known_conflict("substance_use", "q5", 111111111, facts) == (
        "age first used (111111111) is above their age (19)"
    )
    assert flow.known_conflict("substance_use", "q5", 20.5, facts) == (
        "age first used (20.5) is above their age (19)"
    )
