"""The writers the report uses: JSON with its DEMO first line, CSV tables in a folder or zip."""

from __future__ import annotations

import json
import stat
import zipfile

import pytest

from divert_tui.core.outfiles import (
    Table,
    json_text,
    table_file_name,
    write_csv_tables,
    write_json_file,
)

TABLES = [Table("Summary", ("Figure", "West Midlands"), (("Referrals", 7), ("=cmd", "<5")))]


def mode(path) -> int:  # type: ignore[no-untyped-def]
    return stat.S_IMODE(path.stat().st_mode)


def test_demo_json_says_so_on_its_first_line_and_stays_json():
    text = json_text({"from": "2026-01-01"}, demo=True)
    assert text.splitlines()[0].startswith('{"DEMO": ')
    assert json.loads(text)["from"] == "2026-01-01"
    assert "DEMO" not in json_text({"from": "2026-01-01"}, demo=False)


def test_json_file_is_owner_only_and_demo_named(tmp_path):
    written = write_json_file(tmp_path / "r.json", {"a": 1}, demo=True)
    assert written.name == "DEMO-r.json" and mode(written) == 0o600


def test_csv_tables_in_a_folder_are_private_and_neutralised(tmp_path):
    folder = write_csv_tables(tmp_path / "out", TABLES, demo=False)
    assert mode(folder) == 0o700
    summary = folder / "summary.csv"
    assert mode(summary) == 0o600
    assert "'=cmd" in summary.read_text(encoding="utf-8")


def test_csv_tables_need_an_existing_parent_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_csv_tables(tmp_path / "typo" / "out", TABLES, demo=False)


def test_csv_tables_in_a_zip(tmp_path):
    written = write_csv_tables(tmp_path / "out.zip", TABLES, demo=True)
    assert written.name == "DEMO-out.zip" and mode(written) == 0o600
    with zipfile.ZipFile(written) as archive:
        assert archive.namelist() == ["DEMO-summary.csv"]
        assert archive.read("DEMO-summary.csv").decode().startswith("DEMO:")


def test_table_file_names_are_plain():
    assert table_file_name(Table("Ethnicity 18+1", (), ()), demo=False) == "ethnicity-18-1.csv"
