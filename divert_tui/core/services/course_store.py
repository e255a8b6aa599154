"""What the course use cases share inside one transaction: groups, places taken, the lock
that stops overbooking, and the waiting list's first-freed-place offer.

No function here opens a transaction or records an audit event; the calling use case does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from divert_tui.core.models import Booking, CourseGroup, CourseSession, Staff, WaitingEntry, utcnow
from divert_tui.core.rules.attendance import HOLDS_PLACE
from divert_tui.core.rules.recurrence import london_iso
from divert_tui.core.services.base import NotFound, ValidationError
from divert_tui.core.vocab import COURSE_GROUPS


@dataclass(frozen=True)
class SessionRow:
    """A course session as lists, rosters and the command line show it."""

    session_id: int
    force: str
    group: str
    group_name: str
    starts_at: datetime
    minutes: int
    capacity: int
    booked: int
    facilitator: str | None
    link: str | None
    mode: str | None
    cancelled: bool
    offered: int = 0

    @property
    def places_left(self) -> int:
        return 0 if self.cancelled else max(0, self.capacity - self.booked - self.offered)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.session_id,
            "force": self.force,
            "group": self.group,
            "starts_at": london_iso(self.starts_at),
            "minutes": self.minutes,
            "capacity": self.capacity,
            "booked": self.booked,
            "places_left": self.places_left,
            "facilitator": self.facilitator,
            "link": self.link,
            "mode": self.mode or "video",
            "cancelled": self.cancelled,
        }


def group_by_code(session: Session, code: str) -> CourseGroup:
    """The course group of a code, created the first time a live database needs it."""
    info = COURSE_GROUPS.get(code)
    if info is None:
        raise ValidationError(
            {"group": f"unknown group {code!r}: use {', '.join(c for c in COURSE_GROUPS)}"}
        )
    group = session.exec(select(CourseGroup).where(CourseGroup.code == code)).first()
    if group is None:
        group = CourseGroup(code=code, name=info.name, path=info.path.value)
        session.add(group)
        session.flush()
    return group


def lock_session(session: Session, session_id: int) -> CourseSession:
    """The session row, locked for the rest of the transaction.

    On PostgreSQL ``SELECT ... FOR UPDATE`` makes a second booking of the same session wait
    until the first commits, and then count again; on SQLite every write transaction
    already begins with ``BEGIN IMMEDIATE``, which serialises writers database-wide.
    """
    statement = select(CourseSession).where(CourseSession.id == session_id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    found = session.exec(statement).first()
    if found is None:
        raise NotFound(f"no course session {session_id}")
    session.refresh(found)
    return found


def taken(session: Session, session_ids: Iterable[int]) -> dict[int, int]:
    """Places held by bookings (booked, attended, completed, did not attend) per session."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(Booking.session_id, func.count())
        .where(col(Booking.session_id).in_(ids), col(Booking.status).in_(HOLDS_PLACE))
        .group_by(col(Booking.session_id))
    ).all()
    return {sid: count for sid, count in rows}


def offered(session: Session, session_ids: Iterable[int]) -> dict[int, int]:
    """Places held for the waiting list (offered and not yet taken up) per session."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(WaitingEntry.offered_session_id, func.count())
        .where(
            col(WaitingEntry.offered_session_id).in_(ids),
            col(WaitingEntry.closed_at).is_(None),
        )
        .group_by(col(WaitingEntry.offered_session_id))
    ).all()
    return {sid: count for sid, count in rows if sid is not None}


def waiting_count(session: Session, force: str, group_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(WaitingEntry)
        .where(
            WaitingEntry.force_code == force,
            WaitingEntry.group_id == group_id,
            col(WaitingEntry.closed_at).is_(None),
        )
    ).one()


def open_waiting(session: Session, referral_id: int) -> WaitingEntry | None:
    return session.exec(
        select(WaitingEntry).where(
            WaitingEntry.referral_id == referral_id, col(WaitingEntry.closed_at).is_(None)
        )
    ).first()


def close_waiting(session: Session, referral_id: int, reason: str) -> None:
    session.execute(
        update(WaitingEntry)
        .where(col(WaitingEntry.referral_id) == referral_id, col(WaitingEntry.closed_at).is_(None))
        .values(closed_at=utcnow(), closed_reason=reason)
    )


def offer_freed_place(session: Session, course: CourseSession, now: datetime) -> int | None:
    """Hold a freed place of a future session for the first person waiting in its group
    and force; returns the referral id offered the place, if anyone was waiting."""
    if course.cancelled_at is not None or course.starts_at <= now or course.force_code is None:
        return None
    held = taken(session, [course.id or 0]).get(course.id or 0, 0)
    held += offered(session, [course.id or 0]).get(course.id or 0, 0)
    if held >= course.capacity:
        return None
    entry = session.exec(
        select(WaitingEntry)
        .where(
            WaitingEntry.force_code == course.force_code,
            WaitingEntry.group_id == course.group_id,
            col(WaitingEntry.closed_at).is_(None),
            col(WaitingEntry.offered_session_id).is_(None),
        )
        .order_by(col(WaitingEntry.added_at), col(WaitingEntry.id))
    ).first()
    if entry is None:
        return None
    entry.offered_session_id = course.id
    entry.offered_at = now
    session.add(entry)
    return entry.referral_id


def session_rows(session: Session, courses: list[CourseSession]) -> list[SessionRow]:
    """Rows for sessions already read, with places taken and held, in one query each."""
    ids = [c.id or 0 for c in courses]
    held = taken(session, ids)
    offers = offered(session, ids)
    groups = {g.id: g for g in session.exec(select(CourseGroup)).all()}
    staff_ids = {c.facilitator_id for c in courses if c.facilitator_id is not None}
    names = {}
    if staff_ids:
        names = dict(
            session.exec(
                select(Staff.id, Staff.display_name).where(col(Staff.id).in_(staff_ids))
            ).all()
        )
    rows = []
    for c in courses:
        group = groups.get(c.group_id)
        rows.append(
            SessionRow(
                session_id=c.id or 0,
                force=c.force_code or "",
                group=group.code if group else "",
                group_name=group.name if group else "",
                starts_at=c.starts_at,
                minutes=c.duration_minutes,
                capacity=c.capacity,
                booked=held.get(c.id or 0, 0),
                facilitator=names.get(c.facilitator_id) if c.facilitator_id else None,
                link=c.meeting_link,
                mode=c.mode,
                cancelled=c.cancelled_at is not None,
                offered=offers.get(c.id or 0, 0),
            )
        )
    return rows


def facilitator_id(session: Session, username: str | None) -> int | None:
    if not username:
        return None
    staff_id = session.exec(select(Staff.id).where(Staff.username == username)).first()
    if staff_id is None:
        raise ValidationError(
            {"facilitator": f"no staff account {username!r}; check the user name"}
        )
    return staff_id
