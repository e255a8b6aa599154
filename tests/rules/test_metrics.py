"""Pure rules of the report: suppression, relative rates, periods and working days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from divert_tui.core.rules.metrics import disparity as dp
from divert_tui.core.rules.metrics.figures import ForceSettings, fold
from divert_tui.core.rules.metrics.publish import Published
from divert_tui.core.rules.metrics.suppression import Sum, rate_withheld, suppress
from divert_tui.core.rules.metrics.timing import Period, first_contact_timing, last_complete_months

# --- suppression ---------------------------------------------------------------------------


def test_counts_from_one_to_four_are_hidden_and_zero_is_not():
    marks = suppress({"a": 0, "b": 1, "c": 4, "d": 5}, [])
    assert marks == {"b": "<5", "c": "<5"}


def test_one_hidden_part_of_a_shown_total_takes_a_second_with_it():
    # The force total 30 with parts 3, 12 and 15: 3 could be worked out as 30 - 12 - 15.
    values = {"total": 30, "x": 3, "y": 12, "z": 15}
    marks = suppress(values, [Sum("total", ("x", "y", "z"))])
    assert marks == {"x": "<5", "y": "[c]"}  # the smallest other part goes with it


def test_two_small_cells_that_add_up_to_under_five_take_a_third():
    # 7 = 5 + 1 + 1: with the two 1s hidden, 7 - 5 = 2 says both are 1.
    values = {"total": 7, "x": 5, "y": 1, "z": 1}
    marks = suppress(values, [Sum("total", ("x", "y", "z"))])
    assert marks == {"x": "[c]", "y": "<5", "z": "<5"}


def test_when_every_other_part_is_zero_the_total_is_hidden():
    # p is withheld ([c]) beside r in u; in t its only partner is 0, so t itself goes.
    values = {"u": 15, "p": 12, "r": 3, "t": 12, "q": 0}
    marks = suppress(values, [Sum("u", ("p", "r")), Sum("t", ("p", "q"))])
    assert marks == {"r": "<5", "p": "[c]", "t": "[c]"}


def test_secondary_suppression_runs_until_no_sum_gives_a_cell_away():
    # Two forces by two substances, with row and column totals.
    values = {
        ("a", "x"): 3, ("a", "y"): 20, ("a", "t"): 23,
        ("b", "x"): 10, ("b", "y"): 30, ("b", "t"): 40,
        ("all", "x"): 13, ("all", "y"): 50, ("all", "t"): 63,
    }  # fmt: skip
    sums = [Sum((r, "t"), ((r, "x"), (r, "y"))) for r in ("a", "b", "all")] + [
        Sum(("all", c), (("a", c), ("b", c))) for c in ("x", "y", "t")
    ]
    marks = suppress(values, sums)
    for rule in sums:
        hidden = [cell for cell in (rule.total, *rule.parts) if cell in marks]
        assert len(hidden) != 1, rule
    assert marks[("a", "x")] == "<5"


def test_rates_follow_their_counts():
    assert rate_withheld(4, 100, {})
    assert rate_withheld(50, 4, {})
    assert rate_withheld(0, 100, {})
    assert not rate_withheld(5, 100, {})
    assert rate_withheld(20, 100, {"n": "[c]"}, ("n", "d"))


# --- relative rates -----------------------------------------------------------------------


def test_relative_rate_and_katz_interval_match_the_worked_figures():
    # 800 of 2,000 against 1,000 of 2,000: RR 0.8; SE(ln RR) = sqrt(1/800 - 1/2000 + 1/1000
    # - 1/2000) = sqrt(0.00125) = 0.035355; 0.8 * exp(-/+ 1.96 * 0.035355) = 0.7464, 0.8574.
    rr = dp.relative_rate(800, 2000, 1000, 2000)
    assert rr is not None
    assert rr.value == pytest.approx(0.8)
    assert rr.low == pytest.approx(0.7464, abs=5e-4)
    assert rr.high == pytest.approx(0.8574, abs=5e-4)
    # 40 of 100 against 50 of 100: SE = sqrt(0.025) = 0.15811 -> 0.5868 to 1.0906.
    small = dp.relative_rate(40, 100, 50, 100)
    assert small is not None
    assert (small.low, small.high) == pytest.approx((0.5868, 1.0906), abs=5e-4)
    assert small.includes_one


def test_relative_rate_is_undefined_without_events():
    assert dp.relative_rate(0, 100, 50, 100) is None
    assert dp.relative_rate(10, 100, 0, 100) is None
    assert dp.relative_rate(10, 0, 5, 100) is None


def test_the_codes_fall_into_their_groups():
    assert dp.top_level("B2") == "Black"
    assert dp.top_level("W1") == "White"
    assert dp.top_level("NS") == dp.NOT_STATED
    assert dp.top_level(None) == dp.NOT_STATED
    assert dp.officer_code("IC7") == dp.NOT_RECORDED
    assert len(dp.DETAIL_CODES) == 18


def _cube_row(sde, ic, referrals, contacted, force="west_midlands"):
    # (force, sde, ic, substance, age band, sex, referrals, then the stage flags)
    flags = [contacted, contacted, 0, 0, 0, 0, 0, 0, 0, 0]
    return (force, sde, ic, "cannabis", "25_34", "male", referrals, *flags)


def _published(rows, forces=("west_midlands",)):
    settings = {f: ForceSettings(f.title(), 2, 4.25, None) for f in forces}
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    return Published(period, fold(period, settings, rows, [], [], [], [], []))


def test_the_largest_gap_is_said_in_plain_words():
    published = _published([_cube_row("W1", "IC1", 2000, 1000), _cube_row("B2", "IC3", 2000, 800)])
    gaps = published.largest_gaps()
    assert gaps["self_defined"] == (
        "Black people who were referred were 0.8 times as likely as White British people "
        "to be contacted, 95% CI 0.7-0.9."
    )
    assert gaps["officer_observed"].startswith(
        "People seen by officers as Black (IC3) who were referred were 0.8 times as likely as "
        "people seen by officers as White North European (IC1) to be contacted"
    )
    (black,) = [
        r
        for r in published.stage_rows
        if r.group == "Black" and r.stage == "contacted" and r.classification == "self_defined"
    ]
    assert (black.count, black.of_referred, black.rate) == (800, 2000, 0.4)
    assert black.relative_rate == pytest.approx(0.8)
    assert (black.ci_low, black.ci_high) == pytest.approx((0.746, 0.857), abs=1e-3)


def test_a_clear_gap_is_told_before_a_larger_one_that_may_be_chance():
    clear = dp.RelativeRate(0.8, 0.7, 0.9)
    wide = dp.RelativeRate(0.5, 0.2, 1.3)
    rates = {("Black", "contacted"): clear, ("Other", "assessed"): wide, ("Mixed", "barred"): None}
    assert dp.largest_gap(rates) == ("Black", "contacted", clear)
    assert dp.largest_gap({("Other", "assessed"): wide}) == ("Other", "assessed", wide)
    assert dp.largest_gap({("Mixed", "barred"): None}) is None


def test_relative_rates_of_small_groups_are_withheld():
    published = _published(
        [
            _cube_row("W1", "IC1", 200, 100),
            _cube_row("A1", "IC4", 4, 2),
            _cube_row("B1", "IC3", 30, 3),
        ]
    )
    rows = {
        (r.group, r.stage): r for r in published.stage_rows if r.classification == "self_defined"
    }
    assert rows[("A1", "referred")].count == "<5"
    assert rows[("A1", "contacted")].relative_rate == "[c]"
    assert rows[("B1", "contacted")].count == "<5"
    assert rows[("B1", "contacted")].rate == "[c]"


def test_a_force_total_with_one_small_part_does_not_give_it_away():
    rows = [
        ("west_midlands", "W1", "IC1", "cannabis", "25_34", "male", 40, *[0] * 10),
        ("west_midlands", "W1", "IC1", "cocaine", "25_34", "male", 3, *[0] * 10),
        ("west_mercia", "W1", "IC1", "cannabis", "25_34", "male", 30, *[0] * 10),
        ("west_mercia", "W1", "IC1", "cocaine", "25_34", "male", 12, *[0] * 10),
    ]
    published = _published(rows, ("west_midlands", "west_mercia"))
    document = published.to_json()
    for entry in document["forces"]:
        hidden = [v for v in entry["by_substance"].values() if isinstance(v, str)]
        assert len(hidden) != 1, entry["force"]
        assert isinstance(entry["referrals"], int)
    wm, wmc, total = document["forces"]
    assert wm["by_substance"]["cocaine"] == "<5"
    assert wm["by_substance"]["cannabis"] == "[c]"
    # Across the forces: the "all" cocaine of 15 less West Mercia's would give 3 away.
    cocaine = [e["by_substance"]["cocaine"] for e in (wm, wmc, total)]
    assert sum(isinstance(v, str) for v in cocaine) >= 2


# --- periods and working days -------------------------------------------------------------


def test_the_default_period_is_the_last_twelve_complete_months():
    assert last_complete_months(date(2026, 12, 2)) == Period(date(2025, 12, 1), date(2026, 11, 30))
    assert last_complete_months(date(2026, 3, 31)) == Period(date(2025, 3, 1), date(2026, 2, 28))


def test_the_period_runs_on_uk_days():
    low, high = Period(date(2026, 7, 1), date(2026, 7, 31)).bounds()
    assert low.astimezone(UTC) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)  # BST
    assert high.astimezone(UTC) == datetime(2026, 7, 31, 23, 0, tzinfo=UTC)


def test_first_contact_over_christmas_counts_working_days_only():
    referred = datetime(2026, 12, 24, 12, tzinfo=UTC)
    assert first_contact_timing(referred, datetime(2026, 12, 30, 10, tzinfo=UTC), 2) == (2, True)
    assert first_contact_timing(referred, datetime(2026, 12, 31, 10, tzinfo=UTC), 2) == (3, False)
    assert first_contact_timing(referred, datetime(2026, 12, 24, 15, tzinfo=UTC), 2) == (0, True)


def test_police_hours_are_eligible_referrals_times_the_scheme_hours():
    # The force's published figure: 18,000 referrals at 4 h 15 min are 76,500 hours.
    rows = [
        ("west_midlands", "W1", "IC1", "cannabis", "25_34", "male", 18_000, *[0] * 10),
        ("west_midlands", "W1", "IC1", "cannabis", "25_34", "male", 0, *[0] * 10),
    ]
    (entry,) = _published(rows).to_json()["forces"]
    assert entry["hours_saved"] == 76_500
    ineligible = [0] * 8 + [200, 0]  # the ninth flag: closed as ineligible
    rows = [("west_midlands", "W1", "IC1", "cannabis", "25_34", "male", 18_200, *ineligible)]
    (entry,) = _published(rows).to_json()["forces"]
    assert entry["hours_saved"] == 76_500
