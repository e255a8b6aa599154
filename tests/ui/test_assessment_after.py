"""After the call, by keyboard: end early with a call-back, the call-back due at the top of
My work, and a finished assessment opened read only from its referral and printed."""

from __future__ import annotations

import stat
from datetime import datetime, time, timedelta

from sqlmodel import select
from textual.widgets import Input

from divert_tui.core.models import Assessment
from divert_tui.core.rules.call_back import UK
from divert_tui.core.services import assessment as svc
from divert_tui.core.services import staff
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role
from divert_tui.screens.assessment.call_backs import CallBacksDue
from divert_tui.screens.assessment.dialogs import EndEarlyDialog
from divert_tui.screens.assessment.record import AssessmentRecordScreen
from divert_tui.screens.dialogs import ReasonDialog
from divert_tui.screens.referral import ReferralScreen
from tests.assessment.helpers import IDENTITY_OK, answer, seed_referral
from tests.assessment.test_call_record import _finished_call
from tests.ui import assessment_driver as d
from tests.ui.conftest import PASSWORD, TODAY, log_in, settle
from tests.ui.test_assessment_call import open_call


def _alice(worker) -> Actor:
    return Actor(worker.id, "alice", Role.WORKER, frozenset({"west_midlands"}), "Alice")


async def test_end_early_records_the_call_back_typed(db, make_app, worker):
    rid = seed_referral(db, "cannabis", n=24)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot, rid)
        await d.press(pilot, d.IDENTITY)
        await d.press(pilot, ["ctrl+e"])
        dialog = app.screen
        assert isinstance(dialog, EndEarlyDialog)
        await d.press(pilot, [*"had to go to work", "enter", *"someday 10am", "enter"])
        assert app.screen is dialog  # refused in words, nothing lost
        assert "not a day" in str(dialog.query_one("#end-error").render())
        box = dialog.query_one("#end-call-back", Input)
        box.value = ""
        await d.press(pilot, [*"tomorrow 10am", "enter"])
        assert not isinstance(app.screen, EndEarlyDialog)
    with db.read() as session:
        row = session.exec(select(Assessment)).one()
        assert row.ended_early_reason == "had to go to work"
        expected = datetime.combine(TODAY + timedelta(days=1), time(10), UK)
        assert row.call_back_at == expected


async def test_a_due_call_back_is_at_the_top_of_my_work(db, make_app, worker, schemes):
    rid = seed_referral(db, "cannabis", n=25)
    actor = _alice(worker)
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    midnight = datetime.combine(TODAY, time(0), UK)
    svc.end_early(
        db,
        actor,
        aid,
        "call back agreed",
        call_back_at=midnight + timedelta(minutes=1),
        now=midnight,
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        due = app.screen.query_one(CallBacksDue)
        assert due.has_class("-due") and due.option_count == 1
        assert due.region.y <= 3  # at the top, under the header
        await pilot.press("b", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert "CALL-BACK AGREED" in str(app.screen.query_one("#call").render())


async def test_a_finished_assessment_opens_read_only_and_prints(
    db, make_app, worker, schemes, tmp_path
):
    rid = _finished_call(db, _alice(worker), schemes)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        app.open_referral(rid)
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AssessmentRecordScreen)
        text = str(screen.query_one("#record").render())
        assert "ALLOCATION" in text and "SDS (cocaine) 6" in text
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one(Input).value = str(tmp_path / "case.txt")
        await pilot.press("enter")
        await settle(pilot)
    written = tmp_path / "case.txt"
    assert "ALLOCATION" in written.read_text()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


async def test_a_team_lead_opens_the_assessment_too(db, make_app, worker, schemes):
    rid = _finished_call(db, _alice(worker), schemes)
    staff.add_staff(
        db, Actor.system("tests"), "lena", "team_lead", PASSWORD, forces=["west_midlands"]
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot, "lena")
        app.open_referral(rid)
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, AssessmentRecordScreen)
        assert "Suggested: one-to-one" in str(app.screen.query_one("#record").render())


async def test_a_partial_call_shows_on_the_referral(db, make_app, worker, schemes):
    rid = seed_referral(db, "cannabis", n=26)
    actor = _alice(worker)
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    svc.end_early(db, actor, aid, "person hung up")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        app.open_referral(rid)
        await settle(pilot)
        call = str(app.screen.query_one("#call").render())
        assert "Partial call" in call and "person hung up" in call
