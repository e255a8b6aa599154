"""Who carries what: each worker's load against the lead's target, and moving referrals from
one worker to another (a colleague off sick, a worker who leaves).

A move is one transaction: every referral is checked (in the lead's forces, open, the new
worker covers its force) before any is changed, so a refused move changes nothing, and each
moved referral gets its own audit event naming who had it and who has it now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Assessment,
    Booking,
    CourseSession,
    Referral,
    Setting,
    Staff,
    StaffForce,
)
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    Actor,
    NotFound,
    Permission,
    PermissionDenied,
    ValidationError,
    require,
)
from divert_tui.core.services.caseload import OPEN_VALUES, overdue_condition
from divert_tui.core.vocab import BookingStatus, Role

TARGET_KEY = "caseload_target"
DEFAULT_TARGET = 40
MAX_TARGET = 500


@dataclass(frozen=True)
class WorkerLoad:
    staff_id: int
    name: str
    username: str
    forces: tuple[str, ...]
    open_referrals: int
    first_contacts_overdue: int
    assessments_in_progress: int
    bookings_this_week: int
    target: int

    @property
    def over_target(self) -> bool:
        return self.open_referrals > self.target

    @property
    def share_of_target(self) -> str:
        return f"{round(100 * self.open_referrals / self.target)}%" if self.target else "-"


def _caseload_target(db: Database) -> int:
    """The open referrals a worker is expected to carry (set by a lead; 40 until then)."""
    with db.read() as session:
        row = session.get(Setting, TARGET_KEY)
        value = row.value if row is not None else ""
    try:
        return int(value) if value else DEFAULT_TARGET
    except ValueError:
        return DEFAULT_TARGET


def set_caseload_target(db: Database, actor: Actor, target: int) -> int:
    require(actor, Permission.REASSIGN)
    if not 1 <= target <= MAX_TARGET:
        raise ValidationError(
            {"target": f"a caseload target is a number of referrals from 1 to {MAX_TARGET}"}
        )
    with db.write() as session:
        row = session.get(Setting, TARGET_KEY)
        before = row.value if row is not None else str(DEFAULT_TARGET)
        session.merge(Setting(key=TARGET_KEY, value=str(target)))
        audit.record(
            session,
            actor,
            "settings.caseload_target",
            "setting",
            TARGET_KEY,
            f"{before} -> {target}",
        )
    return target


@dataclass(frozen=True)
class _Worker:
    id: int
    display_name: str
    username: str


def _workers_of(session, actor: Actor) -> list[tuple[_Worker, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    links = session.exec(select(StaffForce.staff_id, StaffForce.force_code)).all()
    forces: dict[int, set[str]] = {}
    for staff_id, code in links:
        forces.setdefault(staff_id, set()).add(code)
    people = session.exec(
        select(Staff)
        .where(
            col(Staff.role).in_([Role.WORKER.value, Role.TEAM_LEAD.value]),
            col(Staff.active).is_(True),
        )
        .order_by(col(Staff.display_name), col(Staff.id))
    ).all()
    chosen = []
    for person in people:
        theirs = forces.get(person.id or 0, set())
        if actor.sees_all_forces or theirs & actor.forces:
            plain = _Worker(person.id or 0, person.display_name, person.username)
            chosen.append((plain, tuple(sorted(theirs))))
    return chosen


def worker_loads(db: Database, actor: Actor, *, today: date) -> list[WorkerLoad]:
    """Every active worker and lead who shares a force with the actor, with their load."""
    require(actor, Permission.REASSIGN)
    target = _caseload_target(db)
    week_start = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), UTC)
    week_end = week_start + timedelta(days=7)
    with db.read() as session:
        workers = _workers_of(session, actor)
        ids = [w.id for w, _ in workers]

        def counts(statement) -> dict[int, int]:  # type: ignore[no-untyped-def]
            return {k: v for k, v in session.exec(statement).all() if k is not None}

        open_counts = counts(
            select(Referral.assigned_worker_id, func.count())
            .where(col(Referral.assigned_worker_id).in_(ids), col(Referral.status).in_(OPEN_VALUES))
            .group_by(Referral.assigned_worker_id)
        )
        overdue = counts(
            select(Referral.assigned_worker_id, func.count())
            .where(col(Referral.assigned_worker_id).in_(ids), overdue_condition(today))
            .group_by(Referral.assigned_worker_id)
        )
        in_progress = counts(
            select(Assessment.worker_id, func.count())
            .join(Referral, col(Referral.id) == Assessment.referral_id)
            .where(
                col(Assessment.worker_id).in_(ids),
                col(Assessment.completed_at).is_(None),
                col(Referral.status).in_(OPEN_VALUES),
            )
            .group_by(Assessment.worker_id)
        )
        bookings = counts(
            select(Referral.assigned_worker_id, func.count())
            .join(Booking, col(Booking.referral_id) == Referral.id)
            .join(CourseSession, col(CourseSession.id) == Booking.session_id)
            .where(
                col(Referral.assigned_worker_id).in_(ids),
                Booking.status == BookingStatus.BOOKED.value,
                col(CourseSession.starts_at) >= week_start,
                col(CourseSession.starts_at) < week_end,
            )
            .group_by(Referral.assigned_worker_id)
        )
    return [
        WorkerLoad(
            staff_id=w.id,
            name=w.display_name,
            username=w.username,
            forces=forces,
            open_referrals=open_counts.get(w.id, 0),
            first_contacts_overdue=overdue.get(w.id, 0),
            assessments_in_progress=in_progress.get(w.id, 0),
            bookings_this_week=bookings.get(w.id, 0),
            target=target,
        )
        for w, forces in workers
    ]


def _receiver(session, actor: Actor, staff_id: int) -> tuple[Staff, frozenset[str]]:  # type: ignore[no-untyped-def]
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(f"no staff member {staff_id}")
    if not staff.active:
        raise ValidationError(
            {"worker": f"{staff.display_name} is not active: choose someone else"}
        )
    if staff.role not in (Role.WORKER.value, Role.TEAM_LEAD.value):
        raise ValidationError(
            {
                "worker": f"{staff.display_name} is not a worker or team lead and cannot hold referrals"
            }
        )
    forces = frozenset(
        session.exec(select(StaffForce.force_code).where(StaffForce.staff_id == staff_id)).all()
    )
    return staff, forces


def reassign(
    db: Database,
    actor: Actor,
    referral_ids: Sequence[int],
    to_staff_id: int,
    *,
    reason: str = "",
) -> int:
    """Move these referrals to one worker; all or nothing. Returns how many moved (a referral
    the worker already holds is left as it is)."""
    require(actor, Permission.REASSIGN)
    wanted = sorted(set(referral_ids))
    if not wanted:
        raise ValidationError({"selection": "choose at least one referral to reassign"})
    with db.write() as session:
        return _move(session, actor, wanted, to_staff_id, reason)


def _move(session, actor: Actor, wanted: list[int], to_staff_id: int, reason: str) -> int:  # type: ignore[no-untyped-def]
    staff, their_forces = _receiver(session, actor, to_staff_id)
    referrals = session.exec(select(Referral).where(col(Referral.id).in_(wanted))).all()
    found = {r.id: r for r in referrals}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"no referral {missing[0]}")
    outside = [r.police_reference for r in referrals if not actor.covers(r.force_code)]
    if outside:
        raise PermissionDenied(f"nothing was moved: {outside[0]} is not in your forces")
    problems: list[str] = []
    for referral in referrals:
        if referral.force_code not in their_forces:
            problems.append(
                f"{referral.police_reference} is a {_force_name(referral.force_code)} referral "
                f"and {staff.display_name} does not work for that force"
            )
        elif referral.status not in OPEN_VALUES:
            problems.append(
                f"{referral.police_reference} is {referral.status.replace('_', ' ')} (closed)"
            )
    if problems:
        more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise ValidationError({"selection": "nothing was moved: " + "; ".join(problems[:3]) + more})
    moved = 0
    now = datetime.now(UTC)
    for referral in sorted(referrals, key=lambda r: r.id or 0):
        if referral.assigned_worker_id == to_staff_id:
            continue
        before = referral.assigned_worker_id
        referral.assigned_worker_id = to_staff_id
        referral.version += 1
        referral.updated_at = now
        session.add(referral)
        audit.record(
            session,
            actor,
            "referral.reassign",
            "referral",
            referral.id,
            f"from={before if before is not None else 'unassigned'} to={to_staff_id}"
            + (f" reason={reason.strip()}" if reason.strip() else ""),
        )
        moved += 1
    return moved


def _force_name(code: str) -> str:
    return code.replace("_", " ").title()


def _open_of(session, actor: Actor, staff_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    statement = select(Referral.id).where(
        Referral.assigned_worker_id == staff_id, col(Referral.status).in_(OPEN_VALUES)
    )
    if not actor.sees_all_forces:
        statement = statement.where(col(Referral.force_code).in_(sorted(actor.forces)))
    return [int(i) for i in session.exec(statement.order_by(col(Referral.id))).all() if i]


def _require_shared_force(session, actor: Actor, staff_id: int) -> None:  # type: ignore[no-untyped-def]
    """A lead handles the caseloads of their own forces' workers only."""
    if actor.sees_all_forces:
        return
    theirs = set(
        session.exec(select(StaffForce.force_code).where(StaffForce.staff_id == staff_id)).all()
    )
    if not theirs & actor.forces:
        raise PermissionDenied(f"{actor.username} shares no force with staff member {staff_id}")


def open_referrals_of(db: Database, actor: Actor, staff_id: int) -> list[int]:
    """Every open referral a worker holds in the actor's forces."""
    require(actor, Permission.REASSIGN)
    with db.read() as session:
        _require_shared_force(session, actor, staff_id)
        return _open_of(session, actor, staff_id)


def reassign_all_of(
    db: Database, actor: Actor, from_staff_id: int, to_staff_id: int, *, reason: str = ""
) -> int:
    """Everything open that one worker holds (in the actor's forces) moves to another, in one
    transaction (a worker who leaves, or is off for a long time)."""
    require(actor, Permission.REASSIGN)
    if from_staff_id == to_staff_id:
        raise ValidationError({"worker": "choose a different worker to hand the referrals to"})
    with db.write() as session:
        _require_shared_force(session, actor, from_staff_id)
        ids = _open_of(session, actor, from_staff_id)
        if not ids:
            return 0
        return _move(session, actor, ids, to_staff_id, reason or "caseload handed on")
