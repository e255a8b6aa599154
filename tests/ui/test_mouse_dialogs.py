"""The mouse in dialogs: every answer has a button that works by click, an outcome can be
clicked, and the buttons never take the focus from the keyboard."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Input, OptionList

from divert_tui.screens.dialogs import ConfirmDialog, ContactAttemptDialog, PickDialog, ReasonDialog
from divert_tui.widgets.dialog_buttons import KeyButton


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []

    def show(self, dialog: Any) -> None:
        self.push_screen(dialog, self.results.append)


def button(app: App[Any], words: str) -> KeyButton:
    found = [b for b in app.screen.query(KeyButton) if words in str(b.label)]
    assert len(found) == 1, [str(b.label) for b in app.screen.query(KeyButton)]
    return found[0]


async def test_confirm_by_click_yes_and_no() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(ConfirmDialog("Withdraw?", "Pat Example", yes="Enter: withdraw"))
        await pilot.pause()
        assert not any(b.has_focus for b in app.screen.query(KeyButton))
        await pilot.click(button(app, "withdraw"))
        await pilot.pause()
        app.show(ConfirmDialog("Withdraw?", "Pat Example"))
        await pilot.pause()
        await pilot.click(button(app, "Esc: no"))
        await pilot.pause()
        assert app.results == [True, False]


async def test_reason_and_pick_by_click() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(ReasonDialog("Withdraw", "Why?"))
        await pilot.pause()
        await pilot.click(button(app, "Record"))  # nothing typed: refused, still open
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog) and app.results == []
        app.screen.query_one(Input).value = "moved away"
        await pilot.pause(0.3)  # a button ignores a second click while it shows the first
        await pilot.click(button(app, "Record"))
        await pilot.pause()
        app.show(PickDialog("Worker", [("a", "Ann"), ("b", "Bo")]))
        await pilot.pause()
        await pilot.click(app.screen.query_one(OptionList), offset=(4, 2))  # the second
        await pilot.pause()
        app.show(PickDialog("Worker", [("a", "Ann")]))
        await pilot.pause()
        await pilot.click(button(app, "Cancel"))
        await pilot.pause()
        assert app.results == ["moved away", "b", None]


async def test_a_call_outcome_is_clicked_then_saved() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(ContactAttemptDialog("Pat Example"))
        await pilot.pause()
        await pilot.click("#o-voicemail")
        await pilot.pause()
        assert app.screen.outcome is not None and app.screen.outcome.value == "voicemail"
        await pilot.click(button(app, "Save"))
        await pilot.pause()
        assert app.results == [("voicemail", "")]


async def test_help_closes_by_click() -> None:
    from divert_tui.screens.help import HelpScreen

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(HelpScreen("My work", [("F1", "Help", "everywhere")]))
        await pilot.pause()
        await pilot.click(button(app, "Close"))
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen) and app.results == [None]
