"""Seeding a referral and answering whole forms through the services, as the screen does."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from divert_tui.core.database import Database
from divert_tui.core.models import Person, Referral
from divert_tui.core.services import assessment as svc
from divert_tui.core.services.base import Actor
from divert_tui.core.services.staff import add_staff
from divert_tui.core.vocab import Role

TODAY = date(2026, 11, 27)


def worker(db: Database, admin: Actor, name: str = "wendy") -> Actor:
    made = add_staff(db, admin, name, Role.WORKER, "a-long-password", forces=["west_midlands"])
    return Actor(made.id, made.username, Role.WORKER, frozenset({"west_midlands"}), name)


def seed_referral(db: Database, substances: str = "cannabis", n: int = 1) -> int:
    with db.write() as session:
        person = Person(
            first_name=f"Sam{n}",
            last_name="Example",
            first_name_key=f"sam{n}",
            last_name_key="example",
            date_of_birth=date(1995, 5, n),
        )
        session.add(person)
        session.flush()
        referral = Referral(
            force_code="west_midlands",
            police_reference=f"WM/TEST/{n:04d}",
            person_id=person.id or 0,
            referred_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
            offence_date=date(2026, 11, 20),
            substances=substances,
            main_substance=substances.split(";")[0],
        )
        session.add(referral)
        session.flush()
        return referral.id or 0


def answer(
    db: Database,
    actor: Actor,
    assessment_id: int,
    instrument: str,
    answers: dict[str, Any],
    subject: str = "",
    context: dict[str, Any] | None = None,
) -> svc.AssessmentView:
    view = None
    for item, value in answers.items():
        view = svc.save_answer(
            db, actor, assessment_id, instrument, subject, item, value, context=context, today=TODAY
        )
    assert view is not None
    return view


IDENTITY_OK = {"q1": "yes", "q2": "yes", "q3": "yes", "q4": "yes", "q5": "yes"}
ALL_NO_DASH = {f"q{n}": "no" for n in range(1, 25)}
DASH_15 = {f"q{n}": ("yes" if n <= 15 else "no") for n in range(1, 25)}
QUIET_MODULES: dict[str, dict[str, Any]] = {
    "pgsi": {f"q{n}": 0 for n in range(1, 10)},
    "phq2": {"q1": 0, "q2": 0},
    "gad2": {"q1": 0, "q2": 0},
    "domestic_abuse_enquiry": {"q1": "no"},
    "housing": {"q1": "private_rent", "q2": "no", "q3": "no", "q4": "no"},
    "exploitation": {f"q{n}": "no" for n in range(1, 9)},
    "safeguarding": {"q1": "no", "q3": "no", "q5": "not_applicable", "q6": "no", "q7": "no"},
    "employment": {"q1": "employed", "q2": 20, "q3": 0, "q4": "no", "q5": "no"},
    "debt": {"q1": "no", "q2": "no", "q3": "no", "q4": "no"},
}
