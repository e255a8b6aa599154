"""Two workers in two processes book the last place at the same moment: exactly one wins."""

from __future__ import annotations

import multiprocessing

from sqlmodel import func, select

from divert_tui.core.models import AuditEvent, Booking, Referral
from divert_tui.core.services import booking
from divert_tui.core.vocab import Role
from tests.conftest import make_actor
from tests.courses.helpers import add_sessions, allocated_referral
from tests.courses.race_child import book_last_place

LEAD = make_actor(Role.TEAM_LEAD, staff_id=None)
WORKER = make_actor(Role.WORKER, staff_id=None)


def test_two_processes_booking_the_last_place_one_wins_nothing_else_written(
    db, db_url, schemes
) -> None:
    from tests.courses.helpers import NOW

    last = add_sessions(db, LEAD, capacity=2)[0]
    booking.book(db, WORKER, allocated_referral(db, 1), last, schemes, now=NOW)
    waiting = allocated_referral(db, 2)
    booking.join_waiting_list(db, WORKER, waiting)
    racers = [allocated_referral(db, 3), allocated_referral(db, 4)]
    with db.read() as session:
        events_before = session.exec(select(func.count()).select_from(AuditEvent)).one()

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    out = context.Queue()
    processes = [
        context.Process(target=book_last_place, args=(db_url, rid, last, barrier, out))
        for rid in racers
    ]
    for process in processes:
        process.start()
    results = dict(out.get(timeout=60) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    outcomes = sorted(results.values(), key=lambda said: said != "booked")
    assert outcomes[0] == "booked"
    assert outcomes[1] == "SessionFull: session full: 1 on the waiting list"
    loser = next(rid for rid, said in results.items() if said != "booked")
    with db.read() as session:
        booked = session.exec(
            select(func.count()).select_from(Booking).where(Booking.session_id == last)
        ).one()
        loser_bookings = session.exec(
            select(func.count()).select_from(Booking).where(Booking.referral_id == loser)
        ).one()
        loser_status = session.get(Referral, loser).status
        events_after = session.exec(select(func.count()).select_from(AuditEvent)).one()
    assert booked == 2
    assert loser_bookings == 0 and loser_status == "allocated"
    assert events_after == events_before + 2  # the winner's status move and booking only
