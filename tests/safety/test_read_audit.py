"""Issue 9 item 8: reads of personal data write audit events: one per record read, one per
list shown (what was listed, not every name), one per search."""

from __future__ import annotations

from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent
from divert_tui.core.services import assessment, assessment_safety, queue, safeguarding, search
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role
from tests.assessment.helpers import seed_referral, worker


def _events(db: Database, after: int = 0) -> list[AuditEvent]:
    with db.read() as session:
        rows = session.exec(
            select(AuditEvent).where(col(AuditEvent.id) > after).order_by(col(AuditEvent.id))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _last_id(db: Database) -> int:
    events = _events(db)
    return events[-1].id or 0 if events else 0


def test_each_read_of_personal_data_appends_one_event(db: Database, admin: Actor, schemes) -> None:
    wendy = worker(db, admin)
    lead = Actor(wendy.staff_id, wendy.username, Role.TEAM_LEAD, wendy.forces, "Lead")
    referral_id = seed_referral(db)
    view = assessment.start_or_resume(db, wendy, referral_id, schemes)

    reads = [
        ("assessment.load", lambda: assessment.load(db, wendy, view.id)),
        ("assessment.find", lambda: assessment.find(db, wendy, referral_id)),
        ("assessment.load", lambda: assessment.start_or_resume(db, wendy, referral_id, schemes)),
        ("search", lambda: search.find(db, wendy, "sam1")),
        ("queue.my_work", lambda: queue.my_work(db, wendy)),
        ("queue.caseload", lambda: queue.caseload(db, lead, status="contacting")),
        ("safeguarding.list", lambda: safeguarding.open_concerns(db, lead)),
        ("assessment.concerns", lambda: assessment_safety.concerns_of(db, wendy, view.id)),
    ]
    for action, read in reads:
        before = _last_id(db)
        read()
        events = _events(db, before)
        assert [e.action for e in events] == [action], action
        assert events[0].staff_id == wendy.staff_id

    by_action = {e.action: e for e in _events(db)}
    assert by_action["search"].detail == f"1 found: {referral_id}"
    assert by_action["queue.caseload"].detail == "page 1, 1 of 1, status contacting"
    assert by_action["assessment.find"].entity_id == str(referral_id)
    # what was listed, never the names on it
    for event in _events(db):
        assert "Sam1" not in event.detail and "Example" not in event.detail


def test_a_search_that_finds_nobody_is_still_recorded(db: Database, admin: Actor) -> None:
    wendy = worker(db, admin)
    before = _last_id(db)
    assert search.find(db, wendy, "nobody") == []
    assert [(e.action, e.detail) for e in _events(db, before)] == [("search", "0 found: -")]
