"""Results a worker can read: one reason per need for the band reached, and the AUDIT
after a positive AUDIT-C never showing a lower band before it has answers of its own."""

from __future__ import annotations

from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.rules.needs import needs_from
from divert_tui.core.rules.scores import score_line, score_table

AUDIT_C_11 = flow.Stored("audit_c", "2", answers={"q1": 4, "q2": 4, "q3": 3}, completed=True)
CARRIED_ONLY = flow.Stored("audit", "1", answers={"q1": 4, "q2": 4, "q3": 3})


def _facts(*stored: flow.Stored) -> flow.Facts:
    return flow.Facts(("cannabis",), "cannabis", {(s.instrument, s.subject): s for s in stored})


def test_a_need_gives_the_reason_of_the_band_reached_once() -> None:
    (alcohol,) = needs_from([AUDIT_C_11])
    assert alcohol.level == "high"
    assert alcohol.reasons == ("AUDIT-C 11 or more: possible dependence",)


def test_the_audit_with_only_carried_answers_does_not_lower_the_result() -> None:
    facts = _facts(AUDIT_C_11, CARRIED_ONLY)
    assert [line.words for line in score_table(facts)] == [
        "AUDIT-C 11 · possible dependence · positive screen"
    ]
    (alcohol,) = needs_from(facts.responses.values())
    assert alcohol.reasons == ("AUDIT-C 11 or more: possible dependence",)
    assert score_line(CARRIED_ONLY) is None


def test_the_audit_shows_once_it_has_answers_of_its_own() -> None:
    own = {**CARRIED_ONLY.answers, "q4": 4, "q5": 4, "q6": 4, "q7": 4, "q8": 4, "q9": 4, "q10": 4}
    audit = flow.Stored("audit", "1", answers=own, completed=True)
    lines = score_table(_facts(AUDIT_C_11, audit))
    assert [line.name for line in lines] == ["AUDIT-C", "AUDIT"]
    assert lines[1].total == 39 and lines[1].band == "Possible dependence"
