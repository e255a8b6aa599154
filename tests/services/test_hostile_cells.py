"""Formula injection (issue 9 item 1): hostile names and references go in through the feed
and come out of the rejects file and the intelligence export as text, never as formulas."""

from __future__ import annotations

import csv
import os
import stat
from datetime import date
from pathlib import Path

import click
from click.testing import CliRunner

from divert_tui.commands.intake import import_, intel_export
from divert_tui.core.outfiles import FORMULA_STARTS
from divert_tui.core.services.referrals import close_non_compliant, log_contact_attempt
from divert_tui.core.vocab import Role
from tests.services.referral_helpers import row, staff, write_feed

HOSTILE_NAMES = (
    '=HYPERLINK("http://evil.example","click")',
    "-SUM(A:A)",
    "@SUM(A:A)",
    "+cmd|' /C calc'!A",
    "\t=cmd",
)


@click.group()
@click.option("--db", "db_url")
def cli(db_url: str | None) -> None:
    """A stand-in for the main group, which owns --db."""


cli.add_command(import_)
cli.add_command(intel_export)


def run(db_url: str, *args: str):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def live_cells(path: Path) -> list[str]:
    """Every cell a spreadsheet would read as a formula."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            cell for line in csv.reader(handle) for cell in line if cell.startswith(FORMULA_STARTS)
        ]


def hostile_rows() -> list[dict[str, str]]:
    return [
        row(
            police_reference=f"=1+{number}" if number % 2 else f"WM/{number}",
            first_name=name,
            last_name="-Bloggs",
            date_of_birth=f"1999-02-{number:02d}",
        )
        for number, name in enumerate(HOSTILE_NAMES, start=1)
    ]


def test_rejected_hostile_rows_come_out_disarmed_and_private(db, db_url, tmp_path):
    bad = [{**values, "phone": "not a phone"} for values in hostile_rows()]
    feed = write_feed(tmp_path / "hostile.csv", [row(), *bad])
    rejects = tmp_path / "rejects.csv"
    old_umask = os.umask(0o022)
    try:
        result = run(db_url, "import", "--skip-invalid", "--rejects", str(rejects), str(feed))
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert "rejected: 5" in result.output
    assert live_cells(rejects) == []
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    with rejects.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert written[0]["first_name"] == "'" + HOSTILE_NAMES[0]
    assert written[0]["police_reference"] == "'=1+1"
    # The disarmed file is still the feed: fixed and imported again, the names are the
    # people's own (the apostrophe is the spreadsheet's, not part of the name).
    for values in written:
        values["phone"] = "07700 900123"
    write_feed(
        tmp_path / "fixed.csv", [{k: v for k, v in w.items() if k != "reason"} for w in written]
    )
    again = run(db_url, "import", str(tmp_path / "fixed.csv"))
    assert again.exit_code == 0, again.output
    assert "imported: 5" in again.output


def test_intel_export_of_hostile_people_has_no_live_formula(db, admin, schemes, db_url, tmp_path):
    feed = write_feed(tmp_path / "hostile.csv", hostile_rows())
    assert run(db_url, "import", str(feed)).exit_code == 0
    worker = staff(db, admin, "worker1", Role.WORKER)
    for referral_id in range(1, len(HOSTILE_NAMES) + 1):
        log_contact_attempt(db, worker, referral_id, "declined", schemes)
        close_non_compliant(db, worker, referral_id, schemes, today=date(2026, 3, 3))
    out = tmp_path / "intel.csv"
    old_umask = os.umask(0o022)
    try:
        result = run(db_url, "intel-export", "--force", "west_midlands", "--output", str(out))
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert "5 intelligence log(s) exported" in result.output
    assert live_cells(out) == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    names = {values["first_name"] for values in exported}
    # The tab a feed cell began with is trimmed on the way in; the "=" behind it is disarmed.
    assert "'=cmd" in names and "'-SUM(A:A)" in names and "'@SUM(A:A)" in names
    assert {values["last_name"] for values in exported} == {"'-Bloggs"}


def test_intel_export_to_standard_output_is_disarmed_too(db, admin, schemes, db_url, tmp_path):
    feed = write_feed(tmp_path / "hostile.csv", hostile_rows()[:1])
    assert run(db_url, "import", str(feed)).exit_code == 0
    worker = staff(db, admin, "worker1", Role.WORKER)
    log_contact_attempt(db, worker, 1, "declined", schemes)
    close_non_compliant(db, worker, 1, schemes, today=date(2026, 3, 3))
    result = run(db_url, "intel-export", "--force", "west_midlands")
    assert result.exit_code == 0
    cells = [cell for line in csv.reader(result.stdout.splitlines()) for cell in line]
    assert "'=1+1" in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def test_skip_invalid_with_every_row_rejected_exits_1(db, db_url, tmp_path):
    feed = write_feed(tmp_path / "all-bad.csv", [row(phone="x"), row(police_reference="")])
    result = run(db_url, "import", "--skip-invalid", str(feed))
    assert result.exit_code == 1
    assert "every row was rejected, so nothing was imported" in result.output
    assert "rejected: 2" in result.output


def test_skip_invalid_with_rejects_and_the_rest_already_present_exits_1(db, db_url, tmp_path):
    good = row()
    assert run(db_url, "import", str(write_feed(tmp_path / "a.csv", [good]))).exit_code == 0
    feed = write_feed(tmp_path / "b.csv", [good, row(police_reference="WM/9", phone="x")])
    result = run(db_url, "import", "--skip-invalid", str(feed))
    assert result.exit_code == 1
    assert "1 row(s) were rejected and the rest were already present" in result.output
