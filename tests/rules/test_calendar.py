"""Working days with English bank holidays, for the first-contact standard."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from divert_tui.core.rules.calendar import (
    add_working_days,
    bank_holidays,
    first_contact_due,
    first_contact_state,
    is_due_today,
    is_overdue,
    is_working_day,
    working_days_between,
)

# Published by gov.uk for England and Wales.
GOV_UK = {
    2026: {
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
    },
    2027: {
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    },
    2022: {
        date(2022, 1, 3), date(2022, 4, 15), date(2022, 4, 18), date(2022, 5, 2),
        date(2022, 6, 2), date(2022, 6, 3), date(2022, 8, 29), date(2022, 9, 19),
        date(2022, 12, 26), date(2022, 12, 27),
    },
    2023: {
        date(2023, 1, 2), date(2023, 4, 7), date(2023, 4, 10), date(2023, 5, 1),
        date(2023, 5, 8), date(2023, 5, 29), date(2023, 8, 28), date(2023, 12, 25),
        date(2023, 12, 26),
    },
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_bank_holidays_match_gov_uk(year):
    assert bank_holidays(year) == GOV_UK[year]


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 16), 2, date(2026, 3, 18)),  # Monday -> Wednesday
        (date(2026, 3, 20), 2, date(2026, 3, 24)),  # Friday -> Tuesday
        (date(2026, 3, 21), 2, date(2026, 3, 24)),  # Saturday -> Tuesday
        (date(2026, 4, 2), 2, date(2026, 4, 8)),  # Thursday before Easter
        (date(2026, 12, 24), 2, date(2026, 12, 30)),  # over Christmas
        (date(2026, 12, 24), 0, date(2026, 12, 24)),
        (date(2026, 12, 25), 0, date(2026, 12, 29)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 30))
def test_add_working_days_lands_on_a_working_day(start, days):
    end = add_working_days(start, days)
    assert is_working_day(end)
    assert working_days_between(start, end) == days
    assert end - start >= timedelta(days=days)


def test_first_contact_due_and_states():
    referred = datetime(2026, 3, 20, 18, 0)  # Friday evening
    due = first_contact_due(referred, 2)
    assert due == date(2026, 3, 24)
    assert is_due_today(due, date(2026, 3, 24))
    assert not is_overdue(due, date(2026, 3, 24))
    assert is_overdue(due, date(2026, 3, 25))
    assert not is_overdue(due, date(2026, 3, 25), contacted=True)
    assert first_contact_state(referred, 2, date(2026, 3, 23), contacted=False) == "due"
    assert first_contact_state(referred, 2, date(2026, 3, 24), contacted=False) == "due_today"
    assert first_contact_state(referred, 2, date(2026, 3, 25), contacted=False) == "overdue"
    assert first_contact_state(referred, 2, date(2026, 3, 25), contacted=True) == "done"


def test_bank_holidays_come_from_the_holidays_package(monkeypatch):
    """A one-off holiday announced later arrives with an upgrade of the package."""
    import holidays

    real = holidays.country_holidays

    def with_one_off(*args, **kwargs):
        found = real(*args, **kwargs)
        found[date(2030, 6, 14)] = "one-off bank holiday"
        return found

    bank_holidays.cache_clear()
    monkeypatch.setattr(holidays, "country_holidays", with_one_off)
    try:
        assert date(2030, 6, 14) in bank_holidays(2030)
        assert not is_working_day(date(2030, 6, 14))
    finally:
        bank_holidays.cache_clear()
