"""Issue 9 items 2 and 9: one open assessment per referral, and its answers belong to the
worker on the call (no silent overwrite by a stale screen elsewhere)."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from divert_tui.core.database import Database
from divert_tui.core.models import Assessment, ContactAttempt
from divert_tui.core.schemes import load_schemes
from divert_tui.core.services import assessment as svc
from divert_tui.core.services.assessment import AlreadyOnTheCall
from divert_tui.core.services.assessment_store import NotYourCall
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role
from tests.assessment.helpers import TODAY, seed_referral, worker

REFERRALS = 6


def _counts(db: Database, referral_id: int) -> tuple[int, int]:
    with db.read() as session:
        assessments = session.exec(
            select(func.count())
            .select_from(Assessment)
            .where(Assessment.referral_id == referral_id)
        ).one()
        answered = session.exec(
            select(func.count())
            .select_from(ContactAttempt)
            .where(ContactAttempt.referral_id == referral_id)
        ).one()
    return assessments, answered


def _start_all(
    url: str, staff_id: int, username: str, referral_ids: list[int], barrier
) -> list[str]:  # type: ignore[no-untyped-def]
    """One process: wait for the other, then start every call; say what happened to each."""
    db = Database(url)
    actor = Actor(staff_id, username, Role.WORKER, frozenset({"west_midlands"}), username)
    schemes = load_schemes()
    outcomes = []
    barrier.wait()
    for referral_id in referral_ids:
        try:
            svc.start_or_resume(db, actor, referral_id, schemes)
            outcomes.append("started")
        except AlreadyOnTheCall as refused:
            outcomes.append(f"refused: {refused}")
    db.dispose()
    return outcomes


def test_two_processes_starting_the_same_calls_get_one_assessment_each_referral(
    db: Database, db_url: str, admin: Actor
) -> None:
    first = worker(db, admin, "wendy")
    second = worker(db, admin, "walter")
    referral_ids = [seed_referral(db, n=n) for n in range(1, REFERRALS + 1)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Manager().Barrier(2)
    with context.Pool(2) as pool:
        results = [
            pool.apply_async(
                _start_all, (db_url, who.staff_id, who.username, referral_ids, barrier)
            )
            for who in (first, second)
        ]
        outcomes = [r.get(timeout=120) for r in results]
    for referral_id in referral_ids:
        assert _counts(db, referral_id) == (1, 1)
    started = [o for per_process in outcomes for o in per_process if o == "started"]
    refused = [o for per_process in outcomes for o in per_process if o.startswith("refused")]
    assert len(started) == REFERRALS and len(refused) == REFERRALS
    assert all("is already on this call" in o for o in refused)
    assert {o.split(": ", 1)[1].split(" is already")[0] for o in refused} <= {"wendy", "walter"}


def test_the_database_refuses_a_second_open_assessment(db: Database, admin: Actor) -> None:
    on_call = worker(db, admin)
    referral_id = seed_referral(db)
    svc.start_or_resume(db, on_call, referral_id, load_schemes())
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(Assessment(referral_id=referral_id, worker_id=on_call.staff_id))
        session.flush()


def test_a_completed_assessment_does_not_count_as_open(db: Database, admin: Actor) -> None:
    on_call = worker(db, admin)
    referral_id = seed_referral(db)
    view = svc.start_or_resume(db, on_call, referral_id, load_schemes())
    with db.write() as session:
        done = session.get(Assessment, view.id)
        assert done is not None
        done.completed_at = datetime(2026, 11, 27, 12, tzinfo=UTC)
        session.add(done)
    with db.write() as session:
        session.add(Assessment(referral_id=referral_id, worker_id=on_call.staff_id))


def test_the_second_worker_is_told_who_is_on_the_call(db: Database, admin: Actor) -> None:
    wendy = worker(db, admin, "wendy")
    walter = worker(db, admin, "walter")
    referral_id = seed_referral(db)
    svc.start_or_resume(db, wendy, referral_id, load_schemes())
    with pytest.raises(
        AlreadyOnTheCall, match=r"^wendy is already on this call \(assessment started"
    ):
        svc.start_or_resume(db, walter, referral_id, load_schemes())
    assert _counts(db, referral_id) == (1, 1)
    again = svc.start_or_resume(db, wendy, referral_id, load_schemes())
    assert again.referral_id == referral_id


def test_answers_belong_to_the_worker_on_the_call(db: Database, admin: Actor) -> None:
    wendy = worker(db, admin, "wendy")
    walter = worker(db, admin, "walter")
    referral_id = seed_referral(db)
    view = svc.start_or_resume(db, wendy, referral_id, load_schemes())
    svc.save_answer(db, wendy, view.id, "identity_check", "", "q1", "yes", today=TODAY)
    with pytest.raises(NotYourCall, match="wendy is on this call now.*nothing was saved"):
        svc.save_answer(db, walter, view.id, "identity_check", "", "q1", "no", today=TODAY)
    assert svc.load(db, wendy, view.id).stored("identity_check").answers["q1"] == "yes"


def test_taking_a_call_over_hands_it_on_and_the_old_screen_cannot_overwrite(
    db: Database, admin: Actor
) -> None:
    wendy = worker(db, admin, "wendy")
    walter = worker(db, admin, "walter")
    referral_id = seed_referral(db)
    view = svc.start_or_resume(db, wendy, referral_id, load_schemes())
    svc.save_answer(db, wendy, view.id, "identity_check", "", "q1", "yes", today=TODAY)
    taken = svc.start_or_resume(db, walter, referral_id, load_schemes(), take_over=True)
    assert taken.id == view.id
    svc.save_answer(db, walter, view.id, "identity_check", "", "q1", "no", today=TODAY)
    with pytest.raises(NotYourCall, match="walter is on this call now"):
        svc.save_answer(db, wendy, view.id, "identity_check", "", "q1", "yes", today=TODAY)
    assert svc.load(db, walter, view.id).stored("identity_check").answers["q1"] == "no"
