"""The courses command line as the issue writes it: sessions, roster, reminders, outcomes."""

from __future__ import annotations

import csv
import json
import stat
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from divert_tui.cli import main as cli
from divert_tui.core import outfiles
from divert_tui.core.services import booking
from divert_tui.core.services.settings import mark_demo
from divert_tui.core.vocab import Role
from tests.conftest import make_actor
from tests.courses.helpers import allocated_referral, mark_number_unsafe

WORKER = make_actor(Role.WORKER, staff_id=None)


def run(db_url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=False)


def _add(db_url: str, *extra: str):  # type: ignore[no-untyped-def]
    return run(
        db_url, "sessions", "add", "--force", "west_midlands", "--group", "cannabis",
        "--start", "2027-03-23 18:00", "--repeat", "FREQ=WEEKLY;BYDAY=TU;COUNT=2",
        "--minutes", "150", "--capacity", "12", "--link", "https://meet.example.org/c", *extra,
    )  # fmt: skip


def test_sessions_add_shows_the_dates_in_words_and_list_json_has_the_london_offset(
    db, db_url
) -> None:
    added = _add(db_url)
    assert added.exit_code == 0, added.output
    assert "Tuesday 23 March 2027, 18:00 (GMT)" in added.output
    assert "Tuesday 30 March 2027, 18:00 (BST)" in added.output
    listed = run(db_url, "sessions", "list", "--force", "west_midlands", "--format", "json")
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert [r["starts_at"] for r in rows] == [
        "2027-03-23T18:00:00+00:00",
        "2027-03-30T18:00:00+01:00",
    ]
    assert {k: rows[1][k] for k in ("force", "group", "minutes", "capacity", "booked")} == {
        "force": "west_midlands",
        "group": "cannabis",
        "minutes": 150,
        "capacity": 12,
        "booked": 0,
    }
    assert rows[1]["places_left"] == 12 and isinstance(rows[1]["id"], int)
    narrow = run(db_url, "sessions", "list", "--from", "2027-03-24", "--format", "json")
    assert len(json.loads(narrow.stdout)) == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--start", "23/03/2027"), "YYYY-MM-DD HH:MM"),
        (("--repeat", "FREQ=WEEKLY"), "never ends"),
        (("--capacity", "0"), "capacity"),
    ],
)
def test_sessions_add_bad_input_exits_1_naming_the_field(db, db_url, args, words) -> None:
    base = {
        "--start": "2027-03-23 18:00",
        "--repeat": "FREQ=WEEKLY;COUNT=2",
        "--capacity": "12",
    }
    base.update(dict([args]))
    result = run(
        db_url, "sessions", "add", "--force", "west_midlands", "--group", "cannabis",
        "--minutes", "150", *[x for pair in base.items() for x in pair],
    )  # fmt: skip
    assert result.exit_code == 1
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_cancel_move_to_next_roster_and_reminders(db, db_url, schemes, tmp_path) -> None:
    _add(db_url)
    now = datetime(2027, 3, 1, tzinfo=UTC)
    people = [allocated_referral(db, n) for n in (1, 2)]
    for rid in people:
        booking.book(db, WORKER, rid, 1, schemes, now=now)
    mark_number_unsafe(db, people[1])
    roster = run(db_url, "roster", "1", "--format", "json")
    assert roster.exit_code == 0
    data = json.loads(roster.stdout)
    assert [p["safe_to_contact"] for p in data["people"]] == [True, False]
    assert data["people"][1]["phone"] == "not safe to contact"

    out = tmp_path / "reminders.csv"
    sent = run(db_url, "reminders", "--date", "2027-03-23", "--output", str(out))
    assert sent.exit_code == 0, sent.output
    assert "1 reminder(s)" in sent.stderr and "1 left out" in sent.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == list(
        ("session", "starts", "course", "link", "name", "phone", "police_reference", "referral")
    )
    assert len(rows) == 2 and rows[1][1] == "2027-03-23T18:00:00+00:00"

    cancelled = run(db_url, "sessions", "cancel", "1", "--move-to-next", "--reason", "ill")
    assert cancelled.exit_code == 0, cancelled.output
    assert cancelled.stdout.count("moved to session 2") == 2
    again = run(db_url, "sessions", "cancel", "1")
    assert again.exit_code == 1 and "already cancelled" in again.stderr


def test_outcome_export_marks_sent_and_a_demo_file_says_demo(db, db_url, schemes, tmp_path) -> None:
    from divert_tui.core.models import Referral

    rid = allocated_referral(db, 1)
    with db.write() as session:
        referral = session.get(Referral, rid)
        referral.status = "withdrawn"
        referral.police_reference = "=HYPERLINK(1)"
        referral.closed_at = datetime.now(UTC) - timedelta(days=1)
        session.add(referral)
    mark_demo(db)
    out = tmp_path / "outcomes.csv"
    first = run(db_url, "outcome-export", "--force", "west_midlands", "--output", str(out))
    assert first.exit_code == 0, first.output
    written = tmp_path / "DEMO-outcomes.csv"
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[0] == outfiles.DEMO_FIRST_LINE
    assert lines[1] == "police_reference,force,outcome,outcome_date"
    assert lines[2].startswith("'=HYPERLINK(1),west_midlands,withdrawn,")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    second = run(db_url, "outcome-export", "--force", "west_midlands")
    assert "0 outcome(s)" in second.stderr
    unknown = run(db_url, "outcome-export", "--force", "atlantis")
    assert unknown.exit_code == 2
