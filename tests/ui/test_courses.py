"""A worker books an allocated person onto the next cannabis session from the referral in
two keys, marks them completed on the roster, and the referral shows completed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select
from textual.widgets import Static

from divert_tui.core.models import Booking, Referral
from divert_tui.core.rules.recurrence import UK
from divert_tui.core.services import booking
from divert_tui.core.vocab import Role
from divert_tui.screens.booking import BookSessionDialog
from divert_tui.screens.courses import CoursesScreen
from divert_tui.screens.referral import ReferralScreen
from divert_tui.screens.roster import RosterScreen
from tests.conftest import make_actor
from tests.courses.helpers import add_sessions, allocated_referral
from tests.ui.conftest import log_in, settle

LEAD = make_actor(Role.TEAM_LEAD, staff_id=None)


def _text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def test_book_the_next_cannabis_session_mark_completed_referral_completed(
    db, worker, make_app, monkeypatch
) -> None:
    now = datetime.now(UTC)
    soon = (now + timedelta(days=2)).astimezone(UK)
    cannabis = add_sessions(
        db, LEAD, f"{soon:%Y-%m-%d} 18:00", repeat="FREQ=WEEKLY;COUNT=2", now=now
    )
    add_sessions(db, LEAD, f"{soon + timedelta(days=1):%Y-%m-%d} 18:00", group="cocaine", now=now)
    referral_id = allocated_referral(db, 1, worker_id=worker.id)

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")  # the allocated referral, the only one in my work
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert "ALLOCATED" in _text(app.screen, "#facts")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BookSessionDialog)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert "BOOKED" in _text(app.screen, "#facts")
        assert "Cannabis awareness course" in _text(app.screen, "#booking")

        # The session takes place.
        later = datetime.combine(soon.date(), datetime.min.time(), UK) + timedelta(hours=21)
        monkeypatch.setattr(booking, "utcnow", lambda: later.astimezone(UTC))
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, CoursesScreen)
        await pilot.press("enter")  # the first session listed: the next cannabis one
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert app.screen.session_id == cannabis[0]
        await pilot.press("1")  # attended and completed
        await settle(pilot)
        await pilot.press("enter")  # open the person's referral from the roster
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert "COMPLETED" in _text(app.screen, "#facts")

    with db.read() as session:
        assert session.get(Referral, referral_id).status == "completed"
        (only,) = session.exec(select(Booking)).all()
        assert (only.session_id, only.status) == (cannabis[0], "completed")


async def test_a_one_to_one_is_booked_from_the_referral_with_a_time_and_phone(
    db, worker, make_app
) -> None:
    from divert_tui.screens.booking import OneToOneDialog

    referral_id = allocated_referral(db, 1, path="one_to_one", worker_id=worker.id)
    when = (datetime.now(UTC) + timedelta(days=3)).astimezone(UK)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, OneToOneDialog)
        await pilot.press(*f"{when:%Y-%m-%d} 10:30 phone", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert "BOOKED" in _text(app.screen, "#facts")
        assert "One-to-one session" in _text(app.screen, "#booking")

    with db.read() as session:
        assert session.get(Referral, referral_id).status == "booked"


async def test_two_missed_sessions_offer_closing_as_non_compliant_on_the_referral(
    db, worker, make_app, schemes
) -> None:
    from divert_tui.core.models import IntelligenceLog
    from divert_tui.screens.dialogs import ConfirmDialog

    now = datetime.now(UTC)
    start = (now + timedelta(days=1)).astimezone(UK)
    first, second = add_sessions(
        db, LEAD, f"{start:%Y-%m-%d} 18:00", repeat="FREQ=WEEKLY;COUNT=2", now=now
    )
    referral_id = allocated_referral(db, 1, worker_id=worker.id)
    actor = make_actor(Role.WORKER, staff_id=worker.id)
    for n, session_id in enumerate((first, second)):
        booked = booking.book(db, actor, referral_id, session_id, schemes, now=now)
        held = now + timedelta(days=2 + 7 * n)
        booking.mark_attendance(db, actor, booked.booking_id, "did_not_attend", schemes, now=held)

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "MISSED-SESSION POLICY MET" in _text(app.screen, "#booking")
        await pilot.press("X")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert "NON COMPLIANT" in _text(app.screen, "#facts")

    with db.read() as session:
        assert session.get(Referral, referral_id).status == "non_compliant"
        (log,) = session.exec(select(IntelligenceLog)).all()
        assert log.referral_id == referral_id
