"""Planning course sessions: add (one-off or recurring), list, cancel, and the roster.

Times are stored in UTC and worked out from UK local time by ``rules.recurrence``; every
use case is one transaction with one permission check and one audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Booking,
    CourseGroup,
    CourseSession,
    Person,
    Referral,
    WaitingEntry,
    utcnow,
)
from divert_tui.core.rules import recurrence
from divert_tui.core.rules.attendance import BOOKING_LABELS, HOLDS_PLACE
from divert_tui.core.rules.id_ranges import referrals_detail
from divert_tui.core.services import audit, course_store
from divert_tui.core.services.base import (
    Actor,
    NotFound,
    Permission,
    ServiceError,
    ValidationError,
    require,
)
from divert_tui.core.services.course_store import SessionRow
from divert_tui.core.services.safe_contact import numbers_not_safe
from divert_tui.core.vocab import COURSE_GROUPS, BookingStatus, ReferralStatus

MAX_MINUTES = 8 * 60
MAX_CAPACITY = 100
MODES = ("video", "phone")


@dataclass(frozen=True)
class SessionPlan:
    """What ``add_sessions`` would create: checked input and the dates in words."""

    force: str
    group: str
    occurrences: tuple[recurrence.Occurrence, ...]
    minutes: int
    capacity: int
    link: str | None
    facilitator: str | None
    rule: str | None
    mode: str = "video"

    @property
    def words(self) -> list[str]:
        return [o.words for o in self.occurrences]


def plan_sessions(
    *,
    force: str,
    group: str,
    start: str | datetime,
    minutes: int,
    capacity: int,
    repeat: str | None = None,
    link: str | None = None,
    facilitator: str | None = None,
    known_forces: set[str] | frozenset[str] | None = None,
    mode: str = "video",
) -> SessionPlan:
    """Check the input and work out the dates (no database): shown before saving."""
    errors: dict[str, str] = {}
    if known_forces is not None and force not in known_forces:
        errors["force"] = f"unknown force {force!r}: use {', '.join(sorted(known_forces))}"
    if group not in COURSE_GROUPS:
        errors["group"] = f"unknown group {group!r}: use {', '.join(COURSE_GROUPS)}"
    if not 15 <= minutes <= MAX_MINUTES:
        errors["minutes"] = f"the length must be 15 to {MAX_MINUTES} minutes"
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = f"the capacity must be 1 to {MAX_CAPACITY} places"
    if mode not in MODES:
        errors["mode"] = f"use {' or '.join(MODES)}"
    if link and not link.startswith(("https://", "http://")):
        errors["link"] = "the meeting link must start with https://"
    found: list[recurrence.Occurrence] = []
    try:
        local = recurrence.parse_local_start(start) if isinstance(start, str) else start
        found = recurrence.occurrences(local, repeat)
    except recurrence.RecurrenceError as exc:
        name, _, reason = str(exc).partition(": ")
        errors[name] = reason
    if errors:
        raise ValidationError(errors)
    return SessionPlan(
        force,
        group,
        tuple(found),
        minutes,
        capacity,
        (link or "").strip() or None,
        facilitator or None,
        (repeat or "").strip() or None,
        mode,
    )


def add_sessions(
    db: Database, actor: Actor, plan: SessionPlan, *, now: datetime | None = None
) -> list[SessionRow]:
    """Save the planned sessions; a session in the past is refused."""
    require(actor, Permission.MANAGE_SESSIONS, force=plan.force)
    now = now or utcnow()
    past = [o.words for o in plan.occurrences if o.starts_at <= now]
    if past:
        raise ValidationError({"start": f"{past[0]} is in the past; sessions are planned ahead"})
    with db.write() as session:
        group = course_store.group_by_code(session, plan.group)
        facilitator = course_store.facilitator_id(session, plan.facilitator)
        created = []
        for occurrence in plan.occurrences:
            course = CourseSession(
                group_id=group.id or 0,
                starts_at=occurrence.starts_at,
                duration_minutes=plan.minutes,
                facilitator_id=facilitator,
                capacity=plan.capacity,
                meeting_link=plan.link,
                force_code=plan.force,
                mode=plan.mode,
                recurrence=plan.rule,
                created_by=actor.staff_id,
            )
            session.add(course)
            created.append(course)
        session.flush()
        audit.record(
            session,
            actor,
            "sessions.add",
            "course_session",
            created[0].id or "",
            f"force={plan.force} group={plan.group} count={len(created)}",
        )
        return course_store.session_rows(session, created)


def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=recurrence.UK).astimezone(UTC)


def list_sessions(
    db: Database,
    actor: Actor,
    *,
    force: str | None = None,
    group: str | None = None,
    start: date | None = None,
    end: date | None = None,
    include_cancelled: bool = True,
    limit: int = 2000,
) -> list[SessionRow]:
    """Sessions between two UK dates (inclusive), soonest first, of the actor's forces."""
    require(actor, Permission.VIEW_REFERRALS, force=force)
    with db.read() as session:
        statement = select(CourseSession).order_by(
            col(CourseSession.starts_at), col(CourseSession.id)
        )
        if force:
            statement = statement.where(CourseSession.force_code == force)
        elif not actor.sees_all_forces:
            statement = statement.where(col(CourseSession.force_code).in_(sorted(actor.forces)))
        if group:
            if group not in COURSE_GROUPS:
                raise ValidationError(
                    {"group": f"unknown group {group!r}: use {', '.join(COURSE_GROUPS)}"}
                )
            statement = statement.join(
                CourseGroup, col(CourseGroup.id) == CourseSession.group_id
            ).where(CourseGroup.code == group)
        if start:
            statement = statement.where(col(CourseSession.starts_at) >= _local_day_start(start))
        if end:
            statement = statement.where(
                col(CourseSession.starts_at) < _local_day_start(end + timedelta(days=1))
            )
        if not include_cancelled:
            statement = statement.where(col(CourseSession.cancelled_at).is_(None))
        courses = list(session.exec(statement.limit(limit)).all())
        return course_store.session_rows(session, courses)


