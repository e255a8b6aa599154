"""QuestionForm by keyboard, in a tiny host App (no database)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Footer, OptionList, Static

from divert_tui.screens.instruments import InstrumentsScreen
from divert_tui.widgets.question import QuestionForm


class Host(App):
    """Holds one QuestionForm and records every message it posts."""

    def __init__(self, instrument: str, **kwargs: Any) -> None:
        super().__init__()
        self.instrument = instrument
        self.kwargs = kwargs
        self.seen: list[tuple] = []

    def compose(self) -> ComposeResult:
        yield QuestionForm(self.instrument, id="form", **self.kwargs)
        yield Footer()

    def on_question_form_answered(self, message: QuestionForm.Answered) -> None:
        self.seen.append(("answered", message.item_id, message.value))

    def on_question_form_skipped(self, message: QuestionForm.Skipped) -> None:
        self.seen.append(("skipped", message.item_id))

    def on_question_form_flag_raised(self, message: QuestionForm.FlagRaised) -> None:
        self.seen.append(("flag", message.flag, message.interrupt))

    def on_question_form_completed(self, message: QuestionForm.Completed) -> None:
        self.seen.append(("completed", message.result.total, message.result.band))


def text_of(app: App, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


async def test_full_phq9_by_number_keys_with_item9_interrupt() -> None:
    app = Host("phq9")
    async with app.run_test(size=(120, 50)) as pilot:
        # Items 1-8 "More than half the days" (key 3 = 2 points): 16 so far.
        for _ in range(8):
            await pilot.press("3", "enter")
        assert "16" in text_of(app, "#qf-score")
        assert "Moderately severe" in text_of(app, "#qf-score")
        # Item 9 "Several days" (key 2 = 1 point): the self-harm protocol interrupts.
        await pilot.press("2", "enter")
        await pilot.pause()
        form = app.query_one(QuestionForm)
        assert form.has_class("-interrupted")
        panel = text_of(app, "#qf-interrupt")
        assert "Samaritans 116 123" in panel
        assert "NHS 111" in panel and "999" in panel
        assert ("flag", "self_harm_risk", True) in app.seen
        # Number keys do nothing while the protocol is on screen.
        await pilot.press("4", "enter")
        assert form.has_class("-interrupted")
        assert form.session.current.id == "q9"
        await pilot.press("a")
        assert not form.has_class("-interrupted")
        assert form.session.current.id == "q10"
        await pilot.press("2", "enter")  # "Somewhat difficult"
        await pilot.pause()
    assert ("completed", 17, "moderately_severe") in app.seen
    answered = [s for s in app.seen if s[0] == "answered"]
    assert [a[1] for a in answered] == [f"q{n}" for n in range(1, 11)]
    assert answered[8] == ("answered", "q9", 1)
    assert form.result is not None and form.result.flags == {"self_harm_risk"}


async def test_back_skip_and_return() -> None:
    app = Host("gad2")
    async with app.run_test() as pilot:
        await pilot.press("s")  # skip q1
        await pilot.press("4", "enter")  # q2 = 3
        form = app.query_one(QuestionForm)
        assert form.session.current.id == "q1"  # returned to the skipped item
        await pilot.press("backspace")  # nothing before the first question
        assert form.session.current.id == "q1"
        await pilot.press("1", "enter")  # q1 = 0: complete
        await pilot.pause()
        assert ("completed", 3, "screen_positive") in app.seen
        await pilot.press("backspace")  # from the result back to the last question
        assert form.session.current.id == "q2"
        assert form.pending == 3  # the stored answer is shown
        await pilot.press("shift+tab")
        assert form.session.current.id == "q1"
        await pilot.press("2", "enter", "enter")  # change q1 to 1, keep q2
        await pilot.pause()
    assert ("skipped", "q1") in app.seen
    assert app.seen[-1] == ("completed", 4, "screen_positive")


async def test_resume_from_saved_answers() -> None:
    app = Host("gad7", answers={"q1": 1, "q2": 1, "q3": 1})
    async with app.run_test() as pilot:
        form = app.query_one(QuestionForm)
        assert form.session.current.id == "q4"
        assert "Question 4 of 7" in text_of(app, "#qf-progress")
        for _ in range(4):
            await pilot.press("2", "enter")
        await pilot.pause()
    assert ("completed", 7, "mild") in app.seen


async def test_free_text_and_number_items() -> None:
    app = Host("substance_use", context={"substance": "cannabis"}, answers={})
    async with app.run_test() as pilot:
        form = app.query_one(QuestionForm)
        assert form.session.current.id == "q1"
        await pilot.press("2", "9", "enter")  # 29 is out of range: refused, stays
        assert form.session.current.id == "q1"
        assert "is above 28" in text_of(app, "#qf-error")  # in words, no item id
        assert "q1" not in text_of(app, "#qf-error")
        await pilot.press("backspace", "backspace", "1", "2", "enter")
        assert form.session.answers["q1"] == 12
        assert form.session.current.id == "q2"


async def test_every_action_is_a_described_binding() -> None:
    descriptions = {b.action: b.description for b in QuestionForm.BINDINGS}
    for action in ("pick(1)", "confirm", "back", "skip", "acknowledge"):
        assert descriptions[action]


async def test_instruments_screen_runs_any_instrument() -> None:
    class Trainer(App):
        def on_mount(self) -> None:
            self.push_screen(InstrumentsScreen())

    app = Trainer()
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#instrument-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert {"audit_c", "audit", "sds", "pgsi", "phq2", "phq9", "gad2", "gad7", "dash"} <= set(
            ids
        )
        options.highlighted = ids.index("audit_c")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("3", "enter", "3", "enter", "2", "enter")  # 2 + 2 + 1
        await pilot.pause()
        result = str(app.screen.query_one("#instrument-result", Static).render())
        assert '"total": 5' in result and '"band": "increasing_risk"' in result
