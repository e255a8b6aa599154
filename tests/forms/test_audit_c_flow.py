"""AUDIT-C version 2: 'Never' ends it, and question 3 asks the one threshold that applies."""

from __future__ import annotations

import pytest

from divert_tui.core.rules import assessment_flow as flow
from divert_tui.forms import load_instrument


def test_never_on_question_1_asks_nothing_more_and_scores_0() -> None:
    audit_c = load_instrument("audit_c")
    assert audit_c.skipped_items({"q1": 0}) == {"q2", "q3"}
    result = audit_c.score_so_far({"q1": 0})
    assert result.complete and result.total == 0 and result.band == "lower_risk"
    assert not result.follow_ups


def test_scores_are_those_of_version_1() -> None:
    old, new = load_instrument("audit_c", "1"), load_instrument("audit_c", "2")
    for answers in ({"q1": 2, "q2": 2, "q3": 1}, {"q1": 4, "q2": 4, "q3": 3}):
        a, b = old.score(answers), new.score(answers)
        assert (a.total, a.band, a.positive) == (b.total, b.band, b.positive)


@pytest.mark.parametrize(
    ("sex", "words"),
    [
        ("female", "6 or more units on a single occasion"),
        ("male", "8 or more units on a single occasion"),
        ("not_stated", "6 or more units if female, or 8 or more if male, on a single"),
        ("", "6 or more units if female, or 8 or more if male, on a single"),
    ],
)
def test_question_3_names_the_threshold_for_the_persons_sex(sex: str, words: str) -> None:
    facts = flow.Facts(("cannabis",), "cannabis", {}, sex=sex)
    ref = flow.forms_for("alcohol", facts)[0]
    audit_c = load_instrument("audit_c")
    q3 = next(i for i in audit_c.items if i.id == "q3")
    assert words in audit_c.render(q3.text, ref.context)


def test_a_response_stored_with_version_1_gets_no_context_it_does_not_know() -> None:
    stored = flow.Stored("audit_c", "1", answers={"q1": 1})
    facts = flow.Facts(("cannabis",), "cannabis", {("audit_c", ""): stored}, sex="male")
    assert flow.forms_for("alcohol", facts)[0].context == {}
