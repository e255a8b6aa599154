"""Intelligence logs to police (sent once) and the import / intel-export commands."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from divert_tui.commands.intake import import_, intel_export
from divert_tui.core.database import Database
from divert_tui.core.models import IntelligenceLog, Referral
from divert_tui.core.services.base import PermissionDenied
from divert_tui.core.services.intake import import_feed
from divert_tui.core.services.intel import COLUMNS, export_intel
from divert_tui.core.services.referrals import close_non_compliant, log_contact_attempt
from divert_tui.core.vocab import Role
from tests.services.referral_helpers import TODAY, row, staff, write_feed

DATA = Path(__file__).parents[1] / "feed" / "data"


def closed_one(db, admin, schemes, tmp_path) -> None:
    import_feed(db, admin, write_feed(tmp_path / "a.csv", [row()]), schemes, today=TODAY)
    worker = staff(db, admin, "worker1", Role.WORKER)
    log_contact_attempt(db, worker, 1, "declined", schemes)
    close_non_compliant(db, worker, 1, schemes, today=date(2026, 3, 3))


def test_export_sends_each_log_once(db, admin, schemes, tmp_path):
    closed_one(db, admin, schemes, tmp_path)
    lead = staff(db, admin, "lead1", Role.TEAM_LEAD)
    first = export_intel(db, lead, "west_midlands")
    assert first.count == 1
    (only,) = first.rows
    assert only == {
        "police_reference": "WM/2026/0001",
        "force": "west_midlands",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "date_of_birth": "1999-02-01",
        "sex": "female",
        "log_id": "1",
        "log_date": "2026-03-03",
        "reason": "non-compliance",
        "bar_until": "2027-03-03",
    }
    assert "phone" not in only and "postcode" not in only
    out = io.StringIO()
    first.write_csv(out)
    assert out.getvalue().splitlines()[0] == ",".join(COLUMNS)
    assert export_intel(db, lead, "west_midlands").count == 0
    with db.read() as session:
        assert session.exec(select(IntelligenceLog.sent_to_police_at)).one() is not None


def test_export_is_for_team_leads_of_the_force(db, admin, schemes):
    worker = staff(db, admin, "worker1", Role.WORKER)
    with pytest.raises(PermissionDenied):
        export_intel(db, worker, "west_midlands")
    lead = staff(db, admin, "lead9", Role.TEAM_LEAD, forces=("staffordshire",))
    with pytest.raises(PermissionDenied):
        export_intel(db, lead, "west_midlands")


def test_failed_delivery_marks_nothing_sent(db, admin, schemes, tmp_path):
    closed_one(db, admin, schemes, tmp_path)

    def broken(_export) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        export_intel(db, admin, "west_midlands", deliver=broken)
    assert export_intel(db, admin, "west_midlands").count == 1


def test_since_filters_by_log_date(db, admin, schemes, tmp_path):
    closed_one(db, admin, schemes, tmp_path)
    assert export_intel(db, admin, "west_midlands", since=date(2026, 3, 4)).count == 0
    assert export_intel(db, admin, "west_midlands", since=date(2026, 3, 3)).count == 1


# --- the commands -----------------------------------------------------------------------


@click.group()
@click.option("--db", "db_url")
def cli(db_url: str | None) -> None:
    """A stand-in for the main group, which owns --db."""


cli.add_command(import_)
cli.add_command(intel_export)


def run(db_url: str, *args: str):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def referrals(db_url: str) -> int:
    db = Database(db_url)
    try:
        with db.read() as session:
            return session.exec(select(func.count()).select_from(Referral)).one()
    finally:
        db.dispose()


def test_cli_import_twice(db, db_url):
    first = run(db_url, "import", str(DATA / "good.csv"))
    assert first.exit_code == 0, first.output
    assert "rows read: 5" in first.output and "imported: 5" in first.output
    second = run(db_url, "import", str(DATA / "good.json"))
    assert second.exit_code == 0 and "imported: 2" in second.output
    again = run(db_url, "import", str(DATA / "good.csv"))
    assert "imported: 0" in again.output and "already present: 5" in again.output
    assert referrals(db_url) == 7


def test_cli_bad_rows_exit_1_and_import_nothing(db, db_url):
    result = run(db_url, "import", str(DATA / "bad_rows.csv"))
    assert result.exit_code == 1
    assert "row 2: police_reference: missing" in result.output
    assert "row 13: police_reference: same reference as row 1" in result.output
    assert "nothing was imported" in result.output
    assert referrals(db_url) == 0


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.csv", "empty"),
        ("latin1.csv", "not UTF-8"),
        ("object.json", "one object"),
        ("no_header.csv", "no header line"),
        ("extra_column.csv", "shoe_size"),
    ],
)
def test_cli_bad_files_exit_1(db, db_url, name, words):
    result = run(db_url, "import", str(DATA / name))
    assert result.exit_code == 1 and words in result.output
    assert "Traceback" not in result.output
    assert referrals(db_url) == 0


def test_cli_skip_invalid_writes_rejects_that_reimport(db, db_url, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = run(
        db_url, "import", "--skip-invalid", "--rejects", str(rejects), str(DATA / "bad_rows.csv")
    )
    assert result.exit_code == 0, result.output
    assert "imported: 1" in result.output and "rejected: 13" in result.output
    with rejects.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 13
    assert rows[0]["reason"] == "row 2: police_reference: missing"
    assert rows[0]["first_name"] == "No"
    again = run(db_url, "import", str(rejects))
    assert again.exit_code == 1 and "row 1: police_reference: missing" in again.output


def test_cli_usage_errors_exit_2(db, db_url, tmp_path):
    result = run(db_url, "import", "--rejects", str(tmp_path / "r.csv"), str(DATA / "good.csv"))
    assert result.exit_code == 2
    assert run(db_url, "import").exit_code == 2
    assert run(db_url, "intel-export").exit_code == 2
    assert run(db_url, "intel-export", "--force", "gotham").exit_code == 2


def test_cli_missing_file_exit_1(db, db_url, tmp_path):
    result = run(db_url, "import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1 and "no such file" in result.output


def test_cli_intel_export(db, admin, schemes, db_url, tmp_path):
    closed_one(db, admin, schemes, tmp_path)
    out = tmp_path / "intel.csv"
    first = run(db_url, "intel-export", "--force", "west_midlands", "--output", str(out))
    assert first.exit_code == 0, first.output
    assert "1 intelligence log(s) exported" in first.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS) and lines[1].startswith("WM/2026/0001,west_midlands,Jo,")
    second = run(db_url, "intel-export", "--force", "west_midlands", "--since", "01/03/2026")
    assert second.exit_code == 0
    assert second.stdout.splitlines() == [",".join(COLUMNS)]
    assert "0 intelligence log(s) exported" in second.stderr
