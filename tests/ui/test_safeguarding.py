"""A team lead sees every open safeguarding concern of their forces, soonest follow-up first,
and closes one with what was done."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from textual.widgets import DataTable

from divert_tui.core.models import Referral, SafeguardingConcern
from divert_tui.core.services import safeguarding, staff
from divert_tui.core.services.base import Actor, PermissionDenied
from divert_tui.core.vocab import Role
from divert_tui.screens.dialogs import ReasonDialog
from divert_tui.screens.safeguarding import SafeguardingScreen
from tests.conftest import make_actor
from tests.ui.conftest import PASSWORD, TODAY, add_referrals, log_in, settle


def _raise(db, reference: str, kind: str, due: date | None) -> int:  # type: ignore[no-untyped-def]
    with db.write() as session:
        referral = session.exec(
            select(Referral).where(
                Referral.police_reference == reference, Referral.force_code == "west_midlands"
            )
        ).one()
        concern = SafeguardingConcern(
            referral_id=referral.id, type=kind, detail=f"{kind} concern", follow_up_due=due
        )
        session.add(concern)
        session.flush()
        return concern.id


def test_open_concerns_are_listed_by_follow_up_and_only_for_the_leads_forces(db) -> None:
    add_referrals(db, 3)
    add_referrals(db, 1, force="staffordshire")
    later = _raise(db, "REF00000", "children", date(2026, 12, 3))
    sooner = _raise(db, "REF00001", "marac", date(2026, 11, 26))
    undated = _raise(db, "REF00002", "other", None)
    with db.read() as session:
        staffs_ref = session.exec(
            select(Referral.id).where(Referral.force_code == "staffordshire")
        ).one()
    with db.write() as session:
        session.add(SafeguardingConcern(referral_id=staffs_ref, type="marac", detail="x"))
    # an actor stands for an active account (every service call checks it)
    staff.add_staff(
        db, Actor.system("tests"), "lead", "team_lead", PASSWORD, forces=["west_midlands"]
    )
    lead = make_actor(Role.TEAM_LEAD)
    page = safeguarding.open_concerns(db, lead)
    assert [r.concern_id for r in page.rows] == [sooner, later, undated]
    assert page.rows[0].due_flag(TODAY) == "overdue"
    try:
        safeguarding.open_concerns(db, make_actor(Role.WORKER))
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a worker must not see the team's concerns")


async def test_team_lead_closes_a_concern_by_keyboard(db, make_app) -> None:
    staff.add_staff(
        db, Actor.system("tests"), "lead", "team_lead", PASSWORD, forces=["west_midlands"]
    )
    add_referrals(db, 2)
    concern_id = _raise(db, "REF00001", "marac", date(2026, 11, 28))
    app = make_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await log_in(pilot, "lead")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, SafeguardingScreen)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press(*"Marac referral sent to IDVA", "enter")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert app.screen.query_one(DataTable).row_count == 0, notes
    with db.read() as session:
        concern = session.get(SafeguardingConcern, concern_id)
        assert concern.closed_at is not None
        assert "Marac referral sent to IDVA" in concern.detail


async def test_the_referral_screen_shows_its_open_concerns(db, worker, make_app) -> None:
    add_referrals(db, 1, worker_id=worker.id)
    _raise(db, "REF00000", "children", date(2026, 12, 1))
    app = make_app()
    async with app.run_test(size=(150, 44)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        panel = str(app.screen.query_one("#eligibility").render())
        assert "SAFEGUARDING: children: children concern (follow up by 01/12/2026)" in panel
