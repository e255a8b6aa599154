"""The demo cohort's courses: sessions in every force and group for the coming weeks, and
bookings in every status, a cancelled session and a waiting list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from divert_tui.core.rules.recurrence import UK
from divert_tui.core.services import booking, course_capacity, sessions
from divert_tui.core.vocab import BookingStatus, Role
from divert_tui.demo.cohort import fill_demo
from tests.conftest import make_actor
from tests.demo.helpers import dicts

FORCES = ("west_midlands", "west_mercia", "warwickshire", "staffordshire")
LEAD = make_actor(Role.TEAM_LEAD, FORCES, staff_id=None, demo=True)


def test_demo_courses_show_every_status_and_the_waiting_list(db) -> None:
    summary = fill_demo(db, 600, today=datetime.now(UK).date())
    statuses = {b["status"] for b in dicts(db, "booking")}
    assert statuses == {s.value for s in BookingStatus}
    assert dicts(db, "waiting_entry"), "somebody waits for a place"
    groups = {g["id"]: g["code"] for g in dicts(db, "course_group")}
    now = datetime.now(UTC)
    coming = [
        s for s in dicts(db, "course_session") if s["starts_at"] > now and s["cancelled_at"] is None
    ]
    assert {(s["force_code"], groups[s["group_id"]]) for s in coming} >= {
        (force, group)
        for force in FORCES
        for group in ("cannabis", "cocaine", "nitrous_oxide", "general")
    }
    assert any(s["cancelled_at"] is not None for s in dicts(db, "course_session"))
    listed = sessions.list_sessions(db, LEAD, force="west_midlands", group="cannabis")
    assert all(r.force == "west_midlands" and r.group == "cannabis" for r in listed)
    view = course_capacity.capacity_against_demand(db, LEAD, summary.today)
    assert view.rows and any(w.people for w in view.waits)
    # An allocated demo person can be offered the next sessions of their group.
    waiting = dicts(db, "waiting_entry")[0]
    offers = booking.offers(db, LEAD, waiting["referral_id"])
    assert offers.on_waiting_list and offers.group in groups.values()
    assert all(s.starts_at > now - timedelta(minutes=1) for s in offers.sessions)
