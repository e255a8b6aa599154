"""SDS: per-substance cut-offs from the reference, None where the literature has none."""

from __future__ import annotations

import pytest

from divert_tui.forms import load_instrument

from .conftest import answers_for

# substance -> published cut-off (positive at this total or more)
CUT_OFFS = {
    "cannabis": 3,  # Swift, Copeland & Hall 1998
    "cocaine": 3,  # Kaye & Darke 2002
    "heroin": 3,  # Gonzalez-Saiz et al. 2009
    "amphetamine": 5,  # Topp & Mattick 1997: "> 4"
    "benzodiazepines": 7,  # de las Cuevas et al. 2000: "> 6"
    "alcohol": 3,  # Lawrinson et al. 2007
}


@pytest.mark.parametrize(("substance", "cut"), sorted(CUT_OFFS.items()))
def test_cut_off_both_sides(substance: str, cut: int) -> None:
    sds = load_instrument("sds")
    assert sds.score(answers_for("sds", cut - 1), substance=substance).positive is False
    assert sds.score(answers_for("sds", cut), substance=substance).positive is True


@pytest.mark.parametrize("substance", ["ketamine", "mdma", "nitrous_oxide", "other", "mephedrone"])
def test_no_published_cut_off_gives_none(substance: str) -> None:
    result = load_instrument("sds").score(answers_for("sds", 15), substance=substance)
    assert result.total == 15
    assert result.positive is None


def test_no_substance_gives_none() -> None:
    assert load_instrument("sds").score(answers_for("sds", 15)).positive is None


@pytest.mark.parametrize(("given", "same_as"), [("Cannabis", "cannabis"), ("crack", "cocaine"),
                                                ("benzos", "benzodiazepines")])  # fmt: skip
def test_substance_spelling_is_forgiving(given: str, same_as: str) -> None:
    sds = load_instrument("sds")
    for total in (2, 3, 6, 7):
        a = sds.score(answers_for("sds", total), substance=given).positive
        b = sds.score(answers_for("sds", total), substance=same_as).positive
        assert a == b


def test_positive_sds_signals_drug_treatment_need() -> None:
    result = load_instrument("sds").score(answers_for("sds", 3), substance="cannabis")
    assert [(n.domain, n.level) for n in result.needs] == [("drug_treatment", "medium")]
    alcohol = load_instrument("sds").score(answers_for("sds", 3), substance="alcohol")
    assert [n.domain for n in alcohol.needs] == ["alcohol"]


def test_item_text_names_the_drug() -> None:
    sds = load_instrument("sds")
    assert "cannabis" in sds.render(sds.item("q1").text, {"substance": "cannabis"})


def test_bad_context_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown context 'drug'"):
        load_instrument("sds").score(answers_for("sds", 3), drug="cannabis")
    with pytest.raises(ValueError, match="substance"):
        load_instrument("sds").score(answers_for("sds", 3), substance=3)
