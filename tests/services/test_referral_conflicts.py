"""Issue 13 item 6: two people saving the same referral. The second save is refused with
what changed, field by field; keeping one's own change is deliberate and audited; notes
added by both always land."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent, Note, Referral
from divert_tui.core.rules import conflicts
from divert_tui.core.services import intake, referral_conflicts, referral_view, referrals
from divert_tui.core.services.base import Actor, StaleVersion
from divert_tui.core.vocab import Role
from tests.services.referral_helpers import row, staff, write_feed

WHEN = datetime(2026, 3, 3, 10, tzinfo=UTC)


@pytest.fixture
def two(db: Database, admin: Actor, schemes, tmp_path) -> dict[str, object]:
    intake.import_feed(db, admin, write_feed(tmp_path / "f.csv", [row()]), schemes)
    with db.read() as session:
        referral_id = session.exec(select(Referral.id)).one()
    wendy = staff(db, admin, "wendy", Role.WORKER)
    lee = staff(db, admin, "lee", Role.TEAM_LEAD)
    return {"id": referral_id, "wendy": wendy, "lee": lee}


def _seen(db: Database, actor: Actor, referral_id: int, schemes) -> conflicts.Seen:
    seen = referral_view.open_referral(db, actor, referral_id, schemes).seen
    assert seen is not None
    return seen


def test_the_rule_lists_each_changed_field_in_order() -> None:
    seen = {"status": "received", "worker": "unassigned", "phone": "07700 900123"}
    now = {"status": "contacting", "worker": "Lee", "phone": "07700 900123"}
    assert conflicts.changes(seen, now) == (
        conflicts.Change("status", "received", "contacting"),
        conflicts.Change("worker", "unassigned", "Lee"),
    )
    assert conflicts.changes(seen, seen) == ()
    detail = conflicts.overwrite_detail(1, 3, ["status", "calls logged"])
    assert detail == "overwrite=v3 seen=v1 fields=status,calls_logged"


def test_a_stale_save_says_what_changed_and_changes_nothing(db, two, schemes) -> None:
    rid, wendy, lee = two["id"], two["wendy"], two["lee"]
    seen = _seen(db, wendy, rid, schemes)
    assert seen.as_dict()["status"] == "received" and seen.as_dict()["worker"] == "unassigned"
    # lee claims it and logs a call meanwhile
    referrals.claim(db, lee, rid)
    referrals.log_contact_attempt(db, lee, rid, "no_answer", schemes, at=WHEN)
    with pytest.raises(StaleVersion):
        referrals.move_status(
            db, wendy, rid, "withdrawn", schemes, reason="moved", expected_version=seen.version
        )
    with db.read() as session:
        assert session.get(Referral, rid).status == "contacting"
    conflict = referral_conflicts.what_changed(db, wendy, seen)
    changed = {c.field: (c.yours, c.theirs) for c in conflict.changes}
    assert changed["status"] == ("received", "contacting")
    assert changed["worker"] == ("unassigned", lee.display_name)
    assert changed["calls logged"] == ("none", "1 (last: no answer, 03/03/2026 10:00)")
    assert "phone" not in changed and "notes" not in changed
    assert conflict.changed_by[0] == lee.display_name
    assert conflict.version == seen.version + 2


def test_keeping_mine_saves_on_top_and_is_audited_as_an_overwrite(db, two, schemes) -> None:
    rid, wendy, lee = two["id"], two["wendy"], two["lee"]
    seen = _seen(db, wendy, rid, schemes)
    referrals.log_contact_attempt(db, lee, rid, "answered", schemes, at=WHEN)
    conflict = referral_conflicts.what_changed(db, wendy, seen)
    # someone saves again before wendy decides: keeping hers is refused once more
    referrals.log_contact_attempt(db, lee, rid, "no_answer", schemes, at=WHEN)
    with pytest.raises(StaleVersion):
        referral_conflicts.keep_mine(
            conflict, referrals.move_status, db, wendy, rid, "withdrawn", schemes, reason="moved"
        )
    conflict = referral_conflicts.what_changed(db, wendy, conflict.now)
    assert [c.field for c in conflict.changes] == ["calls logged"]
    referral_conflicts.keep_mine(
        conflict, referrals.move_status, db, wendy, rid, "withdrawn", schemes, reason="moved"
    )
    with db.read() as session:
        assert session.get(Referral, rid).status == "withdrawn"
        event = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "referral.status")
            .order_by(col(AuditEvent.id).desc())
        ).first()
        assert event is not None and event.username == "wendy"
        assert f"overwrite=v{conflict.version} seen=v{conflict.seen.version}" in event.detail
        assert "fields=calls_logged" in event.detail
        views = session.exec(
            select(AuditEvent.detail).where(AuditEvent.action == "referral.conflict")
        ).all()
        assert len(views) == 2 and all("Jo" not in d for d in views)


def test_an_ordinary_save_is_not_marked_as_an_overwrite(db, two, schemes) -> None:
    rid, wendy = two["id"], two["wendy"]
    seen = _seen(db, wendy, rid, schemes)
    referrals.claim(db, wendy, rid, expected_version=seen.version)
    with db.read() as session:
        detail = session.exec(
            select(AuditEvent.detail).where(AuditEvent.action == "referral.claim")
        ).one()
    assert "overwrite" not in detail


def test_two_people_adding_notes_both_land(db, two, schemes) -> None:
    rid, wendy, lee = two["id"], two["wendy"], two["lee"]
    seen_by_wendy = _seen(db, wendy, rid, schemes)
    _seen(db, lee, rid, schemes)
    referral_view.add_note(db, lee, rid, "asked for evening calls")
    referral_view.add_note(db, wendy, rid, "partner answers the phone")
    with db.read() as session:
        notes = session.exec(select(Note.text).where(Note.referral_id == rid)).all()
    assert sorted(notes) == ["asked for evening calls", "partner answers the phone"]
    # the notes count is one of the fields a later conflict shows
    conflict = referral_conflicts.what_changed(db, wendy, seen_by_wendy)
    assert [(c.field, c.yours, c.theirs) for c in conflict.changes] == [("notes", "0", "2")]
