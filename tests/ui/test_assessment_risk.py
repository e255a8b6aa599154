"""PHQ-9 question 9 above 0 stops the call on the risk protocol, which cannot be skipped."""

from __future__ import annotations

from sqlmodel import select

from divert_tui.core.models import SafeguardingConcern
from divert_tui.core.services import assessment as svc
from divert_tui.screens.assessment import AssessmentScreen
from divert_tui.screens.assessment.dialogs import SelfHarmProtocol
from tests.assessment.helpers import seed_referral
from tests.ui import assessment_driver as d
from tests.ui.test_assessment_call import open_call


async def test_item_9_interrupt_cannot_be_skipped(db, make_app, worker, schemes):
    rid = seed_referral(db, "cannabis", n=4)
    app = make_app()
    async with app.run_test(size=(150, 50)) as pilot:
        await open_call(pilot, rid)
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        await d.press(pilot, ["f8"])
        await d.press(pilot, ["down"] * 7 + ["enter"])  # jump to mental health by keyboard
        assert screen.step == "mental_health"
        await d.press(pilot, ["3", "enter", "3", "enter"])  # PHQ-2 = 4: PHQ-9 follows
        assert screen.ref.instrument == "phq9"
        await d.press(pilot, ["1", "enter"] * 6 + ["3", "enter"])  # q3-q8 0, q9 = 2
        assert isinstance(app.screen, SelfHarmProtocol)
        for key in ("escape", "a", "ctrl+down", "ctrl+k", "ctrl+e", "f8"):
            await d.press(pilot, [key])
            assert isinstance(app.screen, SelfHarmProtocol), key
        assert screen.step == "mental_health"
        await d.press(pilot, ["ctrl+r"])  # nothing chosen yet: refused
        assert isinstance(app.screen, SelfHarmProtocol)
        await d.press(pilot, ["3", "ctrl+r"])
        assert app.screen is screen
        form = screen.query_one("#step-form")
        assert form.interrupting is None and form.session.current_id == "q10"
    with db.read() as session:
        concern = session.exec(select(SafeguardingConcern)).one()
        assert concern.type == "self_harm" and "safety plan" in concern.detail
        assert concern.follow_up_due is not None


async def test_a_pending_protocol_comes_back_on_resume(db, make_app, worker, schemes):
    rid = seed_referral(db, "cannabis", n=5)
    from divert_tui.core.services.base import Actor
    from divert_tui.core.vocab import Role

    actor = Actor(worker.id, "alice", Role.WORKER, frozenset({"west_midlands"}), "Alice")
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    for item, value in {"q1": 2, "q2": 2}.items():
        svc.save_answer(db, actor, aid, "phq2", "", item, value)
    for n in range(3, 10):
        svc.save_answer(db, actor, aid, "phq9", "", f"q{n}", 1)
    app = make_app()
    async with app.run_test(size=(150, 50)) as pilot:
        await open_call(pilot, rid)
        await d.press(pilot, ["enter"])  # resume
        assert isinstance(app.screen, SelfHarmProtocol)


async def _to_item_9(pilot, rid: int, size: tuple[int, int]) -> AssessmentScreen:
    screen = await open_call(pilot, rid)
    await d.press(pilot, ["f8"])
    await d.press(pilot, ["down"] * 7 + ["enter"])
    await d.press(pilot, ["3", "enter", "3", "enter"])  # PHQ-2 = 4: PHQ-9 follows
    await d.press(pilot, ["1", "enter"] * 6 + ["3", "enter"])  # q3-q8 0, q9 = 2
    return screen


async def test_protocol_fits_80x24_and_enter_records_the_choice(db, make_app, worker, schemes):
    rid = seed_referral(db, "cannabis", n=6)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _to_item_9(pilot, rid, (80, 24))
        dialog = app.screen
        assert isinstance(dialog, SelfHarmProtocol)
        from textual.containers import Vertical

        box = dialog.query_one(Vertical)
        assert dialog.region.contains_region(box.region)  # the dialog itself fits 80x24
        whole = box.content_region
        options = dialog.query_one("#risk-actions")
        for widget in (
            options,
            dialog.query_one("#risk-referred"),
            dialog.query_one("#risk-notes"),
            dialog.query_one(".hint"),
        ):
            visible = widget.region
            assert visible.height >= 1 and whole.contains_region(visible), widget
        assert options.region.height >= options.option_count  # every option shown at once
        hint = str(dialog.query_one(".hint").render())
        assert "Enter" in hint and "record" in hint
        await d.press(pilot, ["enter"])  # nothing chosen: Enter alone records nothing
        assert isinstance(app.screen, SelfHarmProtocol)
        await d.press(pilot, ["3", "enter"])
        assert app.screen is screen
        form = screen.query_one("#step-form")
        assert form.interrupting is None and form.session.current_id == "q10"
        await d.press(pilot, ["1", "enter"])  # q10, then the rest of the step by keyboard
        assert screen.ref.instrument != "phq9" or screen.view.stored("phq9").completed
    with db.read() as session:
        concern = session.exec(select(SafeguardingConcern)).one()
        assert "safety plan" in concern.detail and "mental health option" in concern.detail


async def test_protocol_urgent_referral_asks_who_before_recording(db, make_app, worker, schemes):
    rid = seed_referral(db, "cannabis", n=7)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _to_item_9(pilot, rid, (80, 24))
        await d.press(pilot, ["2", "enter"])  # urgent referral: who to is needed
        dialog = app.screen
        assert isinstance(dialog, SelfHarmProtocol)
        assert dialog.focused is dialog.query_one("#risk-referred")
        await d.press(pilot, [*"Crisis team", "enter"])
        assert app.screen is screen
    with db.read() as session:
        concern = session.exec(select(SafeguardingConcern)).one()
        assert concern.referred_to == "Crisis team"
