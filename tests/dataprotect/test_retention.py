"""Issue 13 item 4: retention lists who is due, anonymises them in batches that survive a
kill, keeps the figures of past reports, leaves nothing personal behind, admins only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import String, cast, func, select, update
from sqlmodel import col

from divert_tui.cli import main
from divert_tui.core.database import Database
from divert_tui.core.models import (
    AuditEvent,
    InstrumentResponse,
    IntelligenceLog,
    Note,
    Person,
    PersonChange,
    Referral,
    metadata,
)
from divert_tui.core.rules.metrics.timing import Period
from divert_tui.core.services import (
    audit_search,
    referral_view,
    reports,
    retention,
    search,
    subject_access,
)
from divert_tui.core.services.audit_search import AuditFilter
from divert_tui.core.services.base import Actor, PermissionDenied
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import fill_demo
from tests.assessment.helpers import worker
from tests.conftest import make_actor
from tests.dataprotect.test_subject_access import THIRD_PARTY, _build
from tests.demo.helpers import dicts, empty

FILLED = date(2026, 12, 2)  # the demo cohort is dated up to this day
LATER = date(2033, 6, 1)  # past six years from every closing of the cohort
OLD = datetime(2019, 5, 10, 11, tzinfo=UTC)


def _count(db: Database, model: Any) -> int:
    with db.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def _close_long_ago(db: Database, rid: int, status: str = "completed") -> None:
    with db.write() as s:
        s.execute(
            update(Referral).where(col(Referral.id) == rid).values(status=status, closed_at=OLD)
        )


@pytest.fixture
def dana(db: Database, admin: Actor) -> tuple[int, int]:
    """Dana Example with one of everything, her referral closed in May 2019 and her bar over."""
    pid, rid = _build(db, worker(db, admin, "wendy"))
    _close_long_ago(db, rid)
    with db.write() as s:
        s.execute(update(IntelligenceLog).values(bar_until=date(2020, 5, 10)))
    return pid, rid


def test_the_list_says_who_is_due_and_why(db: Database, admin: Actor, dana) -> None:
    pid, rid = dana
    assert retention.due(db, admin, {}, today=date(2026, 5, 9)).total == 0  # no scheme, no period
    from divert_tui.core.schemes import load_schemes

    schemes = load_schemes()
    before = retention.due(db, admin, schemes, today=date(2025, 5, 9))
    assert before.total == 0 and before.intel_due == 1  # the bar ended in 2020
    page = retention.due(db, admin, schemes, today=date(2025, 5, 10))
    assert page.total == 1 and page.per_scheme == {"west_midlands": 1}
    (row,) = page.rows
    assert (row.person_id, row.force, row.last_closed) == (pid, "west_midlands", date(2019, 5, 10))
    assert row.reason.startswith(
        f"due since 10 May 2025: last referral closed 10 May 2019 (referral {rid})"
    )
    with db.read() as s:
        action, detail = s.execute(
            select(AuditEvent.action, AuditEvent.detail).order_by(col(AuditEvent.id).desc())
        ).first()
    assert action == "retention.list" and f"shown={pid}" in detail


def test_an_open_referral_or_a_running_bar_keeps_the_person(
    db: Database, admin: Actor, dana, schemes
) -> None:
    pid, rid = dana
    with db.write() as s:
        s.execute(update(IntelligenceLog).values(bar_until=date(2040, 1, 1)))
    assert retention.due(db, admin, schemes, today=LATER).total == 0
    with db.write() as s:
        s.execute(update(IntelligenceLog).values(bar_until=date(2020, 1, 1)))
        s.execute(update(Referral).values(status="booked", closed_at=None))
    assert retention.due(db, admin, schemes, today=LATER).total == 0
    assert retention.apply(db, admin, schemes, today=LATER).people == 0
    with db.read() as s:
        assert s.get(Person, pid).first_name == "Dana"


def test_the_database_counts_each_schemes_years_in_uk_days(
    db: Database, admin: Actor, dana, schemes
) -> None:
    """The SQL side of the rule: the scheme's own years, to the day, the day in London."""
    pid, rid = dana
    two_years = {**schemes, "west_midlands": replace(schemes["west_midlands"], retention_years=2)}
    summer_night = datetime(2019, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London
    with db.write() as s:
        s.execute(update(Referral).values(closed_at=summer_night))
    for today, expected in ((date(2021, 6, 30), 0), (date(2021, 7, 1), 1)):
        assert retention.due(db, admin, two_years, today=today).total == expected, today
        assert retention.due(db, admin, schemes, today=today).total == 0  # six years there
    (row,) = retention.due(db, admin, two_years, today=date(2021, 7, 1)).rows
    assert row.reason.startswith("due since 1 Jul 2021: last referral closed 1 Jul 2019")


def _every_text(db: Database) -> str:
    """Every value of every column of every table, as text, in one string."""
    parts: list[str] = []
    with db.read() as s:
        for table in metadata.sorted_tables:
            columns = [cast(c, String) for c in table.columns]
            for row in s.execute(select(*columns)):
                parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)


