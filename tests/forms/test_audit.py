"""AUDIT and AUDIT-C: WHO scoring, skip logic, the escalation flag, the UK flow."""

from __future__ import annotations

import pytest

from divert_tui.forms import load_instrument

ZEROS = {f"q{n}": 0 for n in range(1, 11)}


def audit(**answers: int) -> dict[str, int]:
    return ZEROS | answers


@pytest.mark.parametrize("value", [1, 3])
@pytest.mark.parametrize("item", ["q9", "q10"])
def test_q9_q10_only_take_0_2_4(item: str, value: int) -> None:
    with pytest.raises(ValueError, match=item):
        load_instrument("audit").score(audit(q1=1, q2=1, **{item: value}))


@pytest.mark.parametrize("item", ["q9", "q10"])
@pytest.mark.parametrize("value", [0, 2, 4])
def test_q9_q10_points(item: str, value: int) -> None:
    result = load_instrument("audit").score(audit(q1=1, q2=1, **{item: value}))
    assert result.total == 2 + value


def test_q1_never_skips_to_q9() -> None:
    inst = load_instrument("audit")
    assert [i.id for i in inst.next_items({"q1": 0})] == ["q9", "q10"]
    assert inst.skipped_items({"q1": 0}) == {"q2", "q3", "q4", "q5", "q6", "q7", "q8"}
    result = inst.score({"q1": 0, "q9": 2, "q10": 4})  # q2-q8 need not be given
    assert result.total == 6
    assert result.skipped == ["q2", "q3", "q4", "q5", "q6", "q7", "q8"]


def test_q2_plus_q3_zero_skips_to_q9() -> None:
    inst = load_instrument("audit")
    asked = [i.id for i in inst.next_items({"q1": 2, "q2": 0, "q3": 0})]
    assert asked == ["q9", "q10"]
    assert inst.score({"q1": 2, "q2": 0, "q3": 0, "q9": 0, "q10": 0}).total == 2


def test_skipped_items_score_zero_even_if_answered() -> None:
    """A stale answer left from before q1 was changed to Never does not count."""
    result = load_instrument("audit").score(audit(q1=0, q4=4, q5=4, q9=2))
    assert result.total == 2
    assert "escalate" not in result.flags
    assert "q4" not in result.answers


def test_next_items_before_anything_is_answered() -> None:
    assert [i.id for i in load_instrument("audit").next_items({})] == [
        f"q{n}" for n in range(1, 11)
    ]


def test_missing_item_after_branching_still_required() -> None:
    with pytest.raises(ValueError, match="q4"):
        load_instrument("audit").score({"q1": 1, "q2": 1, "q3": 0, "q9": 0, "q10": 0})


@pytest.mark.parametrize(
    ("answers", "escalate"),
    [
        (audit(q1=1, q2=1, q4=2), True),
        (audit(q1=1, q2=1, q5=2), True),
        (audit(q1=1, q2=1, q6=3), True),
        (audit(q1=1, q2=1, q9=4), True),
        (audit(q1=1, q2=1, q10=4), True),
        (audit(q1=1, q2=1, q4=1, q5=1, q6=1), False),
        (audit(q1=1, q2=1, q9=2, q10=2), False),
        (audit(q1=4, q2=4, q3=4, q7=4, q8=4), False),  # 20: dependence zone, no flag
    ],
)
def test_escalate_flag(answers: dict[str, int], escalate: bool) -> None:
    result = load_instrument("audit").score(answers)
    assert ("escalate" in result.flags) is escalate


def test_escalate_never_changes_total_or_band() -> None:
    result = load_instrument("audit").score(audit(q1=1, q2=1, q9=4))
    assert (result.total, result.band, result.positive) == (6, "lower_risk", False)
    assert result.flags == {"escalate"}


def test_lower_cut_off_option() -> None:
    answers = audit(q1=2, q2=2, q3=2, q7=1)  # 7
    inst = load_instrument("audit")
    assert inst.score(answers).positive is False
    assert inst.score(answers, lower_cut_off=True).positive is True
    assert inst.score(answers, lower_cut_off=True).band == "lower_risk"


def test_uk_flow_audit_c_5_leads_to_the_other_seven() -> None:
    first = {"q1": 2, "q2": 2, "q3": 1}
    result = load_instrument("audit_c").score(first)
    assert [(f.instrument, f.answers) for f in result.follow_ups] == [("audit", first)]
    audit_inst = load_instrument("audit")
    assert [i.id for i in audit_inst.next_items(first)] == [f"q{n}" for n in range(4, 11)]


def test_uk_flow_audit_c_4_stops() -> None:
    result = load_instrument("audit_c").score({"q1": 2, "q2": 1, "q3": 1})
    assert result.positive is False and result.follow_ups == []


def test_audit_c_subscale_matches_audit_first_three() -> None:
    answers = audit(q1=4, q2=3, q3=2, q4=1)
    full = load_instrument("audit").score(answers)
    short = load_instrument("audit_c").score({k: answers[k] for k in ("q1", "q2", "q3")})
    assert short.total == 9 and full.total == 10
