"""Course sessions as the courses area lists them: a page at a time, from a week ago (so
last week's rosters can still be marked) onwards, in the actor's forces."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import CourseSession, utcnow
from divert_tui.core.services import course_store
from divert_tui.core.services.base import Actor, Permission, require
from divert_tui.core.services.course_store import SessionRow
from divert_tui.core.services.paging import Page, clamp_page

RECENT_DAYS = 7

__all__ = ["SessionRow", "upcoming_sessions"]


def upcoming_sessions(
    db: Database,
    actor: Actor,
    *,
    page: int = 0,
    page_size: int = 50,
    now: datetime | None = None,
    recent_days: int = RECENT_DAYS,
) -> Page[SessionRow]:
    """Sessions from ``recent_days`` ago on, soonest first, with places taken and left."""
    require(actor, Permission.VIEW_REFERRALS)
    since = (now or utcnow()) - timedelta(days=recent_days)
    condition = col(CourseSession.starts_at) >= since
    if not actor.sees_all_forces:
        condition = condition & col(CourseSession.force_code).in_(sorted(actor.forces))
    with db.read() as session:
        total = session.exec(select(func.count()).select_from(CourseSession).where(condition)).one()
        page = clamp_page(page, total, page_size)
        courses = session.exec(
            select(CourseSession)
            .where(condition)
            .order_by(col(CourseSession.starts_at), col(CourseSession.id))
            .offset(page * page_size)
            .limit(page_size)
        ).all()
        rows = course_store.session_rows(session, list(courses))
    return Page(rows, total, page, page_size)
