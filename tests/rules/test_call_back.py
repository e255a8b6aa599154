"""Reading the call-back a worker types when a call ends early."""

from __future__ import annotations

from datetime import datetime

import pytest

from divert_tui.core.rules.call_back import UK, describe, is_due, parse_call_back

# Wednesday 2 December 2026, 14:00 UK time.
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UK)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Thursday 10am", datetime(2026, 12, 3, 10, 0, tzinfo=UK)),
        ("thu 10:30", datetime(2026, 12, 3, 10, 30, tzinfo=UK)),
        ("tomorrow 2pm", datetime(2026, 12, 3, 14, 0, tzinfo=UK)),
        ("16:15", datetime(2026, 12, 2, 16, 15, tzinfo=UK)),
        ("wednesday 9.15", datetime(2026, 12, 9, 9, 15, tzinfo=UK)),  # today's 9:15 is past
        ("07/12/2026 12pm", datetime(2026, 12, 7, 12, 0, tzinfo=UK)),
        ("2026-12-04 09:00", datetime(2026, 12, 4, 9, 0, tzinfo=UK)),
        ("05/01 11am", datetime(2027, 1, 5, 11, 0, tzinfo=UK)),
    ],
)
def test_call_backs_are_read_as_people_say_them(typed: str, expected: datetime) -> None:
    assert parse_call_back(typed, NOW) == expected


def test_nothing_typed_is_no_call_back() -> None:
    assert parse_call_back("  ", NOW) is None


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("thursday", "give a day and a time"),
        ("someday 10am", "'someday' is not a day"),
        ("01/12/2026 10:00", "Tue 01/12/2026 10:00 is already past"),
        ("10am", "already past"),
        ("25:00", "give a day and a time"),
        ("01/06/2027 10:00", "more than 90 days away"),
    ],
)
def test_unreadable_or_past_call_backs_are_refused_in_words(typed: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_call_back(typed, NOW)


def test_due_means_today_or_earlier() -> None:
    assert describe(datetime(2026, 12, 3, 10, tzinfo=UK)) == "Thu 03/12/2026 10:00"
    assert is_due(datetime(2026, 12, 2, 18, tzinfo=UK), NOW)
    assert not is_due(datetime(2026, 12, 3, 9, tzinfo=UK), NOW)
