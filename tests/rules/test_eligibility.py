"""The bar: calendar months, its edges, completing never bars, the scheme's age."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from divert_tui.core.rules.eligibility import (
    EarlierReferralFact,
    IntelLogFact,
    OverrideFact,
    bar_end,
    decide,
    fmt_date,
)

ADULT = date(1960, 5, 5)


def log(id_: int, created: date, **kw) -> IntelLogFact:
    return IntelLogFact(id_, created, "non_compliance", **kw)


@pytest.mark.parametrize(
    ("created", "months", "until"),
    [
        (date(2026, 3, 14), 12, date(2027, 3, 14)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 2, 28), 6, date(2026, 8, 28)),
        (date(2026, 3, 31), 11, date(2027, 2, 28)),
    ],
)
def test_bar_end_in_calendar_months(created, months, until):
    assert bar_end(created, months) == until


def test_barred_explanation_in_the_words_of_the_design(schemes):
    result = decide(
        date(2026, 6, 1),
        schemes["west_midlands"],
        date_of_birth=ADULT,
        logs=[log(123, date(2026, 3, 14))],
    )
    assert not result.eligible
    assert result.explanation == (
        "not eligible until 14 Mar 2027: intelligence log 123 for non-compliance on "
        "14 Mar 2026 (West Midlands scheme, 12-month bar)"
    )
    assert result.bar_until == date(2027, 3, 14) and result.log_id == 123


def test_bar_ends_on_its_end_date(schemes):
    wm = schemes["west_midlands"]
    logs = [log(5, date(2024, 2, 29))]
    assert not decide(date(2025, 2, 27), wm, date_of_birth=ADULT, logs=logs).eligible
    on_end = decide(date(2025, 2, 28), wm, date_of_birth=ADULT, logs=logs)
    assert on_end.eligible
    assert on_end.explanation.startswith("eligible: the bar ended on 28 Feb 2025")


def test_stored_bar_until_wins_and_names_its_scheme(schemes):
    result = decide(
        date(2026, 9, 1),
        schemes["west_midlands"],
        date_of_birth=ADULT,
        logs=[
            log(
                9,
                date(2026, 3, 31),
                bar_until=date(2026, 9, 30),
                scheme_name="West Mercia Police",
                bar_months=6,
            )
        ],
    )
    assert result.explanation == (
        "not eligible until 30 Sep 2026: intelligence log 9 for non-compliance on 31 Mar 2026 "
        "(West Mercia scheme, 6-month bar)"
    )


def test_latest_bar_decides(schemes):
    result = decide(
        date(2026, 6, 1),
        schemes["west_midlands"],
        date_of_birth=ADULT,
        logs=[log(1, date(2025, 7, 1)), log(2, date(2026, 1, 5))],
    )
    assert result.log_id == 2 and result.bar_until == date(2027, 1, 5)


def test_log_written_after_the_referral_does_not_bar_it(schemes):
    result = decide(
        date(2026, 3, 1),
        schemes["west_midlands"],
        date_of_birth=ADULT,
        logs=[log(1, date(2026, 3, 2))],
    )
    assert result.eligible


def test_completing_never_bars(schemes):
    earlier = [EarlierReferralFact(i, date(2025, i, 1), "completed") for i in range(1, 4)]
    result = decide(
        date(2026, 1, 1), schemes["west_midlands"], date_of_birth=ADULT, earlier=earlier
    )
    assert result.eligible
    assert result.explanation == "eligible: 3 earlier referrals completed; completing never bars"


def test_under_age_is_outside_the_scheme_whatever_else(schemes):
    result = decide(date(2026, 3, 14), schemes["west_midlands"], date_of_birth=date(2008, 3, 15))
    assert not result.eligible and result.rule == "age"
    assert result.explanation == (
        "outside the scheme: aged 17 on 14 Mar 2026; the West Midlands scheme accepts people "
        "aged 18 and over"
    )
    assert decide(
        date(2026, 3, 14), schemes["west_midlands"], date_of_birth=date(2008, 3, 14)
    ).eligible


def test_override_makes_eligible_and_keeps_the_bar_in_words(schemes):
    result = decide(
        date(2026, 6, 1),
        schemes["west_midlands"],
        date_of_birth=ADULT,
        logs=[log(123, date(2026, 3, 14))],
        override=OverrideFact("lead", date(2026, 6, 2), "log was written in error"),
    )
    assert result.eligible and result.rule == "override"
    assert "log was written in error" in result.explanation
    assert "14 Mar 2027" in result.explanation


def test_fmt_date():
    assert fmt_date(date(2026, 3, 4)) == "4 Mar 2026"


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    st.integers(min_value=1, max_value=36),
    st.integers(min_value=0, max_value=2000),
)
def test_barred_exactly_until_the_end(schemes, created, months, after):
    wm = schemes["west_midlands"]
    until = bar_end(created, months)
    assert created < until <= created + timedelta(days=31 * months)
    on = created + timedelta(days=after)
    result = decide(on, wm, date_of_birth=ADULT, logs=[log(1, created, bar_until=until)])
    assert result.eligible == (on >= until)
