"""Issue 13 item 8: no personal data in the log files.

A feed import (with a rejected row), a whole call on screen and an intelligence export run
with logging set up as the app and the command line set it up, into a log folder of the
test's own; then every log file is searched for the names, phone numbers, postcodes and
dates of birth of every person involved.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from divert_tui.cli import main
from divert_tui.config import load_settings
from divert_tui.core.database import Database
from divert_tui.core.models import IntelligenceLog, Person, Referral
from divert_tui.logs import setup_logging
from tests.ui import assessment_driver as d
from tests.ui.conftest import log_in
from tests.ui.test_assessment_call import common_end, common_middle

HEADER = (
    "police_reference,force,referred_at,offence_date,first_name,last_name,date_of_birth,sex,"
    "self_defined_ethnicity,officer_observed_ethnicity,phone,postcode,substances,officer,"
    "location,notes"
)
ROWS = [
    "WM/LOG/0001,west_midlands,2026-11-20T10:00,20/11/2026,Jolene,Quartermaine,03/04/1996,F,"
    "W1,IC1,07700 900311,B15 2TT,cannabis,PC 1,Broad Street,said her name was Jolene",
    "WM/LOG/0002,west_midlands,2026-11-20T11:00,20/11/2026,Amrit,Vandersloot,1991-08-17,M,"
    "A2,IC4,07700 900312,B1 1AA,cannabis,PC 2,Digbeth,",
    "WM/LOG/0003,gotham,2026-11-20T12:00,20/11/2026,Rejected,Farnsworth,1988-02-29,M,"
    "W1,IC1,07700 900313,CV1 5FB,cannabis,PC 3,Nowhere,",
]


def forbidden_words(db: Database, feed: Path) -> set[str]:
    """Every name, phone, postcode and date of birth, as stored and as the feed wrote it."""
    words: set[str] = set()
    with db.read() as session:
        for person in session.exec(select(Person)).all():
            born = person.date_of_birth
            words |= {person.first_name, person.last_name, born.isoformat()}
            words |= {f"{born:%d/%m/%Y}", person.phone or "", person.postcode or ""}
    for line in feed.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split(",")
        words |= {cells[4], cells[5], cells[6], cells[10], cells[11]}
        words |= {cells[10].replace(" ", ""), cells[11].replace(" ", "")}
    return {word for word in words if len(word) >= 2}


def leaks(log_dir: Path, words: set[str]) -> list[str]:
    """Each forbidden word found in a log file, as "file: word"."""
    found = []
    for path in sorted(p for p in log_dir.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        for word in sorted(words):
            if re.search(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", text, re.I):
                found.append(f"{path.name}: {word}")
    return found


def _log_here(tmp_path: Path) -> Path:
    """Point the configured log folder at the test's own (the config names it)."""
    log_dir = tmp_path / "logs"
    config = Path(os.environ["DIVERT_CONFIG"])
    config.write_text(f'log_dir = "{log_dir}"\n', encoding="utf-8")
    return log_dir


def _stop_logging() -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_divert", False):
            root.removeHandler(handler)
            handler.close()


def test_the_scan_finds_a_name_that_was_logged(tmp_path: Path) -> None:
    log_dir = _log_here(tmp_path)
    path = setup_logging(load_settings(None).log_dir)
    try:
        assert path is not None and path.parent == log_dir
        logging.getLogger("divert.test").warning("could not reach Jolene on 07700 900311")
    finally:
        _stop_logging()
    assert leaks(log_dir, {"Jolene", "07700 900311", "Vandersloot"}) == [
        "divert.log: 07700 900311",
        "divert.log: Jolene",
    ]


async def test_a_whole_run_logs_no_personal_data(db, db_url, make_app, worker, tmp_path):
    log_dir = _log_here(tmp_path)
    feed = tmp_path / "feed.csv"
    feed.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    runner = CliRunner()
    try:
        imported = runner.invoke(
            main,
            [
                "import",
                str(feed),
                "--skip-invalid",
                "--rejects",
                str(tmp_path / "r.csv"),
                "--db",
                db_url,
            ],
        )
        assert imported.exit_code == 0, imported.output
        with db.read() as session:
            ids = dict(session.exec(select(Referral.police_reference, Referral.id)).all())
        # the app sets logging up as `divert` does before it opens
        setup_logging(load_settings(db_url).log_dir)
        app = make_app()
        async with app.run_test(size=(150, 50)) as pilot:
            await log_in(pilot)
            app.open_referral(ids["WM/LOG/0001"])
            await d.settle(pilot)
            await pilot.press("c")
            await d.settle(pilot)
            await pilot.press("l", "1", *"rang Jolene", "enter")
            await d.settle(pilot)
            await pilot.press("t", *"Jolene Quartermaine asked for evenings", "enter")
            await d.settle(pilot)
            await pilot.press("a")
            await d.settle(pilot)
            assert d.step_of(app) == "identity"
            await d.press(pilot, d.IDENTITY)
            await d.press(pilot, d.substance_use("12", 1))
            await d.press(pilot, d.SDS_ZERO)
            await d.press(pilot, d.AUDIT_C_LOW)
            await common_middle(pilot)
            await d.press(pilot, d.DA_NONE)
            await common_end(pilot)
            await d.press(pilot, ["ctrl+y"])
            # an unexpected failure whose message holds personal data: the log gets its type
            app.report_error(ValueError("no reply from Jolene Quartermaine on 07700 900311"))
            await pilot.pause()
        with db.write() as session:
            assert session.get(Referral, ids["WM/LOG/0001"]).status == "allocated"
            second = session.get(Referral, ids["WM/LOG/0002"])
            session.add(
                IntelligenceLog(
                    person_id=second.person_id,
                    referral_id=second.id,
                    force_code="west_midlands",
                    reason="non_compliance",
                    bar_until=date(2027, 5, 20),
                )
            )
        exported = runner.invoke(
            main,
            [
                "intel-export",
                "--force",
                "west_midlands",
                "--output",
                str(tmp_path / "i.csv"),
                "--db",
                db_url,
            ],
        )
        assert exported.exit_code == 0, exported.output
        assert "Vandersloot" in (tmp_path / "i.csv").read_text(encoding="utf-8")
    finally:
        _stop_logging()
    logged = "".join(p.read_text(encoding="utf-8") for p in log_dir.glob("divert.log*"))
    # the run did log, so a leak would have had somewhere to show
    assert "builtins.ValueError" in logged
    for action in (
        "feed.import",
        "referral.view",
        "referral.note",
        "assessment.allocate",
        "intel.export",
    ):
        assert action in logged, action
    words = forbidden_words(db, feed)
    assert {"Jolene", "Quartermaine", "Vandersloot", "Farnsworth", "07700 900311"} <= words
    assert leaks(log_dir, words) == []
