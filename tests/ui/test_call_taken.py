"""Issue 9 item 2 in the app: starting a call that a colleague is already on says who is
on it and offers to take it over; never a second assessment."""

from __future__ import annotations

from sqlmodel import func, select

from divert_tui.core.models import Assessment
from divert_tui.core.schemes import load_schemes
from divert_tui.core.services import assessment as svc
from divert_tui.core.services.base import Actor
from divert_tui.screens.assessment import AssessmentScreen
from divert_tui.screens.dialogs import ConfirmDialog
from tests.assessment.helpers import seed_referral
from tests.assessment.helpers import worker as add_worker
from tests.ui import assessment_driver as d
from tests.ui.conftest import log_in


def _call_taken_by_wendy(db) -> int:  # type: ignore[no-untyped-def]
    referral_id = seed_referral(db)
    wendy = add_worker(db, Actor.system("tests"), "wendy")
    svc.start_or_resume(db, wendy, referral_id, load_schemes())
    return referral_id


def _open_assessments(db) -> list[tuple[int, int | None]]:  # type: ignore[no-untyped-def]
    with db.read() as session:
        rows = session.exec(select(Assessment.id, Assessment.worker_id)).all()
        return [(r[0], r[1]) for r in rows]


async def test_a_taken_call_says_who_and_can_be_taken_over(db, make_app, worker) -> None:
    referral_id = _call_taken_by_wendy(db)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await app.push_screen(AssessmentScreen(referral_id))
        await d.settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "wendy is already on this call" in text
        await pilot.press("enter")
        await d.settle(pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert app.screen.view is not None and app.screen.view.referral_id == referral_id
    [(_, owner)] = _open_assessments(db)
    assert owner == worker.id


async def test_going_back_leaves_the_call_with_the_colleague(db, make_app, worker) -> None:
    referral_id = _call_taken_by_wendy(db)
    before = _open_assessments(db)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await app.push_screen(AssessmentScreen(referral_id))
        await d.settle(pilot)
        await pilot.press("escape")
        await d.settle(pilot)
        assert not isinstance(app.screen, AssessmentScreen | ConfirmDialog)
    assert _open_assessments(db) == before
    with db.read() as session:
        assert session.exec(select(func.count()).select_from(Assessment)).one() == 1
