"""PHQ/GAD flags and follow-ups; Dash counting and the four Marac criteria."""

from __future__ import annotations

import pytest

from divert_tui.forms import load_instrument

PHQ_ZERO = {f"q{n}": 0 for n in range(1, 10)}
DASH_NO = {f"q{n}": "no" for n in range(1, 25)}


@pytest.mark.parametrize("q9", [1, 2, 3])
def test_phq9_item9_raises_self_harm_whatever_the_total(q9: int) -> None:
    result = load_instrument("phq9").score(PHQ_ZERO | {"q9": q9, "q10": "somewhat"})
    assert result.flags == {"self_harm_risk"}
    assert result.total == q9
    assert result.band == "none_minimal"  # never folded into the band
    assert any(n.domain == "mental_health" and n.level == "high" for n in result.needs)


def test_phq9_item9_zero_no_flag_even_when_severe() -> None:
    result = load_instrument("phq9").score({f"q{n}": 3 for n in range(1, 9)} | {"q9": 0,
                                                                                 "q10": "very"})  # fmt: skip
    assert result.total == 24 and result.band == "severe" and result.flags == set()


def test_phq9_self_harm_flag_rises_on_partial_answers() -> None:
    assert load_instrument("phq9").score_so_far({"q9": 1}).flags == {"self_harm_risk"}


def test_phq9_q10_is_unscored_and_only_asked_with_problems() -> None:
    inst = load_instrument("phq9")
    assert "q10" not in [i.id for i in inst.asked_items(PHQ_ZERO)]
    with_problem = PHQ_ZERO | {"q1": 1}
    assert "q10" in [i.id for i in inst.asked_items(with_problem)]
    assert inst.score(with_problem).total == 1  # q10 optional
    assert inst.score(with_problem | {"q10": "extremely"}).total == 1


def test_phq9_requires_all_nine() -> None:
    with pytest.raises(ValueError, match="q5"):
        load_instrument("phq9").score({k: v for k, v in PHQ_ZERO.items() if k != "q5"})


@pytest.mark.parametrize(("short", "full"), [("phq2", "phq9"), ("gad2", "gad7")])
def test_two_item_screens_lead_to_full_form(short: str, full: str) -> None:
    inst = load_instrument(short)
    assert inst.score({"q1": 1, "q2": 1}).follow_ups == []
    result = inst.score({"q1": 2, "q2": 1})
    assert [(f.instrument, f.answers) for f in result.follow_ups] == [(full, {"q1": 2, "q2": 1})]
    assert [i.id for i in load_instrument(full).next_items({"q1": 2, "q2": 1})][0] == "q3"


def test_dash_counts_yes_and_dont_know_scores_zero() -> None:
    answers = DASH_NO | {f"q{n}": "yes" for n in range(1, 14)} | {"q20": "dont_know"}
    result = load_instrument("dash").score(answers)
    assert (result.total, result.band, result.positive) == (13, "below_threshold", False)
    assert "marac" not in result.flags
    answers["q24"] = "yes"
    result = load_instrument("dash").score(answers)
    assert (result.total, result.band) == (14, "high_risk")
    assert {"marac", "marac_visible_high_risk"} <= result.flags


def test_dash_all_dont_know_is_zero() -> None:
    result = load_instrument("dash").score({f"q{n}": "dont_know" for n in range(1, 25)})
    assert result.total == 0 and result.flags == set()


@pytest.mark.parametrize(
    ("context", "criterion"),
    [
        ({"professional_judgement": True}, "marac_professional_judgement"),
        ({"potential_escalation": True}, "marac_potential_escalation"),
        ({"incidents_in_last_12_months": 3}, "marac_potential_escalation"),
        ({"repeat": True}, "marac_repeat"),
    ],
)
def test_marac_other_criteria(context: dict, criterion: str) -> None:
    result = load_instrument("dash").score(DASH_NO | {"q2": "yes"}, **context)
    assert result.flags == {"marac", criterion}
    assert result.band == "below_threshold"  # criteria 2-4 never change the count or band
    assert result.total == 1


def test_marac_criteria_below_threshold_do_not_fire() -> None:
    result = load_instrument("dash").score(
        DASH_NO, professional_judgement=False, incidents_in_last_12_months=2, repeat=False
    )
    assert result.flags == set()


def test_professional_judgement_cannot_lower_high_risk() -> None:
    answers = DASH_NO | {f"q{n}": "yes" for n in range(1, 15)}
    result = load_instrument("dash").score(answers, professional_judgement=False)
    assert result.band == "high_risk" and "marac" in result.flags


def test_dash_context_must_be_bool() -> None:
    with pytest.raises(ValueError, match="professional_judgement"):
        load_instrument("dash").score(DASH_NO, professional_judgement="yes")
