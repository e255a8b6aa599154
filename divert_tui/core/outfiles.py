"""The one writer of every file the app hands to people: exports, reports, rosters, rejects.

The police and the commissioners open these files in spreadsheets, and they hold personal
data. So every file is created owner-only (0600, whatever the umask), every cell that a
spreadsheet would read as a formula is neutralised, and a file from a demo database says
DEMO in its name and its first line. Auditing is the caller's: a service records the
export in the transaction that read the rows (see ``core/services/exports.py``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

#: A cell beginning with one of these is a formula (or becomes one) in Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DEMO_PREFIX = "DEMO-"
DEMO_FIRST_LINE = "DEMO: synthetic people from a demo database, not real data"
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet shows as written: a leading apostrophe disarms formulas.

    ``None`` is an empty cell. Numbers are written as they are (a negative number is data,
    not a formula, and stays a number).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def marked_path(path: Path, *, demo: bool) -> Path:
    """The file name as written: ``DEMO-`` in front of it when the data is a demo's."""
    if demo and not path.name.upper().startswith("DEMO"):
        return path.with_name(DEMO_PREFIX + path.name)
    return path


def ensure_private_dir(path: Path) -> Path:
    """Create a folder (and parents) owner-only; an existing folder of ours is tightened."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    with suppress(OSError):
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


@contextmanager
def open_private(path: Path, *, binary: bool = False) -> Iterator[TextIO]:
    """Open ``path`` for writing, created (or truncated) with mode 0600 whatever the umask.

    The folder must exist: a typo in a path is refused, never turned into new folders.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    with suppress(OSError, AttributeError):
        os.fchmod(fd, PRIVATE_FILE_MODE)
    handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
    with handle:
        yield handle  # type: ignore[misc]


def write_csv_rows(
    out: TextIO,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    demo: bool,
) -> int:
    """One CSV table (RFC 4180): the DEMO line first when ``demo``, the header, then neutralised rows."""
    if demo:
        out.write(DEMO_FIRST_LINE + "\r\n")
    # RFC 4180 line ends: a carriage return inside a cell is then quoted, not a row break.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count


@dataclass(frozen=True)
class Table:
    """A named table of a report or export: a CSV file, or one sheet of a workbook."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def csv_text(table: Table, *, demo: bool) -> str:
    buffer = io.StringIO()
    write_csv_rows(buffer, table.header, table.rows, demo=demo)
    return buffer.getvalue()


def write_csv_file(
    path: Path | None,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    demo: bool,
    stdout: TextIO | None = None,
) -> Path | None:
    """Write one CSV table to ``path`` (owner-only, DEMO-named) or to standard output.

    Returns the path written, or None for standard output.
    """
    if path is None:
        out = stdout or sys.stdout
        write_csv_rows(out, header, rows, demo=demo)
        out.flush()
        return None
    target = marked_path(path, demo=demo)
    with open_private(target) as handle:
        write_csv_rows(handle, header, rows, demo=demo)
    return target


def write_text_file(path: Path, text: str, *, demo: bool) -> Path:
    """A plain-text file (a printed assessment, a letter): owner-only, DEMO-marked."""
    target = marked_path(path, demo=demo)
    with open_private(target) as handle:
        if demo:
            handle.write(DEMO_FIRST_LINE + "\n\n")
        handle.write(text)
    return target


def write_xlsx_file(path: Path, tables: Sequence[Table], *, demo: bool) -> Path:
    """A workbook with one sheet per table; every value is written as a string or a number,
    never as a formula (xlsxwriter would otherwise turn ``=...`` into one)."""
    import xlsxwriter

    target = marked_path(path, demo=demo)
    # xlsxwriter opens the file by name: create it owner-only first, then let it fill it.
    with open_private(target, binary=True):
        pass
    workbook = xlsxwriter.Workbook(
        str(target), {"strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        bold = workbook.add_format({"bold": True})
        used: set[str] = set()
        for table in tables:
            name = _sheet_name(table.name, used)
            sheet = workbook.add_worksheet(name)
            row_index = 0
            if demo:
                sheet.write_string(row_index, 0, DEMO_FIRST_LINE, bold)
                row_index += 1
            for column, heading in enumerate(table.header):
                sheet.write_string(row_index, column, neutralise(heading), bold)
            row_index += 1
            for row in table.rows:
                for column, cell in enumerate(row):
                    if isinstance(cell, int | float) and not isinstance(cell, bool):
                        sheet.write_number(row_index, column, cell)
                    else:
                        sheet.write_string(row_index, column, neutralise(cell))
                row_index += 1
    finally:
        workbook.close()
    os.chmod(target, PRIVATE_FILE_MODE)
    return target


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, unique."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
    candidate, number = cleaned, 2
    while candidate.lower() in used:
        suffix = f" {number}"
        candidate = cleaned[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


def json_text(data: Mapping[str, object], *, demo: bool) -> str:
    """JSON for people and programs; from a demo database its first line says DEMO."""
    if not demo:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    marked = {
        "DEMO": DEMO_FIRST_LINE.removeprefix("DEMO: "),
        **{k: v for k, v in data.items() if k != "DEMO"},
    }
    text = json.dumps(marked, indent=2, ensure_ascii=False)
    # '{"DEMO": ...,' on the first line: still JSON, and marked where a person looks first.
    return "{" + text[1:].lstrip() + "\n"


def write_json_file(path: Path, data: Mapping[str, object], *, demo: bool) -> Path:
    """One JSON object: owner-only, DEMO-marked in name and first line."""
    target = marked_path(path, demo=demo)
    with open_private(target) as handle:
        handle.write(json_text(data, demo=demo))
    return target


def table_file_name(table: Table, *, demo: bool) -> str:
    """``Summary`` -> ``summary.csv`` (``DEMO-summary.csv`` for a demo)."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in table.name.lower()).strip("-")
    slug = "-".join(part for part in slug.split("-") if part) or "table"
    return (DEMO_PREFIX if demo else "") + slug + ".csv"


def write_csv_tables(path: Path, tables: Sequence[Table], *, demo: bool) -> Path:
    """One CSV file per table: in a zip when ``path`` ends in .zip, else in a folder.

    The folder (or zip) and each file in it are DEMO-marked for demo data; the folder is
    owner-only (0700) and every file 0600.
    """
    target = marked_path(path, demo=demo)
    if target.suffix.lower() == ".zip":
        with open_private(target, binary=True) as raw, zipfile.ZipFile(raw, "w") as archive:  # type: ignore[arg-type]
            for table in tables:
                info = zipfile.ZipInfo(table_file_name(table, demo=demo))
                info.external_attr = (0o100000 | PRIVATE_FILE_MODE) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, csv_text(table, demo=demo))
        return target
    if not target.parent.is_dir():
        raise FileNotFoundError(f"the folder {target.parent} does not exist")
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} is a file; give a folder (or a name ending in .zip)")
    ensure_private_dir(target)
    for table in tables:
        with open_private(target / table_file_name(table, demo=demo)) as handle:
            write_csv_rows(handle, table.header, table.rows, demo=demo)
    return target
