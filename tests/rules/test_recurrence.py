"""Session times: UK local wall-clock time kept across the clock changes, UTC moving."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from divert_tui.core.rules import recurrence
from divert_tui.core.rules.recurrence import RecurrenceError, occurrences, parse_local_start


def test_weekly_session_stays_at_18_00_across_the_march_clock_change() -> None:
    found = occurrences(parse_local_start("2027-03-23 18:00"), "FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    assert [o.local.strftime("%Y-%m-%d %H:%M") for o in found] == [
        "2027-03-23 18:00",
        "2027-03-30 18:00",
        "2027-04-06 18:00",
    ]
    # 28 March 2027: the clocks go forward, so the same local time is an hour earlier in UTC.
    assert [o.starts_at for o in found] == [
        datetime(2027, 3, 23, 18, 0, tzinfo=UTC),
        datetime(2027, 3, 30, 17, 0, tzinfo=UTC),
        datetime(2027, 4, 6, 17, 0, tzinfo=UTC),
    ]
    assert recurrence.london_iso(found[1].starts_at) == "2027-03-30T18:00:00+01:00"
    assert found[0].words == "Tuesday 23 March 2027, 18:00 (GMT)"
    assert found[1].words == "Tuesday 30 March 2027, 18:00 (BST)"


def test_weekly_session_stays_at_18_00_across_the_october_clock_change() -> None:
    found = occurrences(parse_local_start("2027-10-26 18:00"), "RRULE:FREQ=WEEKLY;COUNT=2")
    assert [o.starts_at for o in found] == [
        datetime(2027, 10, 26, 17, 0, tzinfo=UTC),
        datetime(2027, 11, 2, 18, 0, tzinfo=UTC),  # 31 October 2027: back to GMT
    ]
    assert {o.local.hour for o in found} == {18}
    assert recurrence.london_iso(found[1].starts_at) == "2027-11-02T18:00:00+00:00"


def test_every_tuesday_for_eight_weeks_and_the_first_monday_of_each_month() -> None:
    weekly = occurrences(parse_local_start("2027-03-02 18:00"), "FREQ=WEEKLY;BYDAY=TU;COUNT=8")
    assert len(weekly) == 8 and {o.local.weekday() for o in weekly} == {1}
    monthly = occurrences(parse_local_start("2027-01-01 10:00"), "FREQ=MONTHLY;BYDAY=1MO;COUNT=3")
    assert [o.local.date().isoformat() for o in monthly] == [
        "2027-01-04",
        "2027-02-01",
        "2027-03-01",
    ]


def test_a_one_off_session_is_one_occurrence() -> None:
    (only,) = occurrences(parse_local_start("2027-07-01 18:00"))
    assert only.starts_at == datetime(2027, 7, 1, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "rule", "words"),
    [
        ("2027-03-28 01:30", None, "does not exist in UK time"),
        ("2027-03-02 18:00", "FREQ=WEEKLY;BYDAY=TU", "never ends"),
        ("2027-03-02 18:00", "EVERY TUESDAY;COUNT=3", "not an RRULE"),
        ("2027-03-02 18:00", "FREQ=DAILY;COUNT=500", "more than 104"),
    ],
)
def test_unusable_starts_and_rules_are_refused_in_words(start, rule, words) -> None:
    with pytest.raises(RecurrenceError, match=words):
        occurrences(parse_local_start(start), rule)


def test_a_start_that_is_not_a_date_and_time_names_the_format() -> None:
    with pytest.raises(RecurrenceError, match="YYYY-MM-DD HH:MM"):
        parse_local_start("next tuesday")