PERSONAL = [
    "Dana", "Example", "dana", "07700900123", "07700900000", "B1 1AA", "1999-04-01",
    "WM/SAR/0001", "PC Patel", "New Street", "no engagement after 3 calls", "low mood",
    *THIRD_PARTY.values(),
]  # fmt: skip


def test_nothing_personal_is_left_and_the_figures_stay(
    db: Database, admin: Actor, dana, schemes, tmp_path: Path
) -> None:
    pid, rid = dana
    # What staff did with her record is in the audit trail too, which must hold no name.
    wendy = Actor(1, "wendy", Role.WORKER, frozenset({"west_midlands"}), "wendy")
    referral_view.open_referral(db, wendy, rid, schemes)
    assert [hit.referral_id for hit in search.find(db, wendy, "Dana Example")] == [rid]
    subject_access.export_person(db, admin, pid, tmp_path)
    held = _every_text(db)
    assert all(words in held for words in PERSONAL)  # the search can find each of them
    done = retention.apply(db, admin, schemes, today=LATER)
    assert (done.people, done.intel_reasons_removed, done.batches) == (1, 1, 1)  # with her log
    left = _every_text(db)
    assert [words for words in PERSONAL if words in left] == []
    (tmp_path / "after").mkdir()
    after = subject_access.export_person(db, admin, pid, tmp_path / "after")  # still answerable
    letter = after.json_path.read_text(encoding="utf-8") + after.text_path.read_text(
        encoding="utf-8"
    )
    assert [words for words in PERSONAL if words in letter] == []
    assert _count(db, Note) == _count(db, PersonChange) == 0
    with db.read() as s:
        person = s.get(Person, pid)
        referral = s.get(Referral, rid)
        answers = {
            r.instrument_id: r.answers for r in s.execute(select(InstrumentResponse)).scalars()
        }
        log = s.execute(select(IntelligenceLog)).scalars().one()
        assert person.date_of_birth == date(1999, 1, 1) and person.anonymised_at is not None
        assert (person.sex, person.self_defined_ethnicity, person.officer_observed_ethnicity) == (
            "female",
            "W1",
            "IC1",
        )
        assert (referral.status, referral.main_substance, referral.substances) == (
            "completed",
            "cannabis",
            "cannabis;cocaine",
        )
        assert referral.age_at_referral == 26 and referral.police_reference == f"anonymised-{rid}"
        assert answers["audit_c"] == {"q1": 2, "q2": 1, "q3": 1} and answers["exploitation"] == {
            "q1": "yes"
        }
        assert (
            log.reason == "removed"
            and log.reason_removed_at is not None
            and log.bar_until == date(2020, 5, 10)
        )
    with db.read() as s:
        detail = s.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "retention.apply")
        ).scalar_one()
    assert f"person_ids={pid}" in detail and "people=1" in detail and "notes_deleted=1" in detail
    again = retention.apply(db, admin, schemes, today=LATER)  # nothing is done twice
    assert (again.people, again.batches) == (0, 0)
    # The audit search by person still finds the batch that anonymised her.
    found = audit_search.search(
        db, admin, AuditFilter(person=f"person {pid}", action="retention.apply")
    )
    assert [row.action for row in found.page.rows] == ["retention.apply"]


def test_intelligence_reasons_go_when_the_bar_ends_even_for_people_kept(
    db: Database, admin: Actor, dana, schemes
) -> None:
    pid, rid = dana
    with db.write() as s:
        s.execute(update(IntelligenceLog).values(bar_until=date(2021, 3, 1)))
        s.execute(update(Referral).values(status="booked", closed_at=None))  # kept: still open
        s.add(IntelligenceLog(person_id=pid, referral_id=rid, force_code="west_midlands",
                              reason="non_compliance", bar_until=date(2021, 3, 1)))  # fmt: skip
        s.add(IntelligenceLog(person_id=pid, referral_id=rid, force_code="west_midlands",
                              reason="said why", bar_until=date(2021, 3, 2)))  # fmt: skip
    assert retention.due(db, admin, schemes, today=date(2021, 2, 28)).intel_due == 0
    done = retention.apply(db, admin, schemes, today=date(2021, 3, 1))
    assert (done.people, done.intel_reasons_removed, done.batches) == (0, 2, 1)
    with db.read() as s:
        logs = s.execute(
            select(IntelligenceLog.reason, IntelligenceLog.reason_removed_at.is_not(None)).order_by(
                IntelligenceLog.id
            )
        ).all()
        assert s.get(Person, pid).first_name == "Dana"
    # The typed reason goes; the app's own code says no more than the status and stays.
    assert [tuple(row) for row in logs] == [
        ("removed", True),
        ("non_compliance", True),
        ("said why", False),
    ]


