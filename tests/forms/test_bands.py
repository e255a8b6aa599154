"""Every band boundary on both sides, the maximum and all zeros, for each scored instrument.

Expected bands and cut-offs are typed from reference/instruments.md (and DESIGN section 5).
"""

from __future__ import annotations

import pytest

from divert_tui.forms import load_instrument

from .conftest import MAXIMA, answers_for

# (instrument, total, band, positive) from the published tables.
CASES = [
    # AUDIT-C, UK: 5+ positive; bands 0-4 / 5-7 / 8-10 / 11-12
    ("audit_c", 0, "lower_risk", False),
    ("audit_c", 4, "lower_risk", False),
    ("audit_c", 5, "increasing_risk", True),
    ("audit_c", 7, "increasing_risk", True),
    ("audit_c", 8, "higher_risk", True),
    ("audit_c", 10, "higher_risk", True),
    ("audit_c", 11, "possible_dependence", True),
    ("audit_c", 12, "possible_dependence", True),
    # AUDIT (WHO zones, UK labels): 0-7 / 8-15 / 16-19 / 20-40; 8+ hazardous
    ("audit", 0, "lower_risk", False),
    ("audit", 7, "lower_risk", False),
    ("audit", 8, "increasing_risk", True),
    ("audit", 15, "increasing_risk", True),
    ("audit", 16, "higher_risk", True),
    ("audit", 19, "higher_risk", True),
    ("audit", 20, "possible_dependence", True),
    ("audit", 40, "possible_dependence", True),
    # PGSI: 0 / 1-2 / 3-7 / 8-27
    ("pgsi", 0, "non_problem", False),
    ("pgsi", 1, "low_risk", False),
    ("pgsi", 2, "low_risk", False),
    ("pgsi", 3, "moderate_risk", False),
    ("pgsi", 7, "moderate_risk", False),
    ("pgsi", 8, "problem", True),
    ("pgsi", 27, "problem", True),
    # PHQ-9: 0-4 / 5-9 / 10-14 / 15-19 / 20-27; 10+ positive
    ("phq9", 0, "none_minimal", False),
    ("phq9", 4, "none_minimal", False),
    ("phq9", 5, "mild", False),
    ("phq9", 9, "mild", False),
    ("phq9", 10, "moderate", True),
    ("phq9", 14, "moderate", True),
    ("phq9", 15, "moderately_severe", True),
    ("phq9", 19, "moderately_severe", True),
    ("phq9", 20, "severe", True),
    ("phq9", 27, "severe", True),
    # GAD-7: 0-4 / 5-9 / 10-14 / 15-21; 10+ positive
    ("gad7", 0, "minimal", False),
    ("gad7", 4, "minimal", False),
    ("gad7", 5, "mild", False),
    ("gad7", 9, "mild", False),
    ("gad7", 10, "moderate", True),
    ("gad7", 14, "moderate", True),
    ("gad7", 15, "severe", True),
    ("gad7", 21, "severe", True),
    # PHQ-2 and GAD-2: 3+ positive
    ("phq2", 0, "screen_negative", False),
    ("phq2", 2, "screen_negative", False),
    ("phq2", 3, "screen_positive", True),
    ("phq2", 6, "screen_positive", True),
    ("gad2", 0, "screen_negative", False),
    ("gad2", 2, "screen_negative", False),
    ("gad2", 3, "screen_positive", True),
    ("gad2", 6, "screen_positive", True),
    # Dash: 14+ yes = high risk
    ("dash", 0, "below_threshold", False),
    ("dash", 13, "below_threshold", False),
    ("dash", 14, "high_risk", True),
    ("dash", 24, "high_risk", True),
]


@pytest.mark.parametrize(("instrument_id", "total", "band", "positive"), CASES)
def test_band_boundaries(instrument_id: str, total: int, band: str, positive: bool) -> None:
    result = load_instrument(instrument_id).score(answers_for(instrument_id, total))
    assert result.total == total
    assert result.band == band
    assert result.positive is positive


@pytest.mark.parametrize("instrument_id", sorted(MAXIMA))
def test_maximum_and_range(instrument_id: str) -> None:
    inst = load_instrument(instrument_id)
    assert inst.max_total == MAXIMA[instrument_id]
    assert inst.min_total == 0
    assert (
        inst.score(answers_for(instrument_id, MAXIMA[instrument_id])).total == MAXIMA[instrument_id]
    )


@pytest.mark.parametrize("instrument_id", sorted(MAXIMA))
def test_all_zeros(instrument_id: str) -> None:
    result = load_instrument(instrument_id).score(answers_for(instrument_id, 0))
    assert result.total == 0
    assert result.flags == set()
    assert result.needs == []


def test_sds_all_zeros_and_max() -> None:
    sds = load_instrument("sds")
    assert sds.score(answers_for("sds", 0), substance="cannabis").positive is False
    top = sds.score(answers_for("sds", 15), substance="cannabis")
    assert top.total == 15 and top.positive is True and top.band is None


# Worked examples from the reference (PGSI mini-screen table uses PGSI items 1, 7, 9).
@pytest.mark.parametrize(
    ("q1", "q7", "q9", "total", "band"),
    [(0, 0, 0, 0, "non_problem"), (1, 0, 0, 1, "low_risk"), (1, 0, 1, 2, "low_risk"),
     (1, 1, 1, 3, "moderate_risk"), (2, 1, 1, 4, "moderate_risk"), (3, 3, 3, 9, "problem")],
)  # fmt: skip
def test_pgsi_with_mini_screen_answers(q1: int, q7: int, q9: int, total: int, band: str) -> None:
    answers = {f"q{n}": 0 for n in range(1, 10)} | {"q1": q1, "q7": q7, "q9": q9}
    result = load_instrument("pgsi").score(answers)
    assert (result.total, result.band) == (total, band)
