"""Booking, attendance and cancellation through the lifecycle rules, with their audit events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, func, select

from divert_tui.core.models import AuditEvent, Booking, IntelligenceLog, Referral, StatusChange
from divert_tui.core.services import booking, outcomes, referrals, sessions
from divert_tui.core.services.base import ValidationError
from divert_tui.core.vocab import Role
from tests.conftest import make_actor
from tests.courses.helpers import NOW, add_sessions, allocated_referral, mark_number_unsafe

LEAD = make_actor(Role.TEAM_LEAD, ("west_midlands", "staffordshire"), staff_id=None)
WORKER = make_actor(Role.WORKER, staff_id=None)
AFTER = NOW + timedelta(days=2)  # 3 March: the first session (2 March 18:00) has been held


def _actions(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


def _status(db, referral_id: int) -> str:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return session.get(Referral, referral_id).status


def test_offers_are_the_next_sessions_of_the_allocated_group_in_the_force(db, schemes) -> None:
    rid = allocated_referral(db, 1)
    cannabis = add_sessions(db, LEAD, repeat="FREQ=WEEKLY;COUNT=3")
    add_sessions(db, LEAD, group="cocaine")
    add_sessions(db, LEAD, force="staffordshire", start="2027-03-02 18:00")
    full = add_sessions(db, LEAD, start="2027-03-01 18:00", capacity=1)[0]
    booking.book(db, WORKER, allocated_referral(db, 2), full, schemes, now=NOW)
    offered = booking.offers(db, WORKER, rid, now=NOW)
    assert offered.group == "cannabis"
    assert [s.session_id for s in offered.sessions] == cannabis


def test_book_then_complete_moves_the_referral_to_completed(db, schemes) -> None:
    rid = allocated_referral(db, 1)
    first = add_sessions(db, LEAD)[0]
    booked = booking.book(db, WORKER, rid, first, schemes, now=NOW)
    assert booked.referral_status == "booked" and booked.session.booked == 1
    with pytest.raises(ValidationError, match="not started"):
        booking.mark_attendance(db, WORKER, booked.booking_id, "completed", schemes, now=NOW)
    marked = booking.mark_attendance(db, WORKER, booked.booking_id, "completed", schemes, now=AFTER)
    assert marked.status == "completed" and marked.referral_status == "completed"
    assert _status(db, rid) == "completed"
    with db.read() as session:
        moves = session.exec(
            select(StatusChange.from_status, StatusChange.to_status).where(
                StatusChange.referral_id == rid
            )
        ).all()
        closed_at = session.get(Referral, rid).closed_at
    assert moves == [("allocated", "booked"), ("booked", "completed")]
    assert closed_at is not None
    actions = _actions(db)
    assert actions.count("referral.status") == 2
    assert "booking.book" in actions and "booking.attendance" in actions
    # The outcome goes to the police once.
    export = outcomes.export_outcomes(db, LEAD, "west_midlands")
    assert [row[2] for row in export.rows] == ["completed"]
    assert outcomes.export_outcomes(db, LEAD, "west_midlands").count == 0


def test_two_missed_sessions_propose_non_compliant_and_closing_writes_the_log(db, schemes) -> None:
    rid = allocated_referral(db, 1)
    first, second = add_sessions(db, LEAD, repeat="FREQ=WEEKLY;COUNT=2")
    b1 = booking.book(db, WORKER, rid, first, schemes, now=NOW)
    one = booking.mark_attendance(db, WORKER, b1.booking_id, "did_not_attend", schemes, now=AFTER)
    assert one.referral_status == "allocated" and not one.missed.propose_non_compliant
    with pytest.raises(referrals.MoveRefused):
        referrals.close_non_compliant(db, WORKER, rid, schemes)
    b2 = booking.book(db, WORKER, rid, second, schemes, now=AFTER)
    two = booking.mark_attendance(
        db, WORKER, b2.booking_id, "did_not_attend", schemes, now=AFTER + timedelta(days=7)
    )
    assert two.missed.propose_non_compliant and two.missed.missed == 2
    closed = referrals.close_non_compliant(db, WORKER, rid, schemes, reason=two.missed.reason)
    assert closed.status == "non_compliant" and closed.intelligence_log_id
    with db.read() as session:
        log_referral = session.get(IntelligenceLog, closed.intelligence_log_id).referral_id
        reason = session.get(Referral, rid).status_reason
    assert log_referral == rid
    assert "missed 2 booked course sessions" in reason
    assert "referral.non_compliant" in _actions(db)


def test_left_early_goes_back_to_allocated_to_be_booked_again(db, schemes) -> None:
    rid = allocated_referral(db, 1)
    first = add_sessions(db, LEAD)[0]
    b = booking.book(db, WORKER, rid, first, schemes, now=NOW)
    marked = booking.mark_attendance(db, WORKER, b.booking_id, "left_early", schemes, now=AFTER)
    assert marked.status == "attended" and marked.referral_status == "allocated"
    assert not marked.missed.propose_non_compliant


def test_a_full_session_refuses_with_the_waiting_list_and_writes_nothing(db, schemes) -> None:
    only = add_sessions(db, LEAD, capacity=1)[0]
    booking.book(db, WORKER, allocated_referral(db, 1), only, schemes, now=NOW)
    waiting = allocated_referral(db, 2)
    assert booking.join_waiting_list(db, WORKER, waiting) == 1
    late = allocated_referral(db, 3)
    before = _actions(db)
    with pytest.raises(booking.SessionFull, match="session full: 1 on the waiting list"):
        booking.book(db, WORKER, late, only, schemes, now=NOW)
    assert _actions(db) == before
    assert _status(db, late) == "allocated"


def test_a_cancelled_place_is_offered_to_the_first_person_waiting(db, schemes) -> None:
    only = add_sessions(db, LEAD, capacity=1)[0]
    first = allocated_referral(db, 1)
    b = booking.book(db, WORKER, first, only, schemes, now=NOW)
    waiting, later = allocated_referral(db, 2), allocated_referral(db, 3)
    booking.join_waiting_list(db, WORKER, waiting)
    booking.join_waiting_list(db, WORKER, later)
    offered_to = booking.cancel_booking(
        db, WORKER, b.booking_id, "cannot make it", schemes, now=NOW
    )
    assert offered_to == waiting
    assert _status(db, first) == "allocated"
    # The freed place is held for the first person waiting, not for anyone else.
    with pytest.raises(booking.SessionFull):
        booking.book(db, WORKER, later, only, schemes, now=NOW)
    offers = booking.offers(db, WORKER, waiting, now=NOW)
    assert offers.offered_session_id == only and offers.sessions[0].session_id == only
    booking.book(db, WORKER, waiting, only, schemes, now=NOW)
    assert _status(db, waiting) == "booked"


def test_rebook_moves_the_booking_and_keeps_the_referral_booked(db, schemes) -> None:
    rid = allocated_referral(db, 1)
    first, second = add_sessions(db, LEAD, repeat="FREQ=WEEKLY;COUNT=2")
    b = booking.book(db, WORKER, rid, first, schemes, now=NOW)
    moved = booking.rebook(db, WORKER, b.booking_id, second, reason="works Tuesdays", now=NOW)
    assert moved.session.session_id == second and moved.referral_status == "booked"
    views = booking.bookings_of(db, WORKER, rid)
    assert [(v.session.session_id, v.status) for v in views] == [
        (second, "booked"),
        (first, "cancelled"),
    ]


def test_cancel_with_move_to_next_moves_everyone_or_puts_them_back_to_waiting(db, schemes) -> None:
    ill, nxt = add_sessions(db, LEAD, repeat="FREQ=WEEKLY;COUNT=2", capacity=2)
    people = [allocated_referral(db, n) for n in range(1, 4)]
    booking.book(db, WORKER, people[0], ill, schemes, now=NOW)
    booking.book(db, WORKER, people[1], ill, schemes, now=NOW)
    booking.book(db, WORKER, people[2], nxt, schemes, now=NOW)
    result = sessions.cancel_session(
        db, LEAD, ill, schemes, reason="facilitator ill", move_to_next=True, now=NOW
    )
    assert result.to_next == 1 and result.to_waiting == 1
    assert [m.to_session_id for m in result.moved] == [nxt, None]
    assert _status(db, people[0]) == "booked"
    assert _status(db, people[1]) == "allocated"
    assert booking.offers(db, WORKER, people[1], now=NOW).on_waiting_list
    listed = {r.session_id: r for r in sessions.list_sessions(db, LEAD)}
    assert listed[ill].cancelled and listed[ill].places_left == 0
    assert listed[nxt].booked == 2
    assert "sessions.cancel" in _actions(db)


def test_reminders_leave_out_numbers_not_safe_to_contact(db, schemes) -> None:
    first = add_sessions(db, LEAD)[0]
    safe, unsafe, cleared = (allocated_referral(db, n) for n in (1, 2, 3))
    mark_number_unsafe(db, unsafe)
    mark_number_unsafe(db, cleared)
    mark_number_unsafe(db, cleared, safe=True)  # a later call says the number is safe now
    for rid in (safe, unsafe, cleared):
        booking.book(db, WORKER, rid, first, schemes, now=NOW)
    result = outcomes.reminders(db, WORKER, date(2027, 3, 2))
    assert sorted(r.referral_id for r in result.rows) == [safe, cleared]
    assert result.left_out_unsafe == 1
    assert result.rows[0].link == "https://meet.example.org/divert/test"
    assert outcomes.reminders(db, WORKER, date(2027, 3, 3)).rows == ()
    roster = sessions.roster(db, WORKER, first)
    flags = {e.referral_id: e.safe_to_contact for e in roster.entries}
    assert flags == {safe: True, unsafe: False, cleared: True}


def test_a_one_to_one_uses_the_same_booking_model(db, schemes) -> None:
    rid = allocated_referral(db, 1, path="one_to_one")
    booked = booking.add_one_to_one(db, WORKER, rid, "2027-03-04 10:00", schemes, now=NOW)
    assert booked.session.group == "one_to_one" and booked.session.capacity == 1
    later = AFTER + timedelta(days=2)
    marked = booking.mark_attendance(db, WORKER, booked.booking_id, "completed", schemes, now=later)
    assert marked.referral_status == "completed"
    with db.read() as session:
        assert session.exec(select(func.count()).select_from(Booking)).one() == 1


def test_a_worker_may_not_plan_sessions(db) -> None:
    from divert_tui.core.services.base import PermissionDenied

    with pytest.raises(PermissionDenied, match="plan and cancel course sessions"):
        add_sessions(db, WORKER)


def test_a_session_in_the_past_or_of_another_group_is_refused(db, schemes) -> None:
    with pytest.raises(ValidationError, match="in the past"):
        add_sessions(db, LEAD, start="2027-02-01 18:00")
    cocaine = add_sessions(db, LEAD, group="cocaine")[0]
    with pytest.raises(ValidationError, match="not of the allocated course"):
        booking.book(db, WORKER, allocated_referral(db, 1), cocaine, schemes, now=NOW)
