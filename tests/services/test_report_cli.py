"""``divert report`` and ``divert evaluation-extract`` as a person at a terminal runs them."""

from __future__ import annotations

import csv
import json
import stat
import zipfile
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from divert_tui.cli import main
from divert_tui.commands.reports import choose_period
from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent
from divert_tui.core.rules.metrics import Period
from divert_tui.core.services.settings import mark_demo
from tests.services.report_cohort import build_cohort

YEAR = ("--from", "2026-01-01", "--to", "2026-12-31")


def run(db_url: str, *args: str):
    return CliRunner().invoke(main, [*args, "--db", db_url], catch_exceptions=False)


def actions(db_url: str) -> list[tuple[str, str]]:
    db = Database(db_url)
    try:
        with db.read() as session:
            query = select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
            return [tuple(row) for row in session.exec(query).all()]  # type: ignore[misc]
    finally:
        db.dispose()


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def test_json_has_the_shape_the_commissioners_read(db, db_url):
    build_cohort(db)
    result = run(db_url, "report", *YEAR, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["from"], document["to"]) == ("2026-01-01", "2026-12-31")
    forces = document["forces"]
    assert [f["force"] for f in forces][-1] == "all"
    wm, mercia, everyone = (
        next(f for f in forces if f["force"] == code)
        for code in ("west_midlands", "west_mercia", "all")
    )
    # West Mercia's one referral is <5, so West Midlands' 7 is withheld too: 8 - 7 = 1.
    assert (mercia["referrals"], wm["referrals"], everyone["referrals"]) == ("<5", "[c]", 8)
    assert wm["by_substance"]["cannabis"] == "<5"
    for key in ("contacted", "assessed", "completed", "non_compliant", "barred"):
        assert key in wm
    assert "repeat_referrals" in wm and "hours_saved" in wm
    assert "hours_saved" in document["definitions"]
    assert actions(db_url)[-1][0] == "report.export"
    assert "output=json" in actions(db_url)[-1][1]


def test_one_force_has_no_all_entry(db, db_url):
    build_cohort(db)
    result = run(db_url, "report", *YEAR, "--force", "west_midlands", "--format", "json")
    assert [f["force"] for f in json.loads(result.stdout)["forces"]] == ["west_midlands"]


def test_an_unknown_force_is_bad_input(db, db_url):
    result = run(db_url, "report", "--force", "gotham", "--format", "json")
    assert result.exit_code == 1
    assert "unknown force 'gotham'" in result.output


def test_dates_the_wrong_way_round_are_a_usage_error(db, db_url):
    result = run(db_url, "report", "--from", "2026-12-01", "--to", "2026-01-01")
    assert result.exit_code == 2
    assert "before --from" in result.output


def test_csv_needs_an_output(db, db_url):
    assert run(db_url, "report", "--format", "csv").exit_code == 2


def test_csv_writes_one_private_file_per_table(db, db_url, tmp_path):
    build_cohort(db)
    folder = tmp_path / "return"
    result = run(db_url, "report", *YEAR, "--format", "csv", "--output", str(folder))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert "summary.csv" in names and "definitions.csv" in names
    assert "disproportionality-self.csv" in names
    assert all(private(p) for p in folder.iterdir())
    with (folder / "summary.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "Figure" and rows[0][-1] == "All forces"
    assert rows[1][0] == "Referrals"


def test_csv_in_a_zip_and_marked_demo_on_a_demo_database(db, db_url, tmp_path):
    build_cohort(db)
    mark_demo(db)
    target = tmp_path / "return.zip"
    result = run(db_url, "report", *YEAR, "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    written = tmp_path / "DEMO-return.zip"
    assert written.exists() and not target.exists() and private(written)
    with zipfile.ZipFile(written) as archive:
        names = archive.namelist()
        assert "DEMO-summary.csv" in names
        assert archive.read("DEMO-summary.csv").decode().startswith("DEMO")


def test_xlsx_has_a_sheet_per_table_and_the_definitions_apart(db, db_url, tmp_path):
    build_cohort(db)
    target = tmp_path / "return.xlsx"
    result = run(db_url, "report", *YEAR, "--format", "xlsx", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert private(target)
    with zipfile.ZipFile(target) as book:
        workbook = book.read("xl/workbook.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    for sheet in ("Summary", "Substance", "Definitions", "Disproportionality self"):
        assert f'name="{sheet}"' in workbook
    assert "&lt;5" in strings  # suppressed counts are the string "<5", never a formula


def test_json_on_a_demo_database_says_so_first(db, db_url, tmp_path):
    build_cohort(db)
    mark_demo(db)
    target = tmp_path / "return.json"
    assert run(db_url, "report", *YEAR, "--format", "json", "-o", str(target)).exit_code == 0
    written = tmp_path / "DEMO-return.json"
    first_line = written.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith('{"DEMO"')
    assert json.loads(written.read_text(encoding="utf-8"))["forces"]
    assert private(written)


def test_table_prints_every_table(db, db_url):
    build_cohort(db)
    result = run(db_url, "report", *YEAR)
    assert result.exit_code == 0, result.output
    for title in ("Summary", "Substance", "Disproportionality self", "Definitions"):
        assert title in result.stdout


def test_the_evaluation_extract_is_pseudonymised_private_and_audited(db, db_url, tmp_path):
    build_cohort(db)
    target = tmp_path / "linkage.csv"
    result = run(db_url, "evaluation-extract", *YEAR, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert private(target)
    text = target.read_text(encoding="utf-8")
    assert "FirstA" not in text and "07700" not in text and "B1 1AA" not in text
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == 8  # seven West Midlands referrals and one West Mercia
    assert {"first_initial", "date_of_birth", "officer_observed_ethnicity"} <= set(rows[0])
    assert (tmp_path / "linkage-dictionary.csv").exists()
    action, detail = actions(db_url)[-1]
    assert action == "evaluation.export" and "rows=8" in detail


def test_the_evaluation_extract_needs_its_dates(db, db_url, tmp_path):
    result = run(db_url, "evaluation-extract", "--output", str(tmp_path / "x.csv"))
    assert result.exit_code == 2


def test_one_end_of_the_period_gives_twelve_months():
    from datetime import date

    today = date(2026, 12, 2)
    assert choose_period(date(2026, 1, 1), None, today) == Period(
        date(2026, 1, 1), date(2026, 12, 31)
    )
    assert choose_period(None, date(2026, 6, 30), today) == Period(
        date(2025, 7, 1), date(2026, 6, 30)
    )


def test_table_to_a_file_is_private_plain_text(db, db_url, tmp_path):
    build_cohort(db)
    target = tmp_path / "return.txt"
    result = run(db_url, "report", *YEAR, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert private(target)
    text = target.read_text(encoding="utf-8")
    assert "Summary" in text and "Police hours saved" in text and "\x1b[" not in text
