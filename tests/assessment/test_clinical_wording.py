"""Clinical wording is data with its source, and says what is known without overstating."""

from __future__ import annotations

from importlib import resources

from divert_tui.core.rules import advice, combinations
from divert_tui.core.services.assessment_safety import SELF_HARM_ACTIONS
from divert_tui.forms import load_instrument

DEPENDENCE_ADVICE = "alcohol.dependence.do_not_stop_suddenly"


def test_the_mixing_heading_says_what_the_list_is() -> None:
    assert combinations.pairs_heading([]) == "Only one substance named: no pair to check."
    whitey = combinations.pair_risks(["cannabis"], drinks_alcohol=True)
    assert combinations.pairs_heading(whitey) == "1 pair to mention: low risk with synergy"
    many = combinations.pair_risks(["cocaine", "cannabis"], drinks_alcohol=True)
    heading = combinations.pairs_heading(many)
    assert heading.startswith("3 pairs to mention: 1 unsafe")
    assert "no risky pair" not in heading.lower()


def test_audit_20_or_more_adds_not_stopping_suddenly_with_its_source() -> None:
    _, at_20 = advice.for_substances(["cannabis"], drinks_alcohol=True, totals={"audit": 20})
    item = next(i for i in at_20 if i.id == DEPENDENCE_ADVICE)
    assert "seizures" in item.text and "medical help" in item.text
    assert "NICE" in item.source
    _, at_19 = advice.for_substances(["cannabis"], drinks_alcohol=True, totals={"audit": 19})
    assert DEPENDENCE_ADVICE not in [i.id for i in at_19]


def test_cocaethylene_says_what_is_known() -> None:
    item = advice.catalogue().by_id()["pair.cocaine_alcohol.cocaethylene"]
    assert "stays in the body longer" in item.text and "adds strain on the heart" in item.text
    assert "third drug" not in item.text and "harder on your heart than either" not in item.text


def test_the_crisis_line_is_the_mental_health_option_of_111() -> None:
    words = "NHS 111 and choose the mental health option"
    protocol = load_instrument("phq9").flag_rule("self_harm_risk").action
    assert words in protocol and "option 2" not in protocol
    assert words in SELF_HARM_ACTIONS["crisis_lines_safety_plan"]
    directory = (
        resources.files("divert_tui.core") / "data" / "services" / "national.toml"
    ).read_text()
    assert "option 2" not in directory
