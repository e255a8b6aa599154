"""Issue 13 item 6 for bookings: cancelling or moving a booking on a stale view of the
referral is refused with the change shown, and keeping one's own is an audited overwrite."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from divert_tui.core.models import AuditEvent, Booking, Referral
from divert_tui.core.services import booking, referral_conflicts
from divert_tui.core.services.base import StaleVersion
from divert_tui.core.vocab import Role
from tests.conftest import make_actor
from tests.courses.helpers import NOW, add_sessions, allocated_referral

LEAD = make_actor(Role.TEAM_LEAD, ("west_midlands",), staff_id=None)
WORKER = make_actor(Role.WORKER, staff_id=None)


def test_a_stale_cancel_or_rebook_changes_nothing_until_kept(db, schemes) -> None:
    rid = allocated_referral(db, 1)
    first, second = add_sessions(db, LEAD, repeat="FREQ=WEEKLY;COUNT=2")
    booked = booking.book(db, WORKER, rid, first, schemes, now=NOW)
    with db.read() as session:
        seen = referral_conflicts.snapshot(session, session.get(Referral, rid))
    assert seen.as_dict()["booking"].startswith("booked, session 02/03/2027")
    # the other person moves the booking to the next week
    moved = booking.rebook(db, LEAD, booked.booking_id, second, expected_version=seen.version)
    with pytest.raises(StaleVersion):
        booking.cancel_booking(
            db, WORKER, moved.booking_id, "cannot come", schemes, expected_version=seen.version
        )
    with pytest.raises(StaleVersion):
        booking.rebook(db, WORKER, moved.booking_id, first, expected_version=seen.version)
    with db.read() as session:
        assert session.get(Booking, moved.booking_id).status == "booked"
    conflict = referral_conflicts.what_changed(db, WORKER, seen)
    [change] = [c for c in conflict.changes if c.field == "booking"]
    assert "09/03/2027" in change.theirs and "02/03/2027" in change.yours
    referral_conflicts.keep_mine(
        conflict, booking.cancel_booking, db, WORKER, moved.booking_id, "cannot come", schemes
    )
    with db.read() as session:
        assert session.get(Booking, moved.booking_id).status == "cancelled"
        assert session.get(Referral, rid).status == "allocated"
        detail = session.exec(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "booking.cancel")
            .order_by(col(AuditEvent.id).desc())
        ).first()
    assert detail is not None and f"overwrite=v{conflict.version}" in detail
