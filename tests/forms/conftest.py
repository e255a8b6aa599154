"""Helpers for the forms tests: answer sets built from the published point scales.

The point scales here are typed from reference/instruments.md, not read from the definition
files, so a wrong option value in a definition makes the tests fail.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

# Allowed points per item, in item order, from the published scoring rules.
ZERO_TO_FOUR = (0, 1, 2, 3, 4)
ZERO_TO_THREE = (0, 1, 2, 3)
SCALES: dict[str, list[tuple[int, ...]]] = {
    "audit_c": [ZERO_TO_FOUR] * 3,
    "audit": [ZERO_TO_FOUR] * 8 + [(0, 2, 4)] * 2,
    "sds": [ZERO_TO_THREE] * 5,
    "pgsi": [ZERO_TO_THREE] * 9,
    "phq2": [ZERO_TO_THREE] * 2,
    "phq9": [ZERO_TO_THREE] * 9,
    "gad2": [ZERO_TO_THREE] * 2,
    "gad7": [ZERO_TO_THREE] * 7,
}
MAXIMA = {"audit_c": 12, "audit": 40, "sds": 15, "pgsi": 27, "phq2": 6, "phq9": 27,
          "gad2": 6, "gad7": 21, "dash": 24}  # fmt: skip


def answers_for(instrument_id: str, total: int) -> dict[str, object]:
    """A complete answer set scoring exactly `total` under the published rules."""
    if instrument_id == "dash":
        assert 0 <= total <= 24
        return {f"q{n}": "yes" if n <= total else "no" for n in range(1, 25)}
    scales = SCALES[instrument_id]
    remaining = total
    answers: dict[str, object] = {}
    for n, allowed in enumerate(scales, start=1):
        pick = max(p for p in allowed if p <= remaining)
        answers[f"q{n}"] = pick
        remaining -= pick
    assert remaining == 0, f"cannot make {total} for {instrument_id}"
    assert sum(v for v in answers.values() if isinstance(v, int)) == total
    if instrument_id == "phq9":
        answers["q10"] = "somewhat" if total else None
        answers = {k: v for k, v in answers.items() if v is not None}
    return answers


@pytest.fixture
def make_answers() -> Callable[[str, int], dict[str, object]]:
    return answers_for
