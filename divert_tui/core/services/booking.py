"""Booking an allocated referral onto a session: offer, book, rebook, cancel, wait, attend.

A booking counts the places taken and inserts in one transaction with the session row
locked (``course_store.lock_session``), so a full session is never overbooked, even by two
workers booking its last place at once from two processes. Marking attendance moves the
referral through the lifecycle rules: completed, or back to allocated with the scheme's
missed-session verdict (which may propose non-compliance, confirmed by a person).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Allocation,
    Booking,
    CourseGroup,
    CourseSession,
    Referral,
    WaitingEntry,
    utcnow,
)
from divert_tui.core.rules import attendance, recurrence
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit, course_store
from divert_tui.core.services.base import (
    Actor,
    ConflictError,
    NotFound,
    Permission,
    ServiceError,
    ValidationError,
    check_version,
    get_for_update,
    require,
)
from divert_tui.core.services.course_store import SessionRow
from divert_tui.core.services.referrals import MoveRefused, move_within
from divert_tui.core.vocab import GROUP_OF_PATH, BookingStatus, ReferralStatus

S = ReferralStatus
B = BookingStatus


class SessionFull(ServiceError):
    """Every place is taken; ``waiting`` people are on the group's waiting list."""

    def __init__(self, waiting: int) -> None:
        self.waiting = waiting
        super().__init__(f"session full: {waiting} on the waiting list")


@dataclass(frozen=True)
class Offers:
    """What a referral can be booked onto now: the next sessions with places left."""

    referral_id: int
    force: str
    group: str | None
    status: str
    sessions: tuple[SessionRow, ...]
    waiting: int
    on_waiting_list: bool
    offered_session_id: int | None
    reason: str = ""


@dataclass(frozen=True)
class BookingView:
    booking_id: int
    session: SessionRow
    status: str
    cancel_reason: str | None

    @property
    def status_label(self) -> str:
        return attendance.BOOKING_LABELS.get(B(self.status), self.status)

    @property
    def words(self) -> str:
        return f"{self.session.group_name}, {recurrence.in_words(self.session.starts_at)}"


@dataclass(frozen=True)
class Booked:
    booking_id: int
    session: SessionRow
    referral_status: str
    referral_version: int


@dataclass(frozen=True)
class Marked:
    booking_id: int
    status: str
    referral_status: str
    missed: attendance.MissedVerdict


def _referral(session: Session, actor: Actor, referral_id: int) -> Referral:
    """The referral being booked, locked for the transaction on PostgreSQL (after the
    session row, always in that order), so that two bookings of one referral onto two
    sessions queue and the second sees the first; SQLite's BEGIN IMMEDIATE already does."""
    referral = get_for_update(session, Referral, referral_id)
    if referral is None:
        raise NotFound(f"no referral {referral_id}")
    require(actor, Permission.WORK_REFERRALS, force=referral.force_code)
    return referral


def _group_of(session: Session, referral: Referral) -> CourseGroup | None:
    chosen = session.exec(
        select(Allocation.chosen).where(Allocation.referral_id == referral.id)
    ).first()
    if chosen is None:
        return None
    return course_store.group_by_code(session, GROUP_OF_PATH[chosen])


def _current(session: Session, referral_id: int) -> Booking | None:
    return session.exec(
        select(Booking)
        .where(Booking.referral_id == referral_id, Booking.status == B.BOOKED.value)
        .order_by(col(Booking.booked_at).desc())
    ).first()


def offers(
    db: Database, actor: Actor, referral_id: int, *, limit: int = 9, now: datetime | None = None
) -> Offers:
    """The next sessions of the allocated group in the person's force with places left."""
    now = now or utcnow()
    with db.write() as session:
        referral = _referral(session, actor, referral_id)
        group = _group_of(session, referral)
        waiting = open_entry = None
        if group is None:
            return Offers(
                referral_id, referral.force_code, None, referral.status, (), 0, False, None,
                "no course or one-to-one has been chosen yet: allocate first",
            )  # fmt: skip
        waiting = course_store.waiting_count(session, referral.force_code, group.id or 0)
        open_entry = course_store.open_waiting(session, referral_id)
        courses = session.exec(
            select(CourseSession)
            .where(
                CourseSession.group_id == group.id,
                CourseSession.force_code == referral.force_code,
                col(CourseSession.starts_at) > now,
                col(CourseSession.cancelled_at).is_(None),
            )
            .order_by(col(CourseSession.starts_at), col(CourseSession.id))
            .limit(200)
        ).all()
        rows = course_store.session_rows(session, list(courses))
        offered_id = open_entry.offered_session_id if open_entry else None
        free = [r for r in rows if r.places_left > 0 or (offered_id and r.session_id == offered_id)]
        if offered_id:
            free.sort(key=lambda r: (r.session_id != offered_id, r.starts_at))
        return Offers(
            referral_id,
            referral.force_code,
            group.code,
            referral.status,
            tuple(free[:limit]),
            waiting,
            open_entry is not None,
            offered_id,
        )


