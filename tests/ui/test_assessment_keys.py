"""Keys in the call: going back never leaves a form or wipes a saved answer, and a
follow-up shows the result it follows until it has answers of its own."""

from __future__ import annotations

from textual.widgets import Input

from divert_tui.widgets.question import QuestionForm
from tests.assessment.helpers import seed_referral
from tests.ui import assessment_driver as d
from tests.ui.test_assessment_call import open_call


async def test_back_to_a_saved_text_answer_keeps_it(db, make_app, worker):
    rid = seed_referral(db, "cannabis", n=21)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_call(pilot, rid)
        await d.press(pilot, d.IDENTITY)
        await d.press(pilot, ["1", "2", "enter"])  # days used: 12
        form = screen.query_one("#step-form", QuestionForm)
        assert form.session.current_id == "q2"
        await d.press(pilot, ["backspace"])  # back to the days
        box = form.query_one(Input)
        assert form.session.current_id == "q1" and app.focused is box
        assert box.value == "12"
        await d.press(pilot, ["backspace"])  # one character, not the whole answer
        assert box.value == "1"


async def test_backspace_on_a_follow_up_never_enters_the_answers_carried_into_it(
    db, make_app, worker
):
    rid = seed_referral(db, "cannabis", n=22)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_call(pilot, rid)
        await d.press(pilot, d.IDENTITY + d.substance_use("12", 1) + d.SDS_ZERO)
        await d.press(pilot, d.AUDIT_C_POSITIVE)  # AUDIT-C 6: the AUDIT follows
        assert screen.ref.instrument == "audit"
        form = screen.query_one("#step-form", QuestionForm)
        assert form.session.current_id == "q4"
        score = str(form.query_one("#qf-score").render())
        assert "AUDIT-C 6 · increasing risk" in score
        await d.press(pilot, ["backspace"])
        assert screen.step == "alcohol" and screen.ref.instrument == "audit"
        assert form.session.current_id == "q4"  # not AUDIT-C question 3
        head = str(screen.query_one("#step-head").render())
        assert "Results: AUDIT-C 6 · increasing risk" in head


async def test_call_keys_work_from_a_typed_answer(db, make_app, worker):
    """Ctrl+K, Ctrl+E and Ctrl+A are also the text box's own keys: the call's win."""
    from divert_tui.screens.assessment.dialogs import EndEarlyDialog
    from divert_tui.screens.dialogs import PickDialog

    rid = seed_referral(db, "cannabis", n=23)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(pilot, rid)
        await d.press(pilot, d.IDENTITY)
        assert isinstance(app.focused, Input)  # days used: typed
        for key, dialog in (
            ("ctrl+k", PickDialog),
            ("ctrl+e", EndEarlyDialog),
            ("ctrl+a", PickDialog),
        ):
            await d.press(pilot, [key])
            assert isinstance(app.screen, dialog), key
            await d.press(pilot, ["escape"])


async def test_at_80x24_the_footer_keeps_the_call_keys(db, make_app, worker):
    from textual.widgets._footer import FooterKey

    from divert_tui.screens.assessment.panel import StepPanel

    rid = seed_referral(db, "cannabis", n=27)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(pilot, rid)
        await d.press(pilot, ["1", "enter"])
        keys = {k.description: k for k in screen.query(FooterKey)}
        for needed in ("Next step", "Skip step", "End call", "Leave (saved)", "Confirm"):
            assert needed in keys, needed
            assert keys[needed].region.right <= 80 and keys[needed].region.width > 0, needed
        assert screen.query_one(StepPanel).size.width <= 26


async def test_a_refused_answer_says_why_in_words(db, make_app, worker):
    rid = seed_referral(db, "cannabis", n=28)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_call(pilot, rid)
        await d.press(pilot, d.IDENTITY)
        await d.press(pilot, ["4", "0", "enter"])
        form = screen.query_one("#step-form", QuestionForm)
        error = str(form.query_one("#qf-error").render())
        assert "Days used in the last 28 (40) is above 28" in error and "q1" not in error
        assert form.session.current_id == "q1"
        form.query_one(Input).value = ""
        await d.press(pilot, ["1", "2", "enter", "1", "enter", "enter", "enter"])  # to q5
        assert form.session.current_id == "q5"
        await d.press(pilot, ["6", "0", "enter"])  # born 1995: not 60 years ago
        error = str(form.query_one("#qf-error").render())
        assert "age first used (60) is above their age" in error.lower()
        assert form.session.current_id == "q5"
