"""The anchored audit chain (issue 9 item 7): cutting the tail, emptying the trail or
rewriting it with recomputed hashes fails ``verify``; the key is owner-only."""

from __future__ import annotations

import os
import stat

from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import col, select

from divert_tui.cli import main
from divert_tui.config import audit_key_path
from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor
from divert_tui.core.services.staff import add_staff

PASSWORD = "correct horse battery"


def fill(db: Database, n: int) -> list[int]:
    with db.write() as session:
        return [
            audit.record(session, Actor.system("tests"), "test.event", "referral", i, f"e{i}").id
            for i in range(n)
        ]  # type: ignore[misc]


def sql(db: Database, statement: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


def rechain(db: Database) -> None:
    """What a forger with the database but not the key does: recompute every hash in order."""
    with db.write() as session:
        prev = ""
        for row in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all():
            row.prev_hash = prev
            row.hash = audit.event_hash(
                prev, row.at, row.staff_id, row.username, row.action, row.entity,
                row.entity_id, row.detail,
            )  # fmt: skip
            session.add(row)
            prev = row.hash


def test_an_untouched_trail_is_intact_and_the_key_is_owner_only(db: Database, admin) -> None:
    fill(db, 3)
    assert audit.verify(db, admin).intact
    key = audit_key_path()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    again = Database(db.url)
    try:
        assert audit.verify(again, admin).intact, "the same key serves a new process"
    finally:
        again.dispose()


def test_cutting_the_tail_fails_verify(db: Database, admin) -> None:
    ids = fill(db, 6)
    sql(db, "DELETE FROM audit_event WHERE id >= :id", id=ids[4])
    report = audit.verify(db, admin)
    assert not report.intact
    assert report.first_broken_id == ids[-1]
    assert "events were removed from the end" in report.problem


def test_emptying_the_trail_fails_verify(db: Database, admin) -> None:
    fill(db, 4)
    sql(db, "DELETE FROM audit_event")
    report = audit.verify(db, admin)
    assert not report.intact and "emptied" in report.problem


def test_emptying_the_trail_and_its_checkpoints_fails_verify(db: Database, admin) -> None:
    add_staff(db, admin, "pat", "admin", PASSWORD)
    sql(db, "DELETE FROM audit_event")
    sql(db, "DELETE FROM audit_anchor")
    report = audit.verify(db, admin)
    assert not report.intact and "emptied" in report.problem


def test_removing_the_checkpoint_fails_verify(db: Database, admin) -> None:
    fill(db, 4)
    sql(db, "DELETE FROM audit_anchor")
    report = audit.verify(db, admin)
    assert not report.intact and "no checkpoint signed with this computer's audit key" in (
        report.problem
    )


def test_a_rewrite_with_recomputed_hashes_fails_verify(db: Database, admin) -> None:
    ids = fill(db, 5)
    sql(db, "UPDATE audit_event SET detail = 'forged' WHERE id = :id", id=ids[1])
    rechain(db)
    report = audit.verify(db, admin)
    assert not report.intact
    assert "rewritten" in report.problem


def test_a_rewrite_that_also_moves_the_checkpoint_fails_verify(db: Database, admin) -> None:
    ids = fill(db, 5)
    sql(db, "DELETE FROM audit_event WHERE id = :id", id=ids[-1])
    rechain(db)
    with db.read() as session:
        head = session.execute(text("SELECT id, hash FROM audit_event ORDER BY id DESC")).first()
    sql(db, "UPDATE audit_anchor SET last_id = :i, last_hash = :h", i=head.id, h=head.hash)
    report = audit.verify(db, admin)
    assert not report.intact and "altered" in report.problem


def test_a_trail_signed_with_another_key_is_not_taken_as_checked(
    db: Database, admin, tmp_path
) -> None:
    fill(db, 3)
    elsewhere = Database(db.url, audit_key_path=tmp_path / "other" / "audit.key")
    try:
        report = audit.verify(elsewhere, admin)
    finally:
        elsewhere.dispose()
    assert not report.intact and "another key" in report.problem


def test_a_damaged_key_stops_verify_but_not_work(db: Database, admin, tmp_path) -> None:
    path = tmp_path / "conf" / "audit.key"
    path.parent.mkdir()
    path.write_text("not hex at all\n", encoding="ascii")
    damaged = Database(db.url, audit_key_path=path)
    try:
        fill(damaged, 2)  # saving goes on
        report = audit.verify(damaged, admin)
    finally:
        damaged.dispose()
    assert not report.intact and "is damaged" in report.problem and str(path) in report.problem


def test_the_command_fails_a_cut_trail(db: Database, admin, db_url: str) -> None:
    ids = fill(db, 4)
    assert CliRunner().invoke(main, ["--db", db_url, "audit", "verify"]).exit_code == 0
    sql(db, "DELETE FROM audit_event WHERE id >= :id", id=ids[2])
    result = CliRunner().invoke(main, ["--db", db_url, "audit", "verify"])
    assert result.exit_code == 1
    assert "audit trail broken at event" in result.output
    assert "removed from the end" in result.output


def test_the_key_is_owner_only_whatever_the_umask(db: Database, admin) -> None:
    old = os.umask(0)
    try:
        fill(db, 1)
    finally:
        os.umask(old)
    assert stat.S_IMODE(audit_key_path().stat().st_mode) == 0o600


def test_saving_after_a_cut_does_not_sign_over_it(db: Database, admin) -> None:
    ids = fill(db, 5)
    sql(db, "DELETE FROM audit_event WHERE id >= :id", id=ids[3])
    fill(db, 3)  # people keep working: the next events chain on from the cut
    report = audit.verify(db, admin)
    assert not report.intact
    assert report.first_broken_id == ids[-1]


def test_saving_after_a_rewrite_does_not_sign_over_it(db: Database, admin) -> None:
    ids = fill(db, 5)
    sql(db, "UPDATE audit_event SET detail = 'forged' WHERE id = :id", id=ids[0])
    rechain(db)
    fill(db, 2)
    report = audit.verify(db, admin)
    assert not report.intact and "rewritten" in report.problem


def test_a_trail_older_than_checkpoints_is_signed_when_migrated(tmp_path, admin) -> None:
    from alembic import command
    from sqlmodel import Session

    from divert_tui.core import database
    from divert_tui.core.bootstrap import open_database

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Database(url)
    with old.engine.begin() as connection:
        config = database._alembic_config(old.engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    with Session(old.engine) as session:  # written before there were checkpoints
        for number in range(3):
            audit.record(session, Actor.system("old"), "old.event", detail=str(number))
        session.commit()
    old.dispose()
    opened = open_database(url)
    try:
        assert audit.verify(opened.db, admin).intact
        sql(opened.db, "DELETE FROM audit_event WHERE id = 3")
        assert not audit.verify(opened.db, admin).intact
    finally:
        opened.db.dispose()
