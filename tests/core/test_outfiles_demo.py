"""From a demo database every kind of file the app writes (csv, json, txt, xlsx) says DEMO in
its name and on its first line (the first cell of every sheet), and a live one never does."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from divert_tui.core.outfiles import (
    DEMO_FIRST_LINE,
    Table,
    write_csv_file,
    write_json_file,
    write_text_file,
    write_xlsx_file,
)

TABLE = Table("People", ("name", "n"), (("Pat Example", 3),))


def first_lines(path: Path) -> list[str]:
    """The first line of a text file, or the first cell of each sheet of a workbook."""
    if path.suffix != ".xlsx":
        return [path.read_text(encoding="utf-8").splitlines()[0]]
    with zipfile.ZipFile(path) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        firsts = []
        for name in sheets:
            sheet = book.read(name).decode()
            cell = re.search(r'<c r="A1"[^>]*><v>(\d+)</v>', sheet)
            assert cell, f"{name} has no A1 cell"
            firsts.append(re.findall(r"<t[^>]*>([^<]*)</t>", strings)[int(cell.group(1))])
    return firsts


def write_each_kind(folder: Path, *, demo: bool) -> list[Path]:
    folder.mkdir()
    written = [
        write_csv_file(folder / "roster.csv", TABLE.header, TABLE.rows, demo=demo),
        write_json_file(folder / "person.json", {"name": "Pat Example"}, demo=demo),
        write_text_file(folder / "letter.txt", "Dear Pat\n", demo=demo),
        write_xlsx_file(folder / "report.xlsx", [TABLE, Table("More", ("a",), ())], demo=demo),
    ]
    assert all(path is not None for path in written)
    return [path for path in written if path is not None]


@pytest.mark.parametrize("demo", [True, False])
def test_every_file_kind_is_marked_demo_from_a_demo_only(tmp_path: Path, demo: bool) -> None:
    for path in write_each_kind(tmp_path / "out", demo=demo):
        assert path.name.startswith("DEMO-") is demo, path.name
        for line in first_lines(path):
            assert ("DEMO" in line) is demo, (path.name, line)
            if demo and path.suffix != ".json":
                assert line == DEMO_FIRST_LINE