def book(
    db: Database,
    actor: Actor,
    referral_id: int,
    session_id: int,
    schemes: Mapping[str, Scheme],
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Booked:
    """Book an allocated referral onto a session of its allocated group and force.

    Refused with ``SessionFull`` (nothing written) when no place is left.
    """
    now = now or utcnow()
    with db.write() as session:
        # The session row is locked first, so two bookings of it queue here.
        course = course_store.lock_session(session, session_id)
        referral = _referral(session, actor, referral_id)
        check_version(referral.version, expected_version, "referral")
        if referral.status != S.ALLOCATED.value:
            current = _current(session, referral_id)
            if referral.status == S.BOOKED.value and current is not None:
                raise ServiceError(
                    f"already booked on session {current.session_id}; rebook it instead"
                )
            raise MoveRefused(
                f"only an allocated referral can be booked; this one is "
                f"{referral.status.replace('_', ' ')}"
            )
        _check_session(session, course, referral, now)
        _take_place(session, course, referral_id)
        result = _insert(session, actor, course, referral, now)
        move_within(
            session, actor, referral, S.BOOKED.value, schemes, reason="booked onto a session"
        )
        course_store.close_waiting(session, referral_id, "booked")
        audit.record(
            session, actor, "booking.book", "booking", result.id or 0,
            f"referral={referral_id} session={session_id}",
        )  # fmt: skip
        row = course_store.session_rows(session, [course])[0]
        return Booked(result.id or 0, row, referral.status, referral.version)


def _check_session(
    session: Session, course: CourseSession, referral: Referral, now: datetime
) -> None:
    if course.cancelled_at is not None:
        raise ValidationError({"session": f"session {course.id} is cancelled; pick another"})
    if course.starts_at <= now:
        raise ValidationError({"session": f"session {course.id} has already started"})
    if course.force_code != referral.force_code:
        raise ValidationError(
            {"session": f"session {course.id} is not for this referral's force; pick another"}
        )
    group = _group_of(session, referral)
    if group is None or group.id != course.group_id:
        raise ValidationError(
            {"session": f"session {course.id} is not of the allocated course; pick another"}
        )


def _take_place(session: Session, course: CourseSession, referral_id: int) -> None:
    """Count the places held (bookings and offers to other people) with the row locked."""
    sid = course.id or 0
    held = course_store.taken(session, [sid]).get(sid, 0)
    mine = session.exec(
        select(WaitingEntry.id).where(
            WaitingEntry.referral_id == referral_id,
            WaitingEntry.offered_session_id == sid,
            col(WaitingEntry.closed_at).is_(None),
        )
    ).first()
    held += course_store.offered(session, [sid]).get(sid, 0) - (1 if mine else 0)
    if held >= course.capacity:
        raise SessionFull(
            course_store.waiting_count(session, course.force_code or "", course.group_id)
        )


def _insert(
    session: Session, actor: Actor, course: CourseSession, referral: Referral, now: datetime
) -> Booking:
    existing = session.exec(
        select(Booking).where(Booking.session_id == course.id, Booking.referral_id == referral.id)
    ).first()
    if existing is not None and existing.status != B.CANCELLED.value:
        raise ConflictError(f"already booked on session {course.id}")
    booking = existing or Booking(session_id=course.id or 0, referral_id=referral.id or 0)
    booking.status = B.BOOKED.value
    booking.booked_at = now
    booking.updated_at = now
    booking.booked_by = actor.staff_id
    booking.cancel_reason = None
    session.add(booking)
    session.flush()
    return booking


def rebook(
    db: Database,
    actor: Actor,
    booking_id: int,
    session_id: int,
    *,
    reason: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Booked:
    """Move a booking to another session of the same group; the freed place is offered on."""
    now = now or utcnow()
    with db.write() as session:
        course = course_store.lock_session(session, session_id)
        old = session.get(Booking, booking_id)
        if old is None:
            raise NotFound(f"no booking {booking_id}")
        referral = _referral(session, actor, old.referral_id)
        check_version(referral.version, expected_version, "referral")
        if old.status != B.BOOKED.value:
            raise ServiceError(
                f"booking {booking_id} is {old.status.replace('_', ' ')}; book again"
            )
        if old.session_id == session_id:
            raise ValidationError({"session": "that is the session already booked"})
        _check_session(session, course, referral, now)
        _take_place(session, course, referral.id or 0)
        old.status = B.CANCELLED.value
        old.cancel_reason = f"rebooked: {reason.strip()}" if reason.strip() else "rebooked"
        old.updated_at = now
        session.add(old)
        session.flush()
        new = _insert(session, actor, course, referral, now)
        previous = course_store.lock_session(session, old.session_id)
        course_store.offer_freed_place(session, previous, now)
        referral.version += 1
        referral.updated_at = now
        session.add(referral)
        audit.record(
            session, actor, "booking.rebook", "booking", new.id or 0,
            f"referral={referral.id} from_session={old.session_id} to_session={session_id}",
        )  # fmt: skip
        row = course_store.session_rows(session, [course])[0]
        return Booked(new.id or 0, row, referral.status, referral.version)


def cancel_booking(
    db: Database,
    actor: Actor,
    booking_id: int,
    reason: str,
    schemes: Mapping[str, Scheme],
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> int | None:
    """Cancel a booking with a reason; the referral goes back to allocated and the freed
    place is offered to the first person waiting (returns their referral id, if any)."""
    if not reason.strip():
        raise ValidationError({"reason": "say why the booking is cancelled"})
    now = now or utcnow()
    with db.write() as session:
        booking = session.get(Booking, booking_id)
        if booking is None:
            raise NotFound(f"no booking {booking_id}")
        course = course_store.lock_session(session, booking.session_id)
        referral = _referral(session, actor, booking.referral_id)
        check_version(referral.version, expected_version, "referral")
        if booking.status != B.BOOKED.value:
            raise ServiceError(
                f"booking {booking_id} is {booking.status.replace('_', ' ')}; only a booked "
                "place can be cancelled"
            )
        booking.status = B.CANCELLED.value
        booking.cancel_reason = reason.strip()
        booking.updated_at = now
        session.add(booking)
        session.flush()
        if referral.status == S.BOOKED.value:
            move_within(
                session, actor, referral, S.ALLOCATED.value, schemes,
                reason=f"booking cancelled: {reason.strip()}",
            )  # fmt: skip
        offered_to = course_store.offer_freed_place(session, course, now)
        audit.record(
            session, actor, "booking.cancel", "booking", booking_id,
            f"referral={referral.id} session={course.id}"
            + (f" offered_to_referral={offered_to}" if offered_to else ""),
        )  # fmt: skip
        return offered_to


def join_waiting_list(db: Database, actor: Actor, referral_id: int) -> int:
    """Put an allocated referral on its group's waiting list; returns its place in the queue."""
    with db.write() as session:
        referral = _referral(session, actor, referral_id)
        if referral.status != S.ALLOCATED.value:
            raise MoveRefused(
                f"only an allocated referral waits for a place; this one is "
                f"{referral.status.replace('_', ' ')}"
            )
        group = _group_of(session, referral)
        if group is None:
            raise ValidationError({"allocation": "choose a course or one-to-one first"})
        if course_store.open_waiting(session, referral_id) is None:
            session.add(
                WaitingEntry(
                    referral_id=referral_id,
                    group_id=group.id or 0,
                    force_code=referral.force_code,
                    added_by=actor.staff_id,
                )
            )
            session.flush()
        place = course_store.waiting_count(session, referral.force_code, group.id or 0)
        audit.record(
            session, actor, "booking.waiting_list", "referral", referral_id, f"group={group.code}"
        )
        return place


def mark_attendance(
    db: Database,
    actor: Actor,
    booking_id: int,
    mark: str,
    schemes: Mapping[str, Scheme],
    *,
    now: datetime | None = None,
) -> Marked:
    """Record attended and completed, attended but left early, or did not attend."""
    try:
        chosen = attendance.parse_mark(mark)
    except ValueError as exc:
        raise ValidationError({"attendance": str(exc).partition(": ")[2]}) from None
    now = now or utcnow()
    with db.write() as session:
        booking = session.get(Booking, booking_id)
        if booking is None:
            raise NotFound(f"no booking {booking_id}")
        course = session.get(CourseSession, booking.session_id)
        referral = _referral(session, actor, booking.referral_id)
        if course is None or course.cancelled_at is not None:
            raise ServiceError("the session was cancelled; there is no attendance to mark")
        if course.starts_at > now:
            raise ValidationError(
                {"attendance": "the session has not started yet; mark attendance once it has"}
            )
        if booking.status != B.BOOKED.value:
            raise ServiceError(
                f"attendance is already recorded for this booking "
                f"({attendance.BOOKING_LABELS[B(booking.status)]})"
            )
        booking.status = attendance.MARK_STATUS[chosen].value
        booking.attendance_at = now
        booking.marked_by = actor.staff_id
        booking.updated_at = now
        session.add(booking)
        session.flush()
        target = attendance.MARK_REFERRAL[chosen].value
        words = {
            attendance.Mark.COMPLETED: "course completed",
            attendance.Mark.LEFT_EARLY: "left the session early; to be booked again",
            attendance.Mark.DID_NOT_ATTEND: "did not attend; to be booked again",
        }[chosen]
        if referral.status == S.BOOKED.value:
            move_within(session, actor, referral, target, schemes, reason=words)
        statuses = session.exec(
            select(Booking.status).where(Booking.referral_id == referral.id)
        ).all()
        verdict = attendance.assess_missed(statuses, schemes[referral.force_code])
        audit.record(
            session, actor, "booking.attendance", "booking", booking_id,
            f"referral={referral.id} mark={chosen.value} missed={verdict.missed}",
        )  # fmt: skip
        return Marked(booking_id, booking.status, referral.status, verdict)


def bookings_of(db: Database, actor: Actor, referral_id: int) -> list[BookingView]:
    """A referral's bookings, latest first, for the referral screen and "my work"."""
    with db.read() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFound(f"no referral {referral_id}")
        require(actor, Permission.VIEW_REFERRALS, force=referral.force_code)
        rows = session.exec(
            select(Booking, CourseSession)
            .join(CourseSession, col(CourseSession.id) == Booking.session_id)
            .where(Booking.referral_id == referral_id)
            .order_by(col(CourseSession.starts_at).desc(), col(Booking.id).desc())
        ).all()
        sessions = course_store.session_rows(session, [c for _, c in rows])
        return [
            BookingView(b.id or 0, s, b.status, b.cancel_reason)
            for (b, _), s in zip(rows, sessions, strict=True)
        ]


def add_one_to_one(
    db: Database,
    actor: Actor,
    referral_id: int,
    start: str | datetime,
    schemes: Mapping[str, Scheme],
    *,
    minutes: int = 60,
    mode: str = "phone",
    link: str | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Booked:
    """A one-to-one appointment (the actor, a time, a phone or video call), booked at once
    on the same booking model as the groups."""
    now = now or utcnow()
    if mode not in ("phone", "video"):
        raise ValidationError({"mode": "use phone or video"})
    try:
        local = recurrence.parse_local_start(start) if isinstance(start, str) else start
        when = recurrence.to_utc(local)
    except recurrence.RecurrenceError as exc:
        raise ValidationError({"start": str(exc).partition(": ")[2]}) from None
    if when <= now:
        raise ValidationError({"start": "the appointment must be in the future"})
    with db.write() as session:
        referral = _referral(session, actor, referral_id)
        check_version(referral.version, expected_version, "referral")
        group = _group_of(session, referral)
        if group is None or group.code != "one_to_one":
            raise ValidationError(
                {"allocation": "this referral is allocated to a group course, not a one-to-one"}
            )
        if referral.status != S.ALLOCATED.value:
            raise MoveRefused(
                f"only an allocated referral can be booked; this one is "
                f"{referral.status.replace('_', ' ')}"
            )
        course = CourseSession(
            group_id=group.id or 0,
            starts_at=when,
            duration_minutes=minutes,
            facilitator_id=actor.staff_id,
            capacity=1,
            meeting_link=(link or "").strip() or None,
            force_code=referral.force_code,
            mode=mode,
            created_by=actor.staff_id,
        )
        session.add(course)
        session.flush()
        result = _insert(session, actor, course, referral, now)
        move_within(session, actor, referral, S.BOOKED.value, schemes, reason="one-to-one booked")
        course_store.close_waiting(session, referral_id, "booked")
        audit.record(
            session, actor, "booking.one_to_one", "booking", result.id or 0,
            f"referral={referral_id} session={course.id} mode={mode}",
        )  # fmt: skip
        row = course_store.session_rows(session, [course])[0]
        return Booked(result.id or 0, row, referral.status, referral.version)
