"""The append-only, hash-chained audit trail (DESIGN section 9, issue 2 item 5): every change
writes an event, and ``verify`` names the first broken link."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, PermissionDenied
from divert_tui.core.services.staff import LoginError, add_staff, authenticate
from divert_tui.core.vocab import Role
from tests.conftest import make_actor

PASSWORD = "correct horse battery"


def events(db: Database) -> list[AuditEvent]:
    with db.read() as session:
        rows = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())
        for row in rows:
            session.expunge(row)
        return rows


def fill(db: Database, n: int, actor: Actor | None = None) -> list[int]:
    actor = actor or Actor.system("tests")
    with db.write() as session:
        ids = [
            audit.record(session, actor, "test.event", "referral", i, f"event {i}").id
            for i in range(n)
        ]
    return ids  # type: ignore[return-value]


def test_staff_add_and_logins_write_events(db: Database, admin: Actor) -> None:
    added = add_staff(db, admin, "nia", "worker", PASSWORD, forces=("west_midlands",))
    authenticate(db, "nia", PASSWORD)
    with pytest.raises(LoginError):
        authenticate(db, "nia", "not the password")
    rows = events(db)
    assert [(e.action, e.username, e.entity, e.entity_id) for e in rows] == [
        ("staff.add", "cli:tests", "staff", str(added.id)),
        ("login", "nia", "staff", str(added.id)),
        ("login.failed", "nia", "staff", str(added.id)),
    ]
    assert rows[0].staff_id is None
    assert rows[1].staff_id == added.id
    assert rows[0].detail == "role=worker forces=west_midlands"
    assert all(PASSWORD not in e.detail for e in rows)
    assert all(e.at.tzinfo is not None for e in rows)


def test_a_refused_change_writes_nothing(db: Database) -> None:
    with pytest.raises(PermissionDenied):
        add_staff(db, make_actor(Role.WORKER), "eve", "admin", PASSWORD)
    assert events(db) == []


def test_the_fifth_failure_is_recorded_as_a_lock(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "oli", "worker", PASSWORD, forces=("west_midlands",))
    for _ in range(5):
        with pytest.raises(LoginError):
            authenticate(db, "oli", "not the password")
    failed = [e.detail for e in events(db) if e.action == "login.failed"]
    assert failed == ["", "", "", "", "account locked"]


def test_events_are_linked_into_a_chain(db: Database) -> None:
    fill(db, 5)
    rows = events(db)
    assert rows[0].prev_hash == ""
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.hash
    for row in rows:
        assert len(row.hash) == 64
        assert row.hash == audit.event_hash(
            row.prev_hash,
            row.at,
            row.staff_id,
            row.username,
            row.action,
            row.entity,
            row.entity_id,
            row.detail,
        )
    assert len({row.hash for row in rows}) == 5


def test_verify_passes_an_intact_chain_and_records_itself(db: Database, admin: Actor) -> None:
    add_staff(db, admin, "pat", "admin", PASSWORD)
    authenticate(db, "pat", PASSWORD)
    report = audit.verify(db, admin)
    assert report.intact
    assert (report.events_checked, report.first_broken_id, report.problem) == (2, None, "")
    last = events(db)[-1]
    assert (last.action, last.detail) == ("audit.verify", "2 events, intact")
    again = audit.verify(db, admin)
    assert again.intact and again.events_checked == 3


def test_verify_an_empty_trail(db: Database, admin: Actor) -> None:
    report = audit.verify(db, admin)
    assert report.intact and report.events_checked == 0


def test_only_an_admin_may_verify(db: Database) -> None:
    with pytest.raises(PermissionDenied):
        audit.verify(db, make_actor(Role.TEAM_LEAD))


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("detail", "'nothing to see here'"),
        ("username", "'someone.else'"),
        ("action", "'login'"),
        ("entity_id", "'999'"),
        ("staff_id", "42"),
    ],
)
def test_verify_names_a_tampered_row(db: Database, admin: Actor, column: str, value: str) -> None:
    ids = fill(db, 6)
    target = ids[3]
    with db.engine.begin() as conn:
        conn.execute(
            text(f"UPDATE audit_event SET {column} = {value} WHERE id = :id"), {"id": target}
        )
    report = audit.verify(db, admin)
    assert not report.intact
    assert report.first_broken_id == target
    assert report.events_checked == 4
    assert "changed" in report.problem
    assert events(db)[-1].action == "test.event", "a failed verify must not append 'intact'"


def test_verify_names_a_row_whose_time_was_changed(db: Database, admin: Actor) -> None:
    ids = fill(db, 4)
    with db.read() as session:
        at = session.get(AuditEvent, ids[1]).at
    with db.write() as session:
        row = session.get(AuditEvent, ids[1])
        row.at = at.replace(year=at.year - 1)
        session.add(row)
    assert audit.verify(db, admin).first_broken_id == ids[1]


def test_verify_names_the_row_after_a_deleted_one(db: Database, admin: Actor) -> None:
    ids = fill(db, 7)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[3]})
    report = audit.verify(db, admin)
    assert report.first_broken_id == ids[4]
    assert "removed or changed" in report.problem
    assert report.events_checked == 4


def test_verify_finds_a_rewritten_row_with_a_recomputed_hash(db: Database, admin: Actor) -> None:
    """Recomputing the tampered row's own hash is not enough: the next link breaks."""
    ids = fill(db, 5)
    with db.read() as session:
        row = session.get(AuditEvent, ids[2])
        forged = audit.event_hash(
            row.prev_hash, row.at, row.staff_id, row.username, row.action, row.entity,
            row.entity_id, "forged",
        )  # fmt: skip
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET detail = 'forged', hash = :h WHERE id = :id"),
            {"h": forged, "id": ids[2]},
        )
    assert audit.verify(db, admin).first_broken_id == ids[3]


def test_a_long_chain_across_many_units_verifies(db: Database, admin: Actor) -> None:
    for _ in range(6):
        fill(db, 50)
    ids = fill(db, 50, make_actor(Role.WORKER))
    assert len(events(db)) == 350
    report = audit.verify(db, admin)
    assert report.intact and report.events_checked == 350
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET detail = 'x' WHERE id = :id"), {"id": ids[-1]})
    report = audit.verify(db, admin)
    assert report.first_broken_id == ids[-1] and report.events_checked == 350


def test_the_chain_survives_a_batch_boundary(db: Database, admin: Actor) -> None:
    """verify reads in batches of 2000: a break just after a batch edge is still found."""
    ids = fill(db, 2003)
    report = audit.verify(db, admin)
    assert report.intact and report.events_checked == 2003
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[2000]})
    assert audit.verify(db, admin).first_broken_id == ids[2001]
