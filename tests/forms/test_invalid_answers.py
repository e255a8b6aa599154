"""Every kind of invalid answer raises ValueError naming the item, for every instrument."""

from __future__ import annotations

import pytest

from divert_tui.forms import load_instrument

from .conftest import MAXIMA, answers_for

SCORED = sorted(MAXIMA)


@pytest.mark.parametrize("instrument_id", SCORED)
def test_missing_required_item(instrument_id: str) -> None:
    # AUDIT-C "Never" on question 1 skips 2 and 3, so drink a little there: q3 is then asked.
    answers = answers_for(instrument_id, 1 if instrument_id == "audit_c" else 0)
    last = f"q{len([k for k in answers if k != 'q10' or instrument_id != 'phq9'])}"
    del answers[last]
    with pytest.raises(ValueError, match=rf"\b{last}\b"):
        load_instrument(instrument_id).score(answers)


@pytest.mark.parametrize("instrument_id", SCORED)
def test_unknown_item(instrument_id: str) -> None:
    answers = answers_for(instrument_id, 0) | {"q99": 0}
    with pytest.raises(ValueError, match="q99"):
        load_instrument(instrument_id).score(answers)


@pytest.mark.parametrize("instrument_id", SCORED)
@pytest.mark.parametrize("bad", [-1, 5, 99, "2", 1.5, True, "maybe", [1]])
def test_out_of_range_or_wrong_type(instrument_id: str, bad: object) -> None:
    answers = answers_for(instrument_id, 0) | {"q2": bad}
    with pytest.raises(ValueError, match=r"\bq2\b"):
        load_instrument(instrument_id).score(answers)


@pytest.mark.parametrize("instrument_id", ["sds", "pgsi", "phq9", "gad7", "phq2", "gad2"])
def test_four_is_out_of_range_on_0_3_scales(instrument_id: str) -> None:
    with pytest.raises(ValueError, match=r"\bq1\b"):
        load_instrument(instrument_id).score(answers_for(instrument_id, 0) | {"q1": 4})


def test_dash_takes_codes_not_points() -> None:
    answers = answers_for("dash", 0)
    for bad in (1, 0, "Yes", "don't know", True):
        with pytest.raises(ValueError, match=r"\bq3\b"):
            load_instrument("dash").score(answers | {"q3": bad})


def test_none_means_not_answered() -> None:
    answers = answers_for("gad7", 3) | {"q7": None}
    with pytest.raises(ValueError, match="missing answer for item q7"):
        load_instrument("gad7").score(answers)
    assert load_instrument("gad7").score_so_far(answers).total == 3


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(ValueError):
        load_instrument("gad2").score([0, 0])  # type: ignore[arg-type]


def test_unknown_instrument_and_version() -> None:
    with pytest.raises(KeyError):
        load_instrument("nope")
    with pytest.raises(ValueError):
        load_instrument("../definitions")
    with pytest.raises(KeyError, match="available"):
        load_instrument("phq9", version="99")
