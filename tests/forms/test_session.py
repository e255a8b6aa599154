"""FormSession: the question-by-question flow the widget shows, without any UI."""

from __future__ import annotations

import pytest

from divert_tui.forms import load_instrument
from divert_tui.forms.session import FormSession


def test_walks_phq9_and_raises_the_flag_once() -> None:
    session = FormSession(load_instrument("phq9"))
    raised = []
    for _ in range(9):
        change = session.answer(1 if session.current.id == "q9" else 0)
        raised += [f.id for f in change.raised]
        session.advance()
    assert raised == ["self_harm_risk"]
    assert session.current.id == "q10"
    session.answer("very")
    session.advance()
    assert session.finished and session.result().total == 1


def test_skip_and_return() -> None:
    session = FormSession(load_instrument("gad2"))
    session.skip()
    assert session.marked == ["q1"] and session.current.id == "q2"
    session.answer(2)
    returned = session.advance()
    assert returned and session.current.id == "q1"
    session.answer(1)
    session.advance()
    assert session.finished and session.marked == []
    assert session.result().total == 3


def test_resume_starts_at_first_unanswered() -> None:
    session = FormSession(load_instrument("gad7"), answers={"q1": 1, "q2": 1, "q3": 0})
    assert session.current.id == "q4"
    assert session.position == (4, 7)
    session.back()
    assert session.current.id == "q3" and session.value_of(session.current) == 0


def test_branching_changes_the_steps() -> None:
    session = FormSession(load_instrument("audit"))
    session.answer(0)
    session.advance()
    assert session.current.id == "q9"
    assert session.position == (2, 3)


def test_context_steps_before_and_after() -> None:
    sds = FormSession(load_instrument("sds"))
    assert sds.current.id == "context:substance"
    sds.answer("cannabis")
    sds.advance()
    assert sds.current.id == "q1" and sds.context == {"substance": "cannabis"}
    dash = FormSession(load_instrument("dash"), answers={f"q{n}": "no" for n in range(1, 25)})
    assert dash.finished
    dash.back()
    assert dash.current.id == "context:repeat"
    change = dash.answer("yes")
    assert {f.id for f in change.raised} == {"marac", "marac_repeat"}
    assert dash.context == {"repeat": True}


def test_changing_an_answer_clears_a_flag() -> None:
    session = FormSession(load_instrument("phq9"), answers={"q9": 2})
    assert session.flags == {"self_harm_risk"}
    while session.current.id != "q9":
        session.advance()
    change = session.answer(0)
    assert change.cleared == ["self_harm_risk"] and session.flags == set()


def test_bad_resume_data_fails_loudly() -> None:
    with pytest.raises(ValueError, match="q3"):
        FormSession(load_instrument("gad7"), answers={"q3": 7})


def test_skipping_again_goes_round_the_skipped_items() -> None:
    session = FormSession(load_instrument("gad2"))
    session.skip()
    session.skip()
    assert session.current.id == "q1" and session.marked == ["q1", "q2"]
    session.skip()
    assert session.current.id == "q2"
    session.skip()
    assert session.current.id == "q1"
    with pytest.raises(ValueError, match="q1"):
        session.result()


def test_going_back_stops_at_the_first_question_the_form_asks_itself() -> None:
    from divert_tui.forms import load_instrument
    from divert_tui.forms.session import FormSession

    carried = {"q1": 3, "q2": 2, "q3": 1}
    session = FormSession(load_instrument("audit"), answers=carried, fixed=carried)
    assert session.current_id == "q4" and session.at_first
    assert not session.back() and session.current_id == "q4"
    session.answer(1)
    session.advance()
    assert session.back() and session.current_id == "q4"
