"""Holistic modules: branching, flags and the needs they signal, as plain data."""

from __future__ import annotations

import pytest

from divert_tui.forms import NEED_DOMAINS, load_instrument

MODULES = ["identity_check", "substance_use", "housing", "employment", "debt", "exploitation",
           "safeguarding", "domestic_abuse_enquiry"]  # fmt: skip


def levels(instrument_id: str, answers: dict, **context: object) -> dict[str, str]:
    return {n.domain: n.level for n in load_instrument(instrument_id).needs(answers, **context)}


@pytest.mark.parametrize("module", MODULES)
def test_modules_are_unscored(module: str) -> None:
    inst = load_instrument(module)
    assert inst.kind == "module"
    result = inst.score_so_far({})
    assert result.total is None and result.band is None and result.positive is None
    for rule in inst.needs_rules:
        assert rule.domain in NEED_DOMAINS


def test_identity_check_stops_for_wrong_person_and_unsafe_call() -> None:
    inst = load_instrument("identity_check")
    wrong = inst.score({"q1": "no"})
    assert wrong.flags == {"wrong_person"}
    assert inst.next_items({"q1": "no"}) == []
    unsafe = inst.score({"q1": "yes", "q2": "no"})
    assert unsafe.flags == {"not_safe_to_talk"}
    assert inst.flag_rule("not_safe_to_talk").interrupt
    ok = inst.score({"q1": "yes", "q2": "yes", "q3": "yes", "q4": "yes", "q5": "yes"})
    assert ok.flags == set() and ok.needs == []
    refused = inst.score({"q1": "yes", "q2": "yes", "q3": "yes", "q4": "yes", "q5": "no"})
    assert refused.flags == {"no_consent"}


def test_identity_check_tells_calls_only_from_do_not_call() -> None:
    inst = load_instrument("identity_check")
    assert inst.version == "2"
    base = {"q1": "yes", "q2": "yes", "q3": "no"}
    assert [i.id for i in inst.next_items(base)] == ["q4", "q5", "q6"]
    calls_only = inst.score(base | {"q6": "yes", "q4": "yes", "q5": "yes"})
    assert calls_only.flags == {"no_safe_contact"}
    no_calls = inst.score(base | {"q6": "no", "q4": "yes", "q5": "yes"})
    assert no_calls.flags == {"no_safe_contact", "no_calls"}
    assert "q6" not in {i.id for i in inst.next_items({"q1": "yes", "q2": "yes", "q3": "yes"})}
    old = load_instrument("identity_check", "1")
    assert old.score({"q1": "yes", "q2": "yes", "q3": "no", "q4": "yes", "q5": "yes"}).flags == {
        "no_safe_contact"
    }


def test_substance_use_top_conventions() -> None:
    inst = load_instrument("substance_use")
    assert (inst.item("q1").minimum, inst.item("q1").maximum) == (0, 28)
    with pytest.raises(ValueError, match="q1"):
        inst.score({"q1": 29, "q2": "smoke", "q6": "never"}, substance="cannabis")
    result = inst.score({"q1": 12, "q2": "smoke", "q3": 1.5, "q4": "grams", "q5": 16,
                         "q6": "never"}, substance="cannabis")  # fmt: skip
    assert result.needs == [] and result.context == {"substance": "cannabis"}
    assert [i.id for i in inst.next_items({"q1": 0})] == ["q5", "q6", "q7", "q8"]


def test_injecting_and_sharing_signal_drug_treatment() -> None:
    answers = {"q1": 20, "q2": "inject", "q6": "currently", "q7": "yes"}
    result = load_instrument("substance_use").score(answers)
    assert result.flags == {"injecting", "sharing_equipment"}
    assert levels("substance_use", answers) == {"drug_treatment": "high"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"q1": "rough_sleeping"}, {"housing": "high"}),
        ({"q1": "private_rent", "q3": "yes"}, {"housing": "medium"}),
        ({"q1": "private_rent", "q2": "no", "q3": "no", "q4": "no"}, {}),
        ({"q1": "owner", "q4": "yes"}, {"housing": "low"}),
    ],
)
def test_housing_needs(answers: dict, expected: dict) -> None:
    assert levels("housing", answers) == expected


def test_debt_and_employment_needs() -> None:
    assert levels("debt", {"q1": "yes", "q2": "yes", "q4": "yes"}) == {"debt": "high"}
    assert levels("debt", {"q1": "no", "q2": "yes"}) == {"debt": "medium"}
    assert levels("employment", {"q1": "unemployed_seeking", "q5": "yes"}) == {
        "employment": "medium"
    }


@pytest.mark.parametrize("item", ["q1", "q3", "q4", "q5", "q6", "q7", "q8"])
def test_any_exploitation_indicator_raises_the_flag(item: str) -> None:
    answers = {f"q{n}": "no" for n in range(1, 9)} | {item: "yes"}
    result = load_instrument("exploitation").score(answers)
    assert "exploitation" in result.flags
    assert levels("exploitation", answers)["exploitation"] == "high"


def test_no_exploitation_indicators() -> None:
    answers = {f"q{n}": "no" for n in range(1, 9)}
    result = load_instrument("exploitation").score(answers)
    assert result.flags == set() and result.needs == []
    assert result.skipped == ["q2"]
    unsure = answers | {"q4": "dont_know"}
    assert levels("exploitation", unsure) == {"exploitation": "medium"}


def test_safeguarding_adult_at_risk_needs_all_three_parts() -> None:
    base = {"q1": "no", "q3": "no", "q5": "not_applicable"}
    three = base | {"q6": "yes", "q7": "yes", "q8": "yes"}
    assert load_instrument("safeguarding").score(three).flags == {"adult_at_risk"}
    two = base | {"q6": "yes", "q7": "yes", "q8": "no"}
    assert "adult_at_risk" not in load_instrument("safeguarding").score(two).flags
    assert "q8" in load_instrument("safeguarding").skipped_items(base | {"q6": "no"})


def test_safeguarding_children_and_pregnancy() -> None:
    inst = load_instrument("safeguarding")
    assert {"q2", "q4"} <= inst.skipped_items({"q1": "no", "q3": "no"})
    answers = {"q1": "yes", "q2": 2, "q3": "no", "q4": "yes", "q5": "yes", "q6": "no", "q7": "no"}
    result = inst.score(answers)
    assert result.flags == {"child_safeguarding", "pregnancy"}
    assert levels("safeguarding", answers) == {"safeguarding": "high"}


def test_domestic_abuse_enquiry_leads_to_dash() -> None:
    result = load_instrument("domestic_abuse_enquiry").score(
        {"q1": "yes", "q2": "yes", "q3": "yes"}
    )
    assert [f.instrument for f in result.follow_ups] == ["dash"]
    assert "domestic_abuse_disclosed" in result.flags


def test_needs_are_plain_data() -> None:
    needs = load_instrument("housing").needs({"q1": "sofa_surfing", "q3": "yes"})
    assert [n.to_dict() for n in needs] == [
        {"domain": "housing", "level": "high",
         "reasons": ["No fixed abode or sleeping rough", "At risk of eviction"]},
    ]  # fmt: skip