@pytest.mark.parametrize(
    "actor",
    [
        make_actor(Role.WORKER, staff_id=None),
        make_actor(Role.TEAM_LEAD, staff_id=None),
        make_actor(Role.TRAINER, staff_id=None),
        make_actor(Role.TRAINER, staff_id=None, demo=True),
    ],
    ids=["worker", "team-lead", "trainer", "trainer-in-demo"],
)
def test_only_an_admin_lists_or_applies(db: Database, dana, schemes, actor: Actor) -> None:
    events = _count(db, AuditEvent)
    with pytest.raises(PermissionDenied):
        retention.due(db, actor, schemes, today=LATER)
    with pytest.raises(PermissionDenied):
        retention.apply(db, actor, schemes, today=LATER)
    assert _count(db, AuditEvent) == events
    with db.read() as s:
        assert s.get(Person, dana[0]).first_name == "Dana"


# --- a cohort: the past year's report, batches, a kill between them ----------------------------


def _report(db: Database, schemes) -> dict:
    published = reports.commissioner_report(
        db, Actor.system("tests"), schemes, Period(date(2026, 1, 1), date(2026, 11, 30))
    )
    return dict(published.values)


def test_the_report_for_a_past_year_is_the_same_after_retention(db: Database, schemes) -> None:
    fill_demo(db, 400, today=FILLED, schemes=schemes)
    before = _report(db, schemes)
    done = retention.apply(db, Actor.system("tests"), schemes, today=LATER, batch_size=150)
    assert done.people > 200 and done.batches >= 2
    assert _report(db, schemes) == before
    extract = reports.evaluation_extract(
        db, Actor.system("tests"), schemes, Period(date(2024, 1, 1), date(2026, 12, 2))
    )
    blank = [row for row in extract.rows if row[1:4] == ("", "", "")]
    assert len(blank) >= done.people  # nothing links an anonymised person any more
    # The test can fail: without the ages retention kept, the cut dates of birth move bands.
    with db.write() as s:
        s.execute(update(Referral).values(age_at_referral=None))
    assert _report(db, schemes) != before


def _state(db: Database) -> dict[str, list[dict[str, Any]]]:
    """What retention leaves, without the moments it worked at."""
    moments = {"anonymised_at", "reason_removed_at"}
    return {
        name: [{k: v for k, v in row.items() if k not in moments} for row in dicts(db, name)]
        for name in (
            "person",
            "referral",
            "status_change",
            "contact_attempt",
            "intelligence_log",
            "note",
        )
    }


def test_a_run_killed_after_its_first_batch_finishes_on_the_next(
    db: Database, db_url: str, schemes
) -> None:
    fill_demo(db, 150, today=FILLED, schemes=schemes)
    retention.apply(db, Actor.system("tests", demo=True), schemes, today=LATER, batch_size=40)
    one_go = _state(db)
    empty(db)
    fill_demo(db, 150, today=FILLED, schemes=schemes)
    due = retention.due(db, Actor.system("tests", demo=True), schemes, today=LATER).total
    child = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("retention_child.py")), db_url, LATER.isoformat(), "40"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout == "batch 1 committed\n"
    with db.read() as s:
        done = s.execute(
            select(func.count()).where(col(Person.anonymised_at).is_not(None))
        ).scalar_one()
    assert (
        done == 40
        and retention.due(db, Actor.system("tests", demo=True), schemes, today=LATER).total
        == due - 40
    )
    resumed = retention.apply(
        db, Actor.system("tests", demo=True), schemes, today=LATER, batch_size=40
    )
    assert resumed.people == due - 40
    assert _state(db) == one_go


def test_the_command_line_lists_then_applies(db: Database, db_url: str, dana) -> None:
    pid, _ = dana
    runner = CliRunner()
    listed = runner.invoke(main, ["retention", "--today", "2033-06-01", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    assert "Retention on 1 Jun 2033: 1 people due to be anonymised" in listed.stdout
    assert "West Midlands Police: 1 (kept 6 years after the last referral closed)" in listed.stdout
    assert f"{pid:>8}  10 May 2019   due since 10 May 2025" in listed.stdout
    refused = runner.invoke(
        main, ["retention", "--apply", "--today", "2025-06-01", "--db", db_url], input="n\n"
    )
    assert refused.exit_code == 1 and "cannot be undone" in refused.stdout
    with db.read() as s:
        assert s.get(Person, pid).first_name == "Dana"
    early = runner.invoke(
        main, ["retention", "--apply", "--yes", "--today", "2033-06-01", "--db", db_url]
    )
    assert early.exit_code == 2 and "after today" in early.stderr
    applied = runner.invoke(
        main, ["retention", "--apply", "--yes", "--today", "1/6/2025", "--db", db_url]
    )
    assert applied.exit_code == 0, applied.output
    assert "batch 1: 1 people anonymised (saved)" in applied.stdout
    assert (
        "done: 1 people anonymised, 1 intelligence reason(s) removed, in 1 batch(es)"
        in applied.stdout
    )
    assert runner.invoke(
        main, ["retention", "--apply", "--yes", "--today", "2025-06-01", "--db", db_url]
    ).stdout.endswith("nothing to do\n")
    bad = runner.invoke(main, ["retention", "--today", "someday", "--db", db_url])
    assert bad.exit_code == 2 and "--today" in bad.stderr