@dataclass(frozen=True)
class Moved:
    referral_id: int
    police_reference: str
    to_session_id: int | None  # None: back to waiting


@dataclass(frozen=True)
class CancelResult:
    session_id: int
    moved: tuple[Moved, ...]

    @property
    def to_next(self) -> int:
        return sum(1 for m in self.moved if m.to_session_id is not None)

    @property
    def to_waiting(self) -> int:
        return sum(1 for m in self.moved if m.to_session_id is None)


def cancel_session(
    db: Database,
    actor: Actor,
    session_id: int,
    schemes,  # type: ignore[no-untyped-def]
    *,
    reason: str = "",
    move_to_next: bool = False,
    now: datetime | None = None,
) -> CancelResult:
    """Cancel a session; everyone booked moves to the next session of the group with a place
    (``move_to_next``) or goes back to allocated on the group's waiting list."""
    from divert_tui.core.services.referrals import move_within

    now = now or utcnow()
    with db.write() as session:
        course = course_store.lock_session(session, session_id)
        require(actor, Permission.MANAGE_SESSIONS, force=course.force_code or None)
        if course.cancelled_at is not None:
            raise ServiceError(f"session {session_id} is already cancelled")
        if course.starts_at <= now:
            raise ServiceError(
                f"session {session_id} has already started; mark attendance on its roster instead"
            )
        words = reason.strip() or "session cancelled"
        course.cancelled_at = now
        course.cancel_reason = words
        course.version += 1
        session.add(course)
        bookings = session.exec(
            select(Booking, Referral)
            .join(Referral, col(Referral.id) == Booking.referral_id)
            .where(Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED.value)
            .order_by(col(Booking.booked_at), col(Booking.id))
        ).all()
        # Places held for the waiting list on this session go back to waiting.
        for entry in session.exec(
            select(WaitingEntry).where(
                WaitingEntry.offered_session_id == session_id, col(WaitingEntry.closed_at).is_(None)
            )
        ).all():
            entry.offered_session_id = None
            entry.offered_at = None
            session.add(entry)
        later = []
        if move_to_next and course.force_code:
            later = list(
                session.exec(
                    select(CourseSession)
                    .where(
                        CourseSession.group_id == course.group_id,
                        CourseSession.force_code == course.force_code,
                        col(CourseSession.starts_at) > course.starts_at,
                        col(CourseSession.cancelled_at).is_(None),
                        CourseSession.id != session_id,
                    )
                    .order_by(col(CourseSession.starts_at), col(CourseSession.id))
                ).all()
            )
        moved: list[Moved] = []
        for booking, referral in bookings:
            booking.status = BookingStatus.CANCELLED.value
            booking.cancel_reason = f"session cancelled: {words}"
            booking.updated_at = now
            session.add(booking)
            target = None
            for candidate in later:
                candidate = course_store.lock_session(session, candidate.id or 0)
                held = course_store.taken(session, [candidate.id or 0]).get(candidate.id or 0, 0)
                held += course_store.offered(session, [candidate.id or 0]).get(candidate.id or 0, 0)
                if held < candidate.capacity:
                    target = candidate
                    break
            session.flush()
            if target is not None:
                existing = session.exec(
                    select(Booking).where(
                        Booking.session_id == target.id, Booking.referral_id == referral.id
                    )
                ).first()
                new = existing or Booking(session_id=target.id or 0, referral_id=referral.id or 0)
                new.status = BookingStatus.BOOKED.value
                new.booked_at = now
                new.updated_at = now
                new.booked_by = actor.staff_id
                new.cancel_reason = None
                session.add(new)
                session.flush()
            else:
                move_within(
                    session,
                    actor,
                    referral,
                    ReferralStatus.ALLOCATED.value,
                    schemes,
                    reason=f"session cancelled ({words}); waiting for another session",
                )
                if course_store.open_waiting(session, referral.id or 0) is None:
                    session.add(
                        WaitingEntry(
                            referral_id=referral.id or 0,
                            group_id=course.group_id,
                            force_code=course.force_code or referral.force_code,
                            added_by=actor.staff_id,
                            added_at=now,
                        )
                    )
            moved.append(
                Moved(referral.id or 0, referral.police_reference, target.id if target else None)
            )
        session.flush()
        audit.record(
            session,
            actor,
            "sessions.cancel",
            "course_session",
            session_id,
            f"bookings={len(moved)} moved={sum(1 for m in moved if m.to_session_id)} "
            f"move_to_next={'yes' if move_to_next else 'no'}",
        )
        return CancelResult(session_id, tuple(moved))


