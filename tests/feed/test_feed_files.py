"""The referral feed read from files: good rows, each kind of bad row, each bad file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from divert_tui.core.feed import MAX_FEED_BYTES, FeedError, parse_feed, read_feed

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 29)


def read(name: str, schemes):
    return read_feed(DATA / name, schemes, today=TODAY)


def test_good_csv_gives_clean_records(schemes):
    result = read("good.csv", schemes)
    assert result.problems == []
    assert result.rows_read == 5
    first, second, third, fourth, fifth = result.records
    assert first.row == 1
    assert first.police_reference == "WM/2026/0001"
    assert first.referred_at.replace(tzinfo=None) == datetime(2026, 3, 14, 10, 22)
    assert first.offence_date == date(2026, 3, 14)
    assert first.date_of_birth == date(1999, 2, 1)
    assert first.phone == "+447700900123"
    assert first.postcode == "B15 2TT"
    assert first.self_defined_ethnicity == "W1"
    assert first.substances == ("cannabis", "cocaine")
    assert first.sex == "female"
    assert second.force == "west_midlands"
    assert second.referred_at.replace(tzinfo=None) == datetime(2026, 3, 15, 18, 5)
    assert second.officer_observed_ethnicity == "IC4"
    assert third.first_name == "Zoë" and third.date_of_birth == date(2000, 2, 29)
    assert third.substances == ("ketamine", "mdma")
    assert fourth.referred_at.date() == date(2026, 3, 16)
    assert fourth.sex == "not_stated" and fourth.postcode == "CV1 5FB"
    assert fourth.substances == ("synthetic_cannabinoids",)
    assert fifth.substances == ("nitrous_oxide", "crack_cocaine")
    assert fifth.self_defined_ethnicity is None and fifth.postcode is None


def test_bom_is_accepted(schemes):
    assert len(read("bom.csv", schemes).records) == 5


def test_good_json(schemes):
    result = read("good.json", schemes)
    assert result.problems == []
    jo, ann = result.records
    assert jo.referred_at.utcoffset().total_seconds() == 0  # 14 Mar is GMT
    assert jo.referred_at.hour == 10
    assert ann.substances == ("cocaine", "cannabis")
    assert ann.sex == "not_stated" and ann.date_of_birth == date(1980, 2, 1)


def test_every_kind_of_bad_row_is_reported_by_row_and_field(schemes):
    result = read("bad_rows.csv", schemes)
    found = {(p.row, p.field) for p in result.problems}
    assert found == {
        (2, "police_reference"),
        (3, "force"),
        (4, "referred_at"),
        (5, "referred_at"),
        (6, "offence_date"),
        (7, "phone"),
        (8, "postcode"),
        (9, "self_defined_ethnicity"),
        (9, "officer_observed_ethnicity"),
        (10, "substances"),
        (11, "first_name"),
        (12, "sex"),
        (13, "police_reference"),
        (14, "date_of_birth"),
    }
    text = {str(p) for p in result.problems}
    assert "row 2: police_reference: missing" in text
    assert "row 5: referred_at: is in the future" in text
    assert "row 6: offence_date: is after the referral date" in text
    assert "row 13: police_reference: same reference as row 1" in text
    assert "row 4: referred_at: not a real date (use YYYY-MM-DD or DD/MM/YYYY)" in text
    assert any("unicorn dust" in t for t in text if t.startswith("row 10"))
    assert [r.row for r in result.records] == [1]


def test_under_age_is_valid_data_with_its_age(schemes):
    result = read("under_age.csv", schemes)
    assert result.problems == []
    young, adult = result.records
    assert young.age == 15
    assert adult.age == 18


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.csv", "empty"),
        ("blank.csv", "empty"),
        ("no_header.csv", "no header line"),
        ("extra_column.csv", "unknown field(s) in the header: 'shoe_size'"),
        ("missing_columns.csv", "required field(s) missing from the header: offence_date"),
        ("latin1.csv", "not UTF-8"),
        ("utf16.csv", "UTF-16"),
        ("object.json", "one object"),
    ],
)
def test_malformed_files_raise_feed_error(schemes, name, words):
    with pytest.raises(FeedError) as caught:
        read(name, schemes)
    assert words in str(caught.value)


def test_file_too_large_is_refused_before_reading(schemes, tmp_path):
    big = tmp_path / "big.csv"
    line = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()[1] + "\n"
    with big.open("w", encoding="utf-8") as out:
        out.write((DATA / "good.csv").read_text(encoding="utf-8").splitlines()[0] + "\n")
        out.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert big.stat().st_size > 50 * 1024 * 1024
    with pytest.raises(FeedError, match="50 MB; a feed may be at most 20 MB"):
        read_feed(big, schemes, today=TODAY)


def test_in_memory_limit_matches(schemes):
    with pytest.raises(FeedError, match="at most 20 MB"):
        parse_feed(b"x" * (MAX_FEED_BYTES + 1), schemes, today=TODAY)


def test_json_not_array_and_bad_items(schemes, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('"text"', encoding="utf-8")
    with pytest.raises(FeedError, match="array"):
        read_feed(path, schemes, today=TODAY)
    path.write_text("[1, {}]", encoding="utf-8")
    result = read_feed(path, schemes, today=TODAY)
    assert "row 1: row: not an object with field names" in {str(p) for p in result.problems}
    assert any(str(p) == "row 2: police_reference: missing" for p in result.problems)
    path.write_text('[{"police_reference": 1,', encoding="utf-8")
    with pytest.raises(FeedError, match="not valid JSON"):
        read_feed(path, schemes, today=TODAY)


def test_json_unknown_key_is_a_file_error(schemes, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('[{"police_reference": "A", "hat": "x"}]', encoding="utf-8")
    with pytest.raises(FeedError, match="'hat'"):
        read_feed(path, schemes, today=TODAY)


def test_header_only_and_too_many_values(schemes, tmp_path):
    header = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "feed.csv"
    path.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(FeedError, match="no referrals"):
        read_feed(path, schemes, today=TODAY)
    row = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()[1]
    path.write_text(f"{header}\n{row},extra\n", encoding="utf-8")
    result = read_feed(path, schemes, today=TODAY)
    assert [str(p) for p in result.problems] == ["row 1: row: 17 values but the header names 16"]


def test_missing_file(schemes, tmp_path):
    with pytest.raises(FeedError, match="cannot open"):
        read_feed(tmp_path / "nope.csv", schemes, today=TODAY)


def test_rejects_reason_column_is_ignored(schemes, tmp_path):
    lines = (DATA / "good.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "fixed.csv"
    path.write_text(f"{lines[0]},reason\n{lines[1]},row 4: phone: bad\n", encoding="utf-8")
    result = read_feed(path, schemes, today=TODAY)
    assert result.problems == [] and len(result.records) == 1
