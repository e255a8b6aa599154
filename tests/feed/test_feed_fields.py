"""Field checks of the feed, one value at a time."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from divert_tui.core import feed_fields as ff
from divert_tui.core.feed import validate_values

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14", datetime(2026, 3, 14)),
        ("14/03/2026", datetime(2026, 3, 14)),
        ("4/3/2026", datetime(2026, 3, 4)),
        ("04-03-2026", datetime(2026, 3, 4)),
        ("14.03.2026 09:30", datetime(2026, 3, 14, 9, 30)),
        ("2026-03-14T10:22:05", datetime(2026, 3, 14, 10, 22, 5)),
        ("14 Mar 2026", datetime(2026, 3, 14)),
        ("14 March 2026 10:00", datetime(2026, 3, 14, 10, 0)),
        ("29/02/2024", datetime(2024, 2, 29)),
    ],
)
def test_dates_iso_and_day_first(text, expected):
    assert ff.parse_when(text).replace(tzinfo=None) == expected


def test_offset_times_are_converted_to_uk_time():
    summer = ff.parse_when("2026-07-01T09:00:00Z")
    assert (summer.hour, summer.utcoffset().total_seconds()) == (10, 3600)


@pytest.mark.parametrize(
    "text",
    ["31/02/2026", "2026-13-01", "03/04/26", "tomorrow", "5", "March 2026", "14/03/2026 25:00"],
)
def test_bad_dates(text):
    with pytest.raises(ff.FieldProblem):
        ff.parse_when(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_both_written_forms_round_trip(day):
    assert ff.parse_when(day.isoformat()).date() == day
    assert ff.parse_when(day.strftime("%d/%m/%Y")).date() == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 (0)7700 900123".replace("(0)", ""), "+447700900123"),
        ("0044 7911 123456", "+447911123456"),
        ("0121 496 0000", "+441214960000"),
        ("(0121) 496-0000", "+441214960000"),
        ("07911123456", "+447911123456"),
    ],
)
def test_uk_phones_to_e164(text, expected):
    assert ff.clean_phone(text) == expected


@pytest.mark.parametrize("text", ["12345", "07911 12345", "+33 6 12 34 56 78", "call me", ""])
def test_bad_phones(text):
    with pytest.raises(ff.FieldProblem):
        ff.clean_phone(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("b15 2tt", "B15 2TT"),
        ("B152TT", "B15 2TT"),
        (" sw1a  1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("", None),
    ],
)
def test_postcodes(text, expected):
    assert ff.clean_postcode(text) == expected


@pytest.mark.parametrize("text", ["B15", "12345", "B15 2T", "QQ1 1AAA"])
def test_bad_postcodes(text):
    with pytest.raises(ff.FieldProblem):
        ff.clean_postcode(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weed", ("cannabis",)),
        ("Coke", ("cocaine",)),
        ("crack", ("crack_cocaine",)),
        ("NOS", ("nitrous_oxide",)),
        ("laughing gas", ("nitrous_oxide",)),
        ("ket", ("ketamine",)),
        ("ecstasy; MDMA", ("mdma",)),
        ("spice", ("synthetic_cannabinoids",)),
        ("crack_cocaine;cannabis", ("crack_cocaine", "cannabis")),
        ("Nitrous Oxide", ("nitrous_oxide",)),
    ],
)
def test_substances(text, expected):
    assert ff.clean_substances(text) == expected


def test_unknown_substance_and_empty():
    with pytest.raises(ff.FieldProblem, match="'glitter'"):
        ff.clean_substances("weed; glitter")
    with pytest.raises(ff.FieldProblem, match="missing"):
        ff.clean_substances(" ; ")


def test_ethnicity_codes_case_insensitive():
    assert ff.clean_self_defined("b2") == "B2"
    assert ff.clean_self_defined("ns") == "NS"
    assert ff.clean_officer_observed("ic3") == "IC3"
    assert ff.clean_officer_observed("3") == "IC3"
    for bad in ("W4", "IC3"):
        with pytest.raises(ff.FieldProblem):
            ff.clean_self_defined(bad)
    for retired in ("IC7", "IC8", "7"):
        with pytest.raises(ff.FieldProblem, match="IC1-IC6, or IC9 when unknown"):
            ff.clean_officer_observed(retired)
    assert ff.clean_officer_observed("IC9") == "IC9"


def test_not_stated_is_its_own_self_defined_code():
    for words in ("not stated", "Not_Stated", "NS"):
        assert ff.clean_self_defined(words) == "NS"


def test_age_on_birthday_edges():
    assert ff.age_on(date(2008, 3, 14), date(2026, 3, 13)) == 17
    assert ff.age_on(date(2008, 3, 14), date(2026, 3, 14)) == 18
    assert ff.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert ff.age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_validate_values_gives_field_keyed_problems(schemes):
    record, problems = validate_values(
        {"police_reference": "x1", "force": "west_midlands", "referred_at": "2026-03-14"},
        schemes,
        today=TODAY,
    )
    assert record is None
    fields = {p.field for p in problems}
    assert fields == {
        "offence_date",
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "substances",
    }


def test_problems_never_echo_names_or_phones(schemes):
    _, problems = validate_values(
        {"first_name": "Secret1", "phone": "0791 SECRET", "force": "west_midlands"},
        schemes,
        today=TODAY,
    )
    assert not any("Secret" in str(p) or "SECRET" in str(p) for p in problems)
