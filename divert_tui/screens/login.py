"""Logging in: user name and password, or in the demo a pick of role with no password."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from divert_tui.config import display_url
from divert_tui.core.services.base import ROLE_LABELS
from divert_tui.core.vocab import Role
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Label, Static

LOGIN_CSS = """
#login-box { width: 60; height: auto; border: round $primary; padding: 1 2; margin-top: 3; }
#login-box Label { margin-top: 1; }
#login-error { color: $error; height: auto; margin-top: 1; }
#login-title { text-style: bold; }
"""


class LoginScreen(DivertScreen):
    """The first screen on a live database."""

    CSS = LOGIN_CSS
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Static("divert · log in", id="login-title")
            yield Static(display_url(self.app.settings.database_url), classes="muted")
            yield Label("User name")
            yield Input(id="username", placeholder="e.g. j.smith")
            yield Label("Password")
            yield Input(id="password", password=True)
            yield Static("", id="login-error")
        yield FitFooter()

    def __init__(self, *, notice: str = "") -> None:
        super().__init__()
        self._notice = notice

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()
        if self._notice:
            self._show_error(self._notice)

    @on(Input.Submitted, "#username")
    def _to_password(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        if not username.strip():
            self._show_error("User name: type your user name")
            self.query_one("#username", Input).focus()
            return
        self._show_error("Checking..." if self.app.opened else "Opening the database...")
        self.app.when_open(
            lambda: self.run_worker(
                lambda: self._login(username, password), thread=True, exit_on_error=True
            )
        )

    def _login(self, username: str, password: str) -> None:
        from divert_tui.core.services import staff

        try:
            actor = staff.authenticate(self.app.db, username, password)
        except staff.LoginError as error:
            self.app.call_from_thread(self._failed, str(error))
        else:
            self.app.call_from_thread(self.app.logged_in, actor)

    def logged_out(self, message: str) -> None:
        """Shown again after a logout: empty boxes, and why the person is here."""
        for box in self.query(Input):
            box.value = ""
        self._show_error(message)
        self.query_one("#username", Input).focus()

    def _failed(self, message: str) -> None:
        self._show_error(message)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def _show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)


class DemoLoginScreen(DivertScreen):
    """The demo: pick a role and go in, no password."""

    CSS = LOGIN_CSS
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Static("DEMO · synthetic people only · choose a role", id="login-title")
            yield OptionList(
                *(Option(ROLE_LABELS[role].capitalize(), id=role.value) for role in Role),
                id="roles",
            )
            yield Static("Up/Down to choose, Enter to log in; F9 later to switch.", classes="muted")
            yield Static("", id="login-error")
        yield FitFooter()

    def __init__(self, *, notice: str = "") -> None:
        super().__init__()
        self._notice = notice

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        if self._notice:
            self._show_error(self._notice)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        role = Role(event.option.id or Role.WORKER.value)
        if not self.app.opened:
            self._show_error("Filling the demo database with synthetic people...")

        def go() -> None:
            from divert_tui.core.services import staff

            self.call_service(staff.demo_actor, self.app.db, role, then=self.app.logged_in)

        self.app.when_open(go)

    def logged_out(self, message: str) -> None:
        self._show_error(message)
        self.query_one(OptionList).focus()

    def _show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
