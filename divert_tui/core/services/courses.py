"""Course groups and their sessions, as the courses area lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import Booking, CourseGroup, CourseSession, Staff, utcnow
from divert_tui.core.services.base import Actor, Permission, require
from divert_tui.core.services.paging import Page, clamp_page
from divert_tui.core.vocab import BookingStatus


@dataclass(frozen=True)
class SessionRow:
    session_id: int
    group: str
    starts_at: datetime
    duration_minutes: int
    facilitator: str | None
    capacity: int
    booked: int

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.booked)


def upcoming_sessions(
    db: Database, actor: Actor, *, page: int = 0, page_size: int = 50, now: datetime | None = None
) -> Page[SessionRow]:
    """Sessions from now on, soonest first, with how many places are taken."""
    require(actor, Permission.VIEW_REFERRALS)
    now = now or utcnow()
    taken = (
        select(func.count())
        .where(
            Booking.session_id == CourseSession.id,
            col(Booking.status).in_([BookingStatus.BOOKED.value, BookingStatus.ATTENDED.value]),
        )
        .correlate(CourseSession)
        .scalar_subquery()
    )
    condition = col(CourseSession.starts_at) >= now
    with db.read() as session:
        total = session.exec(select(func.count()).select_from(CourseSession).where(condition)).one()
        page = clamp_page(page, total, page_size)
        rows = session.exec(
            select(
                CourseSession.id,
                CourseGroup.name,
                CourseSession.starts_at,
                CourseSession.duration_minutes,
                Staff.display_name,
                CourseSession.capacity,
                taken,
            )
            .join(CourseGroup, col(CourseGroup.id) == CourseSession.group_id)
            .outerjoin(Staff, col(Staff.id) == CourseSession.facilitator_id)
            .where(condition)
            .order_by(col(CourseSession.starts_at), col(CourseSession.id))
            .offset(page * page_size)
            .limit(page_size)
        ).all()
    return Page(
        [SessionRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or 0) for r in rows],
        total,
        page,
        page_size,
    )
