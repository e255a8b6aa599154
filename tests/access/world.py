"""One seeded world for the access table: staff of every role in two forces, and builders
that make a fresh record of force A for each cell, so no cell depends on another's writes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Allocation,
    Assessment,
    Booking,
    ContactAttempt,
    CourseGroup,
    CourseSession,
    InstrumentResponse,
    IntelligenceLog,
    Need,
    NeedService,
    Person,
    Referral,
    SafeguardingConcern,
    Service,
    Staff,
    StaffForce,
    metadata,
)
from divert_tui.core.services.assessment import save_answer
from divert_tui.core.services.base import Actor
from divert_tui.core.services.referral_conflicts import snapshot
from divert_tui.core.vocab import ReferralStatus, Role

FORCE_A = "west_midlands"
FORCE_B = "west_mercia"
PASSWORD = "a-long-password"
TODAY = date(2026, 11, 2)  # in the past, so no call is refused as "in the future"
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Who:
    """One column of the table: an actor and what makes it special."""

    key: str
    words: str
    actor: Actor
    force: str
    live_trainer: bool = False
    inactive: bool = False


class World:
    """The database every cell runs against, and builders of fresh force-A records."""

    def __init__(self, db: Database, url: str, folder: Path) -> None:
        self.db = db
        self.url = url
        self.folder = folder
        self._n = itertools.count(1)
        self._answered: dict[str, int] = {}
        self.system = Actor.system("access-table")
        self.people: dict[str, Who] = {}
        for force, tag in ((FORCE_A, "a"), (FORCE_B, "b")):
            for role in Role:
                actor = self._staff(f"{role.value}_{tag}", role, force, demo=role is Role.TRAINER)
                self.people[f"{role.value}_{tag}"] = Who(
                    f"{role.value}_{tag}", f"{role.value} of force {tag.upper()}", actor, force
                )
        live = self._staff("trainer_live", Role.TRAINER, FORCE_A, demo=False)
        self.people["trainer_live"] = Who(
            "trainer_live", "trainer on a live database", live, FORCE_A, live_trainer=True
        )
        gone = self._staff("admin_gone", Role.ADMIN, FORCE_A, demo=False)
        with db.write() as session:
            row = session.get(Staff, gone.staff_id)
            assert row is not None
            row.active = False
            session.add(row)
        self.people["admin_gone"] = Who(
            "admin_gone", "deactivated admin of force A", gone, FORCE_A, inactive=True
        )
        self.worker_a = self.people["worker_a"].actor.staff_id or 0
        self.group_id = self._group()

    def _staff(self, name: str, role: Role, force: str, *, demo: bool) -> Actor:
        """Put in directly: hashing a password for each would cost more than the table."""
        with self.db.write() as session:
            row = Staff(username=name, display_name=name.replace("_", " "), role=role.value)
            session.add(row)
            session.flush()
            session.add(StaffForce(staff_id=row.id or 0, force_code=force))
            return Actor(row.id, name, role, frozenset({force}), row.display_name, demo)

    def _group(self) -> int:
        with self.db.write() as session:
            found = session.execute(select(CourseGroup.id).order_by(CourseGroup.id)).first()
            if found is not None:
                return int(found[0])
            group = CourseGroup(code="cannabis", name="Cannabis course", path="group_cannabis")
            session.add(group)
            session.flush()
            return group.id or 0

    def n(self) -> int:
        return next(self._n)

    def path(self, name: str) -> Path:
        return self.folder / f"{self.n()}-{name}"

    def new_folder(self) -> Path:
        made = self.path("folder")
        made.mkdir()
        return made

    # --- what a refusal must leave alone, read in one round trip ----------------------------

    def counts(self) -> tuple[object, ...]:
        """Rows of every table, and each table's sum of versions and latest change, so an
        update before a refusal shows as well as an insert."""
        parts = []
        for table in metadata.sorted_tables:
            parts.append(f'(SELECT count(*) FROM "{table.name}")')
            if "version" in table.c:
                parts.append(f'(SELECT coalesce(sum(version), 0) FROM "{table.name}")')
            if "updated_at" in table.c:
                parts.append(f'(SELECT max(updated_at) FROM "{table.name}")')
        with self.db.engine.connect() as conn:
            return tuple(conn.execute(text(f"SELECT {', '.join(parts)}")).one())

    # --- builders: each returns the id of a new force-A record ------------------------------

    def person(self) -> int:
        n = self.n()
        with self.db.write() as session:
            person = Person(
                first_name=f"Alex{n}",
                last_name="Access",
                first_name_key=f"alex{n}",
                last_name_key="access",
                date_of_birth=date(1990, 1, 1) + timedelta(days=n),
                phone="07700 900111",
            )
            session.add(person)
            session.flush()
            return person.id or 0

    def referral(
        self,
        status: ReferralStatus = ReferralStatus.RECEIVED,
        *,
        worker: int | None = None,
        person: int | None = None,
        **extra: Any,
    ) -> int:
        person_id = person or self.person()
        n = self.n()
        with self.db.write() as session:
            referral = Referral(
                force_code=FORCE_A,
                police_reference=f"WM/ACC/{n:05d}",
                person_id=person_id,
                referred_at=NOW - timedelta(days=10),
                offence_date=(NOW - timedelta(days=10)).date(),
                substances="cannabis",
                main_substance="cannabis",
                status=status.value,
                assigned_worker_id=worker,
                **extra,
            )
            session.add(referral)
            session.flush()
            return referral.id or 0

    def seen(self) -> Any:
        """What a screen showed of a fresh referral, as the conflict check is given it."""
        rid = self.referral()
        with self.db.read() as session:
            referral = session.get(Referral, rid)
            assert referral is not None
            return snapshot(session, referral)

    def reference(self, referral_id: int) -> str:
        with self.db.read() as session:
            row = session.get(Referral, referral_id)
            assert row is not None
            return row.police_reference

    def assessment(self, referral_id: int | None = None, *, completed: bool = False) -> int:
        rid = referral_id or self.referral(ReferralStatus.CONTACTING)
        with self.db.write() as session:
            assessment = Assessment(
                referral_id=rid, completed_at=NOW if completed else None, current_step="identity"
            )
            session.add(assessment)
            session.flush()
            return assessment.id or 0

    def answered(self, answers: dict[str, dict[str, Any]]) -> int:
        """An open assessment with these answers: given once through the service, as a call
        does, then copied (assessment and responses) for every later cell."""
        key = repr(answers)
        if key not in self._answered:
            aid = self.assessment()
            for instrument, items in answers.items():
                for item, value in items.items():
                    save_answer(self.db, self.system, aid, instrument, "", item, value, today=TODAY)
            self._answered[key] = aid
            return aid
        return self._copy_of(self._answered[key])

    def _copy_of(self, assessment_id: int) -> int:
        rid = self.referral(ReferralStatus.CONTACTING)
        with self.db.write() as session:
            source = session.get(Assessment, assessment_id)
            assert source is not None
            fields = source.model_dump(exclude={"id", "referral_id"})
            copy = Assessment(**fields, referral_id=rid)
            session.add(copy)
            session.flush()
            rows = session.execute(
                select(InstrumentResponse).where(InstrumentResponse.assessment_id == assessment_id)
            ).scalars()
            for response in rows:
                kept = response.model_dump(exclude={"id", "assessment_id"})
                session.add(InstrumentResponse(**kept, assessment_id=copy.id or 0))
            return copy.id or 0

    def identified(self) -> int:
        """An open assessment whose identity and safety check is done."""
        return self.answered({"identity_check": {f"q{n}": "yes" for n in range(1, 6)}})

    def self_harm(self) -> int:
        """An open assessment whose answers show a self-harm risk to act on."""
        return self.answered(
            {"phq2": {"q1": 2, "q2": 2}, "phq9": {f"q{n}": 1 for n in range(3, 10)}}
        )

    def assessed(self) -> int:
        """A referral whose assessment is complete; returns the referral."""
        rid = self.referral(ReferralStatus.ASSESSED)
        self.assessment(rid, completed=True)
        return rid

    def declined(self) -> int:
        """An allocated referral whose person declined on the phone."""
        rid = self.referral(ReferralStatus.ALLOCATED)
        with self.db.write() as session:
            session.add(ContactAttempt(referral_id=rid, attempted_at=NOW, outcome="declined"))
        return rid

    def letters(self) -> str:
        """A fresh name made of letters only (names may not hold digits)."""
        n, out = self.n(), ""
        while n:
            n, d = divmod(n, 26)
            out += "abcdefghijklmnopqrstuvwxyz"[d]
        return out.title()

    def allocated(self, path: str = "group_cannabis") -> int:
        rid = self.referral(ReferralStatus.ALLOCATED)
        with self.db.write() as session:
            session.add(Allocation(referral_id=rid, suggested=path, chosen=path, reasons=["x"]))
        return rid

    def service(self) -> int:
        with self.db.write() as session:
            row = Service(name=f"Service {self.n()}", domain="housing", force_code=FORCE_A)
            session.add(row)
            session.flush()
            return row.id or 0

    def need(self) -> int:
        aid = self.assessment(completed=False)
        with self.db.write() as session:
            need = Need(assessment_id=aid, domain="housing", level="some", reason="test")
            session.add(need)
            session.flush()
            return need.id or 0

    def need_service(self) -> int:
        need_id = self.need()
        with self.db.write() as session:
            row = NeedService(need_id=need_id, action="advice")
            session.add(row)
            session.flush()
            return row.id or 0

    def concern(self) -> int:
        rid = self.referral(ReferralStatus.CONTACTING)
        with self.db.write() as session:
            row = SafeguardingConcern(referral_id=rid, type="other", detail="test")
            session.add(row)
            session.flush()
            return row.id or 0

    def session(self, *, days: int = 14) -> int:
        with self.db.write() as session:
            row = CourseSession(
                group_id=self.group_id,
                starts_at=NOW + timedelta(days=days),
                capacity=12,
                force_code=FORCE_A,
                mode="video",
            )
            session.add(row)
            session.flush()
            return row.id or 0

    def booking(self, *, days: int = 14) -> int:
        rid = self.allocated()
        sid = self.session(days=days)
        with self.db.write() as session:
            row = Booking(session_id=sid, referral_id=rid)
            session.add(row)
            ref = session.get(Referral, rid)
            assert ref is not None
            ref.status = ReferralStatus.BOOKED.value
            session.add(ref)
            session.flush()
            return row.id or 0

    def barred(self) -> int:
        """A new referral of a person with an earlier non-compliant one and a live bar."""
        person = self.person()
        earlier = self.referral(ReferralStatus.NON_COMPLIANT, person=person)
        with self.db.write() as session:
            session.add(
                IntelligenceLog(
                    person_id=person,
                    referral_id=earlier,
                    force_code=FORCE_A,
                    reason="did not take part",
                    created_at=NOW - timedelta(days=60),
                    bar_until=TODAY + timedelta(days=300),
                )
            )
        return self.referral(ReferralStatus.INELIGIBLE, person=person)

    def staff_member(self, role: Role = Role.WORKER, *, active: bool = True) -> str:
        name = f"target{self.n()}"
        with self.db.write() as session:
            row = Staff(username=name, display_name=name, role=role.value, active=active)
            session.add(row)
            session.flush()
            session.add(StaffForce(staff_id=row.id or 0, force_code=FORCE_A))
        return name

    def staff_id(self, username: str) -> int:
        with self.db.read() as session:
            found = session.execute(select(Staff.id).where(Staff.username == username)).one()
            return int(found[0])
