"""Buttons for a dialog's keys, for the learner who reaches for the mouse: each click runs the
same action as its key. They never take the focus, so the keyboard works exactly as before
(Enter still answers the dialog, not a focused button)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button


class KeyButton(Button, can_focus=False):
    """A compact button that runs ``action`` on its screen when clicked."""

    def __init__(self, label: str, action: str, *, variant: str = "default") -> None:
        # Text, never markup: a label is shown as written.
        super().__init__(Text(label), variant=variant, compact=True)  # type: ignore[arg-type]
        self.screen_action = action


class DialogButtons(Horizontal):
    """A row of (label, action) buttons; the first is the dialog's main answer."""

    DEFAULT_CSS = """
    DialogButtons { height: auto; margin-top: 1; }
    DialogButtons KeyButton { margin-right: 2; padding: 0 1; min-width: 8; }
    """

    def __init__(self, *buttons: tuple[str, str]) -> None:
        super().__init__()
        self._buttons = buttons

    def compose(self) -> ComposeResult:
        for index, (label, action) in enumerate(self._buttons):
            yield KeyButton(label, action, variant="primary" if index == 0 else "default")

    @on(Button.Pressed)
    async def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, KeyButton):
            await self.screen.run_action(event.button.screen_action)
