"""The retention rule at its edges: the exact day, leap years, UK days, open referrals,
bars still running, and the backwards reading the database is asked with."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from divert_tui.core.rules import retention as rule
from divert_tui.core.rules.retention import BarFacts, Policy, ReferralFacts
from divert_tui.core.schemes import SchemeError, load_schemes, parse_scheme

WM = {
    "west_midlands": Policy("West Midlands Police", 6),
    "west_mercia": Policy("West Mercia Police", 7),
}


def closed(on: datetime, rid: int = 1, force: str = "west_midlands", status: str = "completed"):
    return ReferralFacts(rid, force, status, on)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def verdict(referrals, today: date, bars=()):
    return rule.person_verdict(referrals, bars, WM, today)


def test_due_on_the_anniversary_not_the_day_before() -> None:
    person = [closed(noon(date(2020, 3, 3)))]
    before = verdict(person, date(2026, 3, 2))
    on = verdict(person, date(2026, 3, 3))
    assert not before.due and before.reason.startswith("not due until 3 Mar 2026")
    assert on.due and on.due_from == date(2026, 3, 3) and on.last_closed == date(2020, 3, 3)
    assert on.reason == (
        "due since 3 Mar 2026: last referral closed 3 Mar 2020 (referral 1); "
        "West Midlands Police keeps personal data 6 years after the last referral closed"
    )


def test_a_29_february_closing_waits_for_1_march_in_a_common_year() -> None:
    person = [closed(noon(date(2020, 2, 29)))]
    assert not verdict(person, date(2026, 2, 28)).due
    assert verdict(person, date(2026, 3, 1)).due_from == date(2026, 3, 1)
    assert rule.due_from(date(2020, 2, 29), 4) == date(2024, 2, 29)  # a leap year again
    assert rule.due_from(date(2021, 2, 28), 3) == date(2024, 2, 28)


def test_the_closing_day_is_the_day_in_london() -> None:
    summer = [closed(datetime(2019, 6, 30, 23, 30, tzinfo=UTC))]  # 00:30 on 1 Jul in London
    assert not verdict(summer, date(2025, 6, 30)).due
    assert verdict(summer, date(2025, 7, 1)).due
    winter = [closed(datetime(2019, 12, 31, 23, 30, tzinfo=UTC))]  # still 31 Dec in London
    assert verdict(winter, date(2025, 12, 31)).due
    naive = [closed(datetime(2019, 6, 30, 23, 30))]  # SQLite hands back naive UTC
    assert verdict(naive, date(2025, 7, 1)).last_closed == date(2019, 7, 1)


@pytest.mark.parametrize("status", ["received", "contacting", "assessed", "allocated", "booked"])
def test_a_person_with_an_open_referral_is_never_due(status: str) -> None:
    person = [closed(noon(date(2001, 1, 1))), ReferralFacts(2, "west_midlands", status, None)]
    result = verdict(person, date(2090, 1, 1))
    assert not result.due
    assert result.reason == f"not due: referral 2 is still open ({status})"


def test_a_running_bar_keeps_the_person_until_it_ends() -> None:
    person = [closed(noon(date(2020, 1, 10)), status="non_compliant")]
    bar = [BarFacts(7, date(2026, 6, 1))]  # an unusually long bar
    held = verdict(person, date(2026, 5, 31), bar)
    assert not held.due
    assert held.reason == "not due: intelligence log 7 supports a bar until 1 Jun 2026"
    assert verdict(person, date(2026, 6, 1), bar).due  # the bar's last day has passed


def test_the_referral_whose_period_ends_last_decides() -> None:
    person = [
        closed(noon(date(2020, 5, 1)), rid=1, force="west_mercia"),  # 7 years: 1 May 2027
        closed(noon(date(2020, 9, 1)), rid=2, force="west_midlands"),  # 6 years: 1 Sep 2026
    ]
    result = verdict(person, date(2027, 1, 1))
    assert not result.due and result.due_from == date(2027, 5, 1)
    assert "referral 1" in result.reason and "West Mercia Police" in result.reason
    assert result.last_closed == date(2020, 9, 1)


def test_what_cannot_be_counted_is_kept() -> None:
    no_date = [ReferralFacts(3, "west_midlands", "withdrawn", None)]
    assert "no closing date" in verdict(no_date, date(2090, 1, 1)).reason
    unknown = [closed(noon(date(2000, 1, 1)), force="atlantis")]
    assert "no scheme file" in verdict(unknown, date(2090, 1, 1)).reason
    assert not verdict([], date(2090, 1, 1)).due


@pytest.mark.parametrize("years", [1, 4, 6])
def test_the_backwards_reading_agrees_with_the_rule_every_day(years: int) -> None:
    """What the database is asked (closed on or before the cutoff) is the rule, exactly."""
    leap_weeks = [date(2020, 2, 20) + timedelta(days=n) for n in range(15)]  # 29 Feb among them
    closings = leap_weeks + [date(2019, 12, 1) + timedelta(days=n) for n in range(0, 400, 7)]
    for today in (date(2019 + years, 12, 1) + timedelta(days=n) for n in range(460)):
        cut = rule.cutoff(today, years)
        for day in closings:
            assert (rule.due_from(day, years) <= today) == (day <= cut), (day, today)


@pytest.mark.parametrize("months", [0, 1, 12])
def test_intelligence_reasons_go_when_their_time_after_the_bar_is_over(months: int) -> None:
    month_ends = [date(2023, 1, 25) + timedelta(days=n) for n in range(40)]  # 29-31 Jan, 28 Feb
    bars = month_ends + [date(2024, 2, 25) + timedelta(days=n) for n in range(40)]  # a leap year
    for today in (date(2023, 1, 1) + timedelta(days=n) for n in range(900)):
        cut = rule.intel_cutoff(today, months)
        for bar in bars:
            assert rule.intel_due(bar, months, today) == (bar <= cut), (bar, today)
    assert rule.intel_strip_from(date(2026, 1, 31), 1) == date(2026, 3, 1)
    assert rule.intel_due(date(2026, 3, 14), 0, date(2026, 3, 14))
    assert not rule.intel_due(date(2026, 3, 14), 0, date(2026, 3, 13))


# --- the scheme setting --------------------------------------------------------------------

BASE = {
    "code": "west_midlands",
    "name": "West Midlands Police",
    "eligibility": {"minimum_age": 18, "bar_months": 12},
    "contact": {"attempts": 3, "days": 10, "first_contact_working_days": 2},
    "police": {"outcome_label": "Community Resolution", "hours_saved_per_referral": 4.25},
    "courses": {"groups": ["cannabis"]},
}


def test_every_shipped_scheme_keeps_six_years_and_intel_for_the_bar_only() -> None:
    for scheme in load_schemes().values():
        assert (scheme.retention_years, scheme.intel_months_after_bar) == (6, 0)


def test_defaults_when_the_table_is_left_out() -> None:
    scheme = parse_scheme(BASE, "wm.toml")
    assert (scheme.retention_years, scheme.intel_months_after_bar) == (6, 0)
    kept = parse_scheme(
        {**BASE, "retention": {"person_years": 8, "intel_months_after_bar": 3}}, "wm.toml"
    )
    assert (kept.retention_years, kept.intel_months_after_bar) == (8, 3)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        (
            {"person_years": 0},
            "wm.toml: retention.person_years: 0 is out of range; give the whole years",
        ),
        ({"person_years": 101}, "retention.person_years: 101 is out of range"),
        ({"person_years": "six"}, "wm.toml: retention.person_years: expected int, found str"),
        ({"intel_months_after_bar": -1}, "retention.intel_months_after_bar: -1 is out of range"),
        ({"intel_months_after_bar": 1.5}, "retention.intel_months_after_bar: expected int"),
    ],
)
def test_a_bad_setting_names_itself_and_the_fix(table: dict, words: str) -> None:
    with pytest.raises(SchemeError) as caught:
        parse_scheme({**BASE, "retention": table}, "wm.toml")
    assert words in str(caught.value)
