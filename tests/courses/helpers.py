"""Allocated referrals and sessions put in directly, for the course tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Allocation,
    Assessment,
    InstrumentResponse,
    Person,
    Referral,
)
from divert_tui.core.services import sessions
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import ReferralStatus

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def allocated_referral(
    db: Database,
    n: int,
    *,
    force: str = "west_midlands",
    path: str = "group_cannabis",
    phone: str = "07700 900000",
    worker_id: int | None = None,
) -> int:
    """A referral of a new person, assessed and allocated to ``path``; returns its id."""
    with db.write() as session:
        person = Person(
            first_name=f"Pat{n:02d}",
            last_name="Tester",
            first_name_key=f"pat{n:02d}",
            last_name_key="tester",
            date_of_birth=date(1995, 1, 1) + timedelta(days=n),
            phone=phone,
        )
        session.add(person)
        session.flush()
        referral = Referral(
            force_code=force,
            police_reference=f"WM/2027/{n:06d}",
            person_id=person.id or 0,
            referred_at=NOW - timedelta(days=10),
            offence_date=(NOW - timedelta(days=10)).date(),
            substances="cannabis",
            main_substance="cannabis",
            status=ReferralStatus.ALLOCATED.value,
            assigned_worker_id=worker_id,
        )
        session.add(referral)
        session.flush()
        session.add(
            Allocation(
                referral_id=referral.id or 0,
                suggested=path,
                chosen=path,
                reasons=["main substance found: cannabis"],
                decided_at=NOW - timedelta(days=3),
            )
        )
        return referral.id or 0


def mark_number_unsafe(db: Database, referral_id: int, *, safe: bool = False) -> None:
    """The identity check of a call, answering q3 (is this number safe to call back on)."""
    with db.write() as session:
        assessment = Assessment(referral_id=referral_id)
        session.add(assessment)
        session.flush()
        session.add(
            InstrumentResponse(
                assessment_id=assessment.id or 0,
                instrument_id="identity_check",
                instrument_version="1",
                answers={"q1": "yes", "q2": "yes", "q3": "yes" if safe else "no"},
                flags=[] if safe else ["no_safe_contact"],
            )
        )


def add_sessions(
    db: Database,
    actor: Actor,
    start: str = "2027-03-02 18:00",
    *,
    repeat: str | None = None,
    capacity: int = 12,
    group: str = "cannabis",
    force: str = "west_midlands",
    now: datetime = NOW,
) -> list[int]:
    plan = sessions.plan_sessions(
        force=force,
        group=group,
        start=start,
        minutes=150,
        capacity=capacity,
        repeat=repeat,
        link="https://meet.example.org/divert/test",
    )
    return [r.session_id for r in sessions.add_sessions(db, actor, plan, now=now)]
