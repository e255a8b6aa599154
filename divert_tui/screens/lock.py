"""The idle lock: covers the screen and asks for the password; what was underneath stays."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Input

from divert_tui.screens.base import DivertModal
from divert_tui.widgets.plain import Static


class LockScreen(DivertModal):
    DEFAULT_CSS = """
    LockScreen { background: $background 100%; align: center middle; }
    #lock-box { width: 60; height: auto; border: round $warning; padding: 1 2; }
    #lock-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]

    def compose(self) -> ComposeResult:
        actor = self.app.actor
        name = actor.display_name if actor else ""
        with Center(), Vertical(id="lock-box"):
            yield Static(f"Locked · {name}", classes="title")
            if self.app.demo:
                yield Static("Demo: press Enter to unlock.")
            else:
                yield Static("Your work is kept. Type your password to go on.")
            yield Input(id="lock-password", password=True, placeholder="password")
            yield Static("", id="lock-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _unlock(self, event: Input.Submitted) -> None:
        if self.app.demo:
            self.dismiss(True)
            return
        password = event.value
        event.input.value = ""
        self.query_one("#lock-error", Static).update("Checking...")
        self.run_worker(lambda: self._check(password), thread=True, exit_on_error=True)

    def _check(self, password: str) -> None:
        from divert_tui.core.services import staff

        actor = self.app.actor
        assert actor is not None
        try:
            staff.confirm_password(self.app.db, actor, password)
        except staff.LoginError as error:
            self.app.call_from_thread(self.query_one("#lock-error", Static).update, str(error))
        else:
            self.app.call_from_thread(self.dismiss, True)