@dataclass(frozen=True)
class RosterEntry:
    booking_id: int
    referral_id: int
    police_reference: str
    name: str
    phone: str | None
    safe_to_contact: bool
    status: str
    referral_status: str

    @property
    def status_label(self) -> str:
        return BOOKING_LABELS.get(BookingStatus(self.status), self.status)


@dataclass(frozen=True)
class Roster:
    session: SessionRow
    entries: tuple[RosterEntry, ...]
    demo: bool = False


ROSTER_COLUMNS = (
    "booking",
    "referral",
    "police_reference",
    "name",
    "phone",
    "safe_to_contact",
    "attendance",
)


def roster(
    db: Database,
    actor: Actor,
    session_id: int,
    *,
    deliver: Callable[[Roster], None] | None = None,
) -> Roster:
    """Who is booked on a session (not cancelled), with contact details and attendance.

    The read of people's details is audited; ``deliver`` (writing a file) runs inside the
    transaction so the audit event and the file go together.
    """
    with db.write() as session:
        course = session.get(CourseSession, session_id)
        if course is None:
            raise NotFound(f"no course session {session_id}")
        require(actor, Permission.VIEW_REFERRALS, force=course.force_code or None)
        entries = _roster_entries(session, session_id)
        row = course_store.session_rows(session, [course])[0]
        audit.record(
            session,
            actor,
            "sessions.roster",
            "course_session",
            session_id,
            f"people={len(entries)}"
            + (" exported" if deliver else "")
            + referrals_detail(entry.referral_id for entry in entries),
        )
        result = Roster(row, tuple(entries), actor.demo)
        if deliver is not None:
            deliver(result)
        return result


def _roster_entries(session: Session, session_id: int) -> list[RosterEntry]:
    rows = session.exec(
        select(Booking, Referral, Person)
        .join(Referral, col(Referral.id) == Booking.referral_id)
        .join(Person, col(Person.id) == Referral.person_id)
        .where(Booking.session_id == session_id, col(Booking.status).in_(HOLDS_PLACE))
        .order_by(col(Person.last_name), col(Person.first_name), col(Booking.id))
    ).all()
    unsafe = numbers_not_safe(session, [r.id or 0 for _, r, _ in rows])
    return [
        RosterEntry(
            booking.id or 0,
            referral.id or 0,
            referral.police_reference,
            f"{person.first_name} {person.last_name}",
            person.phone,
            (referral.id or 0) not in unsafe,
            booking.status,
            referral.status,
        )
        for booking, referral, person in rows
    ]


def roster_rows(result: Roster) -> list[tuple[object, ...]]:
    return [
        (
            e.booking_id,
            e.referral_id,
            e.police_reference,
            e.name,
            e.phone if e.safe_to_contact else "not safe to contact",
            e.safe_to_contact,
            e.status_label,
        )
        for e in result.entries
    ]
