"""The missed-session policy, and capacity against demand, as pure rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from divert_tui.core.rules.attendance import assess_missed
from divert_tui.core.rules.capacity import WeekPlaces, demand_against, percentile


def test_missed_sessions_propose_non_compliance_at_the_schemes_number(schemes) -> None:
    scheme = schemes["west_midlands"]
    assert scheme.missed_sessions == 2
    one = assess_missed(["did_not_attend", "cancelled"], scheme)
    assert not one.propose_non_compliant and one.missed == 1
    assert "1 more" in one.reason
    two = assess_missed(["did_not_attend", "did_not_attend"], scheme)
    assert two.propose_non_compliant and "missed 2 booked course sessions" in two.reason
    strict = assess_missed(["did_not_attend"], replace(scheme, missed_sessions=1))
    assert strict.propose_non_compliant


def test_left_early_and_cancelled_bookings_are_not_missed(schemes) -> None:
    verdict = assess_missed(["attended", "cancelled", "completed"], schemes["west_midlands"])
    assert verdict.missed == 0 and not verdict.propose_non_compliant


def test_demand_beyond_the_free_places_is_flagged_with_the_sessions_to_add() -> None:
    weeks = [WeekPlaces(12, 10), WeekPlaces(12, 0), WeekPlaces(0, 0)]
    covered = demand_against(weeks, 14, 12)
    assert not covered.flagged and covered.sessions_needed == 0
    short = demand_against(weeks, 40, 12)
    assert short.flagged and short.short_by == 26 and short.sessions_needed == 3
    assert short.first_short_week == 0


def test_percentiles() -> None:
    assert percentile([], 50) is None
    assert percentile([4], 90) == 4
    assert percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
