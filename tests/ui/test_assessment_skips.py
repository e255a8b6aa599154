"""A call whose screening steps are skipped, by keyboard: each skip asks why, the summary
says what was not screened, and allocating asks the worker to acknowledge it."""

from __future__ import annotations

from sqlmodel import select

from divert_tui.core.models import Allocation, Assessment, Referral
from divert_tui.screens.assessment.summary import SummaryPane
from divert_tui.screens.dialogs import ConfirmDialog, PickDialog
from tests.assessment.helpers import seed_referral
from tests.ui import assessment_driver as d
from tests.ui.test_assessment_call import open_call


async def test_skipped_screens_are_named_and_acknowledged(db, make_app, worker):
    rid = seed_referral(db, "cannabis", n=11)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_call(pilot, rid)
        await d.press(pilot, d.IDENTITY + d.substance_use("12", 1) + d.SDS_ZERO + d.AUDIT_C_LOW)
        await d.press(pilot, ["ctrl+down", "space", "ctrl+down"])  # mixing, advice ticked
        assert d.step_of(app) == "gambling"
        await d.press(pilot, ["ctrl+k"])
        assert isinstance(app.screen, PickDialog)  # why?
        await d.press(pilot, ["1"])  # declined to answer
        assert d.step_of(app) == "mental_health"
        await d.press(pilot, d.PHQ2_GAD2_NONE)
        await d.press(pilot, ["ctrl+k", "4"])  # domestic abuse: unsafe to ask now
        await d.press(pilot, d.HOUSING + d.EXPLOITATION_NONE)
        await d.press(pilot, ["ctrl+k", "2"])  # safeguarding: not relevant
        await d.press(pilot, d.EMPLOYMENT)
        await d.press(pilot, ["ctrl+k", "escape"])  # changed their mind: debt is not skipped
        assert d.step_of(app) == "debt"
        await d.press(pilot, ["ctrl+k", "3"])  # debt: ran out of time
        assert d.step_of(app) == "summary"
        warnings = str(screen.query_one(SummaryPane).query_one("#warnings").render())
        assert (
            "Not screened: gambling (declined to answer), domestic abuse (unsafe to ask now), "
            "safeguarding (not relevant), debt (ran out of time)"
        ) in warnings.replace("\n", " ")
        allocation = str(screen.query_one("#allocation").render())
        assert "no significant safeguarding issue in the screens done" in allocation
        assert "Not screened: gambling" in allocation
        await d.press(pilot, ["ctrl+y"])
        assert isinstance(app.screen, ConfirmDialog)
        await d.press(pilot, ["escape"])  # go back: nothing allocated
        with db.read() as session:
            assert session.exec(select(Allocation)).first() is None
        await d.press(pilot, ["ctrl+y", "enter"])
    with db.read() as session:
        assert session.get(Referral, rid).status == "allocated"
        row = session.exec(select(Allocation)).one()
        assert any("aware these were not screened" in r for r in row.reasons)
        skip = session.exec(select(Assessment)).one().skip_reasons
        assert skip == {
            "gambling": "declined",
            "domestic_abuse": "unsafe_to_ask",
            "safeguarding": "not_relevant",
            "debt": "out_of_time",
        }
