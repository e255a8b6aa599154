"""Clients that die mid-transaction and writers that race (issue 13 item 7, "the same on
PostgreSQL where it applies"): a client killed with SIGKILL while it holds a transaction
leaves nothing half-written and blocks nobody once it is gone; two workers claiming the
same referral at once end with one owner and the other told; two booking one referral
onto two sessions book it once; two leads closing one concern leave one outcome and tell the other. All run on SQLite too, where the same promises hold
through its single write lock."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text

from divert_tui.core.models import Referral, SafeguardingConcern
from divert_tui.core.services import referrals, staff
from divert_tui.core.services.base import Actor
from tests.courses.helpers import add_sessions, allocated_referral
from tests.faults import helpers as h
from tests.faults.race import KILLED_NOTE, book_slowly, claim_slowly, close_concern_slowly


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_client_killed_mid_transaction_leaves_nothing_and_blocks_nobody(
    db, db_url, schemes
) -> None:
    referral_id, _ = h.call_under_way(db, schemes)
    client = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.race", db_url, str(referral_id)],
        cwd=h.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=h.child_env(),
    )  # fmt: skip
    other: list[object] = []
    try:
        assert client.stdout is not None
        assert client.stdout.readline().strip() == "HOLDING", client.stderr.read()

        def log_one() -> None:
            try:
                other.append(
                    referrals.log_contact_attempt(
                        db, h.WORKER, referral_id, "voicemail", schemes, note="the other"
                    )
                )
            except Exception as error:  # noqa: BLE001 - the assertion names it
                other.append(error)

        waiting = threading.Thread(target=log_one, daemon=True)
        waiting.start()
        waiting.join(1.0)
        assert other == []  # the dying client's lock really was held
        client.send_signal(signal.SIGKILL)
        client.wait(10)
        waiting.join(20)  # once it is gone, the other writer goes on
        assert not waiting.is_alive(), "a writer stayed blocked by a killed client"
    finally:
        client.kill()
        client.wait(10)
    assert len(other) == 1 and not isinstance(other[0], Exception), other
    notes = h.stored_texts(db, "contact_attempt", referral_id)
    assert KILLED_NOTE not in notes and "the other" in notes
    h.check_whole(db, referral_id)
    h.integrity_ok(db)


def test_two_processes_claiming_one_referral_end_with_one_owner(db, db_url, schemes) -> None:
    referral_id = h.seed_referral(db, "cannabis")
    workers = [
        staff.add_staff(
            db, Actor.system("tests"), name, "worker", "a-long-password", forces=["west_midlands"]
        ).id
        for name in ("ann", "bob")
    ]
    said = race(claim_slowly, *((db_url, referral_id, sid) for sid in workers))
    outcomes = sorted(said.values())
    assert outcomes[0] == "ConflictError: this referral is already claimed by another worker"
    assert outcomes[1] == "claimed"
    winner = next(sid for sid, words in said.items() if words == "claimed")
    with db.read() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        owner, version = referral.assigned_worker_id, referral.version
        claims = session.execute(
            text(
                "SELECT count(*) FROM audit_event WHERE action = 'referral.claim' "
                "AND entity_id = CAST(:r AS VARCHAR)"
            ),
            {"r": referral_id},
        ).scalar_one()
    assert owner == winner and version == 2 and claims == 1


def race(target, *args_of_each: tuple) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """Run one child per argument tuple, started together; what each put on the queue."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(args_of_each))
    out = context.Queue()
    racers = [context.Process(target=target, args=(*a, barrier, out)) for a in args_of_each]
    for racer in racers:
        racer.start()
    try:
        return dict(out.get(timeout=90) for _ in racers)
    finally:
        for racer in racers:
            racer.join(timeout=30)
            if racer.is_alive():
                racer.kill()


def test_two_processes_booking_one_referral_onto_two_sessions_book_it_once(
    db, db_url, schemes
) -> None:
    lead = Actor.system("tests")
    first = add_sessions(db, lead, "2027-03-02 18:00")[0]
    second = add_sessions(db, lead, "2027-03-03 18:00")[0]
    referral_id = allocated_referral(db, 1)
    said = race(book_slowly, (db_url, referral_id, first), (db_url, referral_id, second))
    outcomes = sorted(said.values())
    assert outcomes[1] == "booked", said
    assert outcomes[0].startswith("ServiceError: already booked on session"), said
    with db.read() as session:
        bookings = session.execute(
            text("SELECT count(*) FROM booking WHERE referral_id = :r"), {"r": referral_id}
        ).scalar_one()
        status = session.get(Referral, referral_id).status  # type: ignore[union-attr]
    assert bookings == 1 and status == "booked"


def test_two_leads_closing_one_concern_at_once_one_is_told(db, db_url) -> None:
    referral_id = allocated_referral(db, 1)
    with db.write() as session:
        concern = SafeguardingConcern(referral_id=referral_id, type="marac", detail="x")
        session.add(concern)
        session.flush()
        concern_id, version = concern.id, concern.version
    said = race(
        close_concern_slowly,
        (db_url, concern_id, version, "rang the Marac coordinator"),
        (db_url, concern_id, version, "wrote to the school"),
    )
    closed = [words for words, result in said.items() if result == "closed"]
    told = [result for result in said.values() if result != "closed"]
    assert len(closed) == 1 and told[0].startswith("StaleVersion: this safeguarding"), said
    winner = next(words for words, result in said.items() if result == "closed")
    with db.read() as session:
        stored = session.get(SafeguardingConcern, concern_id)
        assert stored is not None and winner in stored.detail
        assert stored.version == version + 1
