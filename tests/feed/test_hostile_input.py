"""Hostile feeds (issue 9 items 10 and 12): deep nesting, huge numbers, repeated keys and
invisible characters get a file or row message in words, never "unexpected error"."""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest
from click.testing import CliRunner

from divert_tui.cli import main
from divert_tui.core.feed import FeedError, parse_feed
from divert_tui.core.feed_fields import INVISIBLE_HINT, FieldProblem, clean_name, clean_text

TODAY = date(2026, 11, 29)


def referral(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "police_reference": "WM/2026/0001",
        "force": "west_midlands",
        "referred_at": "2026-03-02T09:00",
        "offence_date": "2026-03-02",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "date_of_birth": "1999-02-01",
        "phone": "07700 900123",
        "substances": "cannabis",
    }
    base.update(values)
    return base


def as_json(*rows: dict[str, object]) -> bytes:
    return json.dumps(list(rows)).encode()


def parse(data: bytes, schemes):
    return parse_feed(data, schemes, today=TODAY, path=None)


def problems(data: bytes, schemes) -> list[str]:
    return [str(p) for p in parse(data, schemes).problems]


# --- item 10: the parser's limits -----------------------------------------------------------


def test_deeply_nested_arrays_are_a_file_message(schemes):
    data = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(FeedError, match="nests arrays or objects too deeply"):
        parse(data, schemes)


def test_a_huge_integer_is_a_row_message(schemes):
    # json.dumps cannot write a number past Python's digit limit: put it in by hand.
    data = as_json(referral(), referral(police_reference="WM/2", date_of_birth="HUGE"))
    data = data.replace(b'"HUGE"', b"7" * 5000)
    assert problems(data, schemes) == [
        "row 2: date_of_birth: not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    ]


def test_a_huge_integer_anywhere_is_never_a_crash(schemes):
    digits = b"9" * 5000
    data = b'[{"police_reference": ' + digits + b', "phone": ' + digits + b"}]"
    found = problems(data, schemes)
    assert "row 1: phone: not a phone number" in found
    assert any(p.startswith("row 1: police_reference: too long") for p in found)


def test_nested_values_in_a_row_are_row_messages(schemes):
    data = as_json(referral(first_name={"a": 1}), referral(police_reference="WM/2", phone=[[1]]))
    assert problems(data, schemes) == [
        "row 1: first_name: is an object; give the value as text",
        "row 2: phone: is a nested list; give the value as text, or a flat list of texts",
    ]


# --- item 12: repeated keys and invisible characters ------------------------------------------


def test_a_repeated_key_is_refused_with_a_row_message(schemes):
    text = json.dumps([referral()])[:-2] + ', "first_name": "Other"}]'
    assert problems(text.encode(), schemes) == [
        "row 1: row: names the field 'first_name' more than once (keys differing only in "
        "upper and lower case are the same field); keep one"
    ]


def test_keys_differing_only_in_case_are_refused(schemes):
    text = json.dumps([referral(First_Name="Jo")])
    (found,) = problems(text.encode(), schemes)
    assert found.startswith("row 1: row: names the field 'first_name' more than once")


@pytest.mark.parametrize(
    "name",
    [
        "Jo\u202eoB",  # right-to-left override
        "J\u200bo",  # zero-width space
        "Jo\ufeff",  # byte-order mark
        "J\u200do",  # zero-width joiner
        "\u2066Jo\u2069",  # isolates
    ],
)
def test_invisible_characters_in_a_name_are_refused(name: str, schemes):
    with pytest.raises(FieldProblem, match="invisible characters"):
        clean_name(name, "first_name")
    found = problems(as_json(referral(last_name=name)), schemes)
    assert found == [f"row 1: last_name: {INVISIBLE_HINT}"]


def test_names_are_nfc_normalised(schemes):
    decomposed = unicodedata.normalize("NFD", "Zoë")
    assert decomposed != "Zoë"
    (record,) = parse(as_json(referral(first_name=decomposed)), schemes).records
    assert record.first_name == "Zoë"


def test_notes_refuse_a_direction_override_but_keep_emoji():
    assert clean_text("fine 👍🏽", "notes", required=False) == "fine 👍🏽"
    with pytest.raises(FieldProblem, match="invisible"):
        clean_text("call \u202eback", "notes", required=False)


# --- through the command line: exit 1 with words -----------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[" * 50_000 + b"]" * 50_000, "nests arrays or objects too deeply"),
        (b'[{"police_reference": ' + b"1" * 5000 + b"}]", "row 1:"),
    ],
)
def test_the_import_command_gives_words(db_url, tmp_path, content: bytes, words: str):
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["--db", db_url, "import", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert words in result.output
    assert "unexpected error" not in result.output
