"""Capacity against demand: free places of the next weeks, people waiting, days to a session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from divert_tui.core.models import Allocation
from divert_tui.core.rules.recurrence import UK
from divert_tui.core.services import booking, course_capacity
from divert_tui.core.vocab import Role
from tests.conftest import make_actor
from tests.courses.helpers import add_sessions, allocated_referral

LEAD = make_actor(Role.TEAM_LEAD, staff_id=None)


def test_demand_beyond_the_places_is_flagged_and_waits_are_measured(db, schemes) -> None:
    now = datetime.now(UTC)
    start = (now + timedelta(days=1)).astimezone(UK)
    first = add_sessions(db, LEAD, f"{start:%Y-%m-%d} 18:00", capacity=2, now=now)[0]
    people = [allocated_referral(db, n) for n in range(1, 6)]
    with db.write() as session:
        session.execute(update(Allocation).values(decided_at=now - timedelta(days=4)))
    booking.book(db, LEAD, people[0], first, schemes, now=now)
    later = datetime.combine(start.date(), datetime.min.time(), UK) + timedelta(hours=21)
    booking.mark_attendance(db, LEAD, 1, "completed", schemes, now=later.astimezone(UTC))

    view = course_capacity.capacity_against_demand(db, LEAD, start.date() + timedelta(days=1))
    (row,) = [r for r in view.rows if r.group == "cannabis"]
    assert row.verdict.waiting == 4
    assert row.verdict.flagged and row.verdict.sessions_needed == 1
    (wait,) = view.waits
    assert wait.group == "cannabis" and wait.people == 1
    assert wait.median_days is not None and 4 < wait.median_days < 6
