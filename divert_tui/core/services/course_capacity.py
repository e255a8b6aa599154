"""Capacity against demand: the places of the next six weeks per force and group, the
people allocated and not yet booked, and how long people wait for a session.

A team lead reads it in the courses area and adds sessions where it is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Allocation,
    Booking,
    CourseGroup,
    CourseSession,
    Referral,
    utcnow,
)
from divert_tui.core.rules.capacity import DemandVerdict, WeekPlaces, demand_against, percentile
from divert_tui.core.rules.recurrence import UK
from divert_tui.core.schemes import GROUP_CODES
from divert_tui.core.services import course_store
from divert_tui.core.services.base import Actor, Permission, require
from divert_tui.core.vocab import COURSE_GROUPS, BookingStatus, ReferralStatus

WEEKS = 6
WAIT_DAYS = 90
TYPICAL_CAPACITY = 12


@dataclass(frozen=True)
class CapacityRow:
    force: str
    group: str
    weeks: tuple[WeekPlaces, ...]
    verdict: DemandVerdict


@dataclass(frozen=True)
class WaitStat:
    group: str
    people: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class CapacityView:
    week_starts: tuple[date, ...]
    rows: tuple[CapacityRow, ...]
    waits: tuple[WaitStat, ...]


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)


def capacity_against_demand(
    db: Database,
    actor: Actor,
    today: date,
    *,
    forces: list[str] | None = None,
    now: datetime | None = None,
) -> CapacityView:
    """Six weeks from this Monday (only sessions still to come offer places); waits over
    the last 90 days."""
    require(actor, Permission.VIEW_CASELOADS)
    monday = today - timedelta(days=today.weekday())
    week_starts = tuple(monday + timedelta(weeks=n) for n in range(WEEKS))
    with db.read() as session:
        codes = forces or sorted(
            actor.forces
            if not actor.sees_all_forces
            else session.exec(select(Referral.force_code).distinct()).all()
        )
        codes = [c for c in codes if actor.covers(c)]
        groups = {g.id: g.code for g in session.exec(select(CourseGroup)).all()}
        courses = session.exec(
            select(CourseSession).where(
                col(CourseSession.force_code).in_(codes),
                col(CourseSession.cancelled_at).is_(None),
                col(CourseSession.starts_at) >= max(_start(week_starts[0]), now or utcnow()),
                col(CourseSession.starts_at) < _start(week_starts[-1] + timedelta(days=7)),
            )
        ).all()
        held = course_store.taken(session, [c.id or 0 for c in courses])
        offers = course_store.offered(session, [c.id or 0 for c in courses])
        grid: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
        for c in courses:
            local = c.starts_at.astimezone(UK).date()
            week = (local - week_starts[0]).days // 7
            cell = grid[(c.force_code or "", groups.get(c.group_id, ""), week)]
            cell[0] += c.capacity
            cell[1] += held.get(c.id or 0, 0) + offers.get(c.id or 0, 0)
        waiting_rows = session.exec(
            select(Referral.force_code, Allocation.chosen, func.count())
            .join(Allocation, col(Allocation.referral_id) == Referral.id)
            .where(
                Referral.status == ReferralStatus.ALLOCATED.value,
                col(Referral.force_code).in_(codes),
            )
            .group_by(col(Referral.force_code), col(Allocation.chosen))
        ).all()
        waiting = {
            (force, COURSE_GROUP_OF.get(chosen, "")): count for force, chosen, count in waiting_rows
        }
        rows = []
        for force in codes:
            for group in GROUP_CODES:
                weeks = tuple(
                    WeekPlaces(*grid.get((force, group, n), [0, 0])) for n in range(WEEKS)
                )
                demand = waiting.get((force, group), 0)
                if not any(w.offered for w in weeks) and not demand:
                    continue
                rows.append(
                    CapacityRow(
                        force, group, weeks, demand_against(weeks, demand, TYPICAL_CAPACITY)
                    )
                )
        since = _start(today - timedelta(days=WAIT_DAYS))
        attended = session.exec(
            select(CourseSession.group_id, Allocation.decided_at, CourseSession.starts_at)
            .join(Booking, col(Booking.session_id) == CourseSession.id)
            .join(Allocation, col(Allocation.referral_id) == Booking.referral_id)
            .join(Referral, col(Referral.id) == Booking.referral_id)
            .where(
                col(Booking.status).in_(
                    [BookingStatus.COMPLETED.value, BookingStatus.ATTENDED.value]
                ),
                col(CourseSession.starts_at) >= since,
                col(CourseSession.starts_at) < _start(today + timedelta(days=1)),
                col(Referral.force_code).in_(codes),
            )
        ).all()
    days: dict[str, list[float]] = defaultdict(list)
    for group_id, decided, starts in attended:
        days[groups.get(group_id, "")].append(max(0.0, (starts - decided).total_seconds() / 86400))
    waits = tuple(
        WaitStat(
            code,
            len(days[code]),
            _round(percentile(days[code], 50)),
            _round(percentile(days[code], 90)),
        )
        for code in COURSE_GROUPS
        if days.get(code)
    )
    return CapacityView(week_starts, tuple(rows), waits)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


COURSE_GROUP_OF = {g.path.value: g.code for g in COURSE_GROUPS.values()}
