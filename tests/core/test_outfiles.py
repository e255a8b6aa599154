"""The one file writer: formula cells neutralised, owner-only files, DEMO marking."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from divert_tui.core.outfiles import (
    DEMO_FIRST_LINE,
    FORMULA_STARTS,
    Table,
    marked_path,
    neutralise,
    write_csv_file,
    write_text_file,
    write_xlsx_file,
)

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-SUM(A:A)",
    "@SUM(A:A)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_cells_get_an_apostrophe_and_stay_readable(value: str) -> None:
    assert neutralise(value) == "'" + value


def test_plain_values_and_numbers_are_unchanged() -> None:
    assert neutralise("Tyler Ashworth") == "Tyler Ashworth"
    assert neutralise(-3) == "-3"
    assert neutralise(None) == ""
    assert neutralise("2027-03-30") == "2027-03-30"


@given(st.text())
def test_no_neutralised_cell_starts_with_a_formula_character(value: str) -> None:
    assert not neutralise(value).startswith(FORMULA_STARTS)


def test_csv_file_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        written = write_csv_file(tmp_path / "out.csv", ["name"], [[v] for v in HOSTILE], demo=False)
    finally:
        os.umask(old)
    assert written == tmp_path / "out.csv"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    with written.open(newline="", encoding="utf-8") as handle:
        cells = [row[0] for row in csv.reader(handle)][1:]
    assert cells == ["'" + v for v in HOSTILE]


def test_demo_file_says_demo_in_its_name_and_first_line(tmp_path: Path) -> None:
    written = write_csv_file(tmp_path / "roster.csv", ["a"], [["b"]], demo=True)
    assert written is not None and written.name == "DEMO-roster.csv"
    assert written.read_text(encoding="utf-8").splitlines()[0] == DEMO_FIRST_LINE
    assert marked_path(tmp_path / "DEMO-x.csv", demo=True).name == "DEMO-x.csv"
    text = write_text_file(tmp_path / "a.txt", "hello", demo=True)
    assert text.read_text(encoding="utf-8").startswith(DEMO_FIRST_LINE)


def test_a_missing_folder_is_refused_not_created(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_csv_file(tmp_path / "no" / "such.csv", ["a"], [], demo=False)
    assert not (tmp_path / "no").exists()


def test_xlsx_never_holds_a_formula(tmp_path: Path) -> None:
    import zipfile

    path = write_xlsx_file(
        tmp_path / "r.xlsx",
        [Table("People", ("name", "n"), tuple((v, 3) for v in HOSTILE))],
        demo=False,
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
