"""F1: every key the current screen answers to, with what it does."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from divert_tui.screens.base import DivertModal
from divert_tui.widgets.dialog_buttons import DialogButtons

KEY_WORDS = {
    "⏎": "Enter",
    "enter": "Enter",
    "escape": "Esc",
    "esc": "Esc",
    "tab": "Tab",
    "pgup": "PgUp",
    "pgdn": "PgDn",
    "home": "Home",
    "end": "End",
    "⌫": "Backspace",
    "backspace": "Backspace",
    "space": "Space",
}


def describe_key(key: str) -> str:
    """A key as it is printed on the keyboard: "Ctrl+N", "Enter", "Shift+Tab", "F1"."""
    parts = key.replace("^", "ctrl+", 1).split("+") if key.startswith("^") else key.split("+")
    words = []
    for part in parts[:-1]:
        words.append(part.capitalize())
    last = parts[-1]
    if last in KEY_WORDS:
        last = KEY_WORDS[last]
    elif len(last) == 1 and words or last.startswith("f") and last[1:].isdigit():
        last = last.upper()
    elif len(last) > 1:
        last = last.replace("_", " ").capitalize()
    return "+".join([*words, last])


def describe_binding(
    key: str, binding: Binding, app_wide: bool, screen_title: str
) -> tuple[str, str, str]:
    """(key, what it does, where it works), in a worker's words: never the action's name."""
    return describe_key(key), binding.description, "everywhere" if app_wide else screen_title


class HelpScreen(DivertModal):
    """Lists the bindings gathered from the screen under it (passed in, so nothing is missed)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help-box { width: 90%; height: 90%; border: round $primary; padding: 0 1; }
    #help-box DataTable { height: 1fr; }
    #help-box #help-notes { height: 2fr; border-top: solid $primary; }
    """
    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close help"),
        Binding("g", "tour", "Guided tour (demo)"),
    ]

    def __init__(
        self,
        title: str,
        bindings: list[tuple[str, str, str]],
        notes: Sequence[tuple[str, str]] = (),
        *,
        tour: bool = False,
    ) -> None:
        """``tour``: the demo, where G here starts the guided tour."""
        super().__init__()
        self._title = title
        self._rows = bindings
        self._notes = tuple(notes)
        self._tour = tour

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            tour = " · G: guided tour" if self._tour else ""
            yield Static(f"Keys · {self._title}  (Esc to close{tour})", classes="title")
            buttons = [("Close · Esc", "dismiss")]
            if self._tour:
                buttons.append(("Guided tour · G", "tour"))
            yield DialogButtons(*buttons)
            table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Does", "Where")
            if self._tour:
                table.add_row("G", "Guided tour: the worker's or the team lead's day", "this help")
            for key, description, where in self._rows:
                table.add_row(key, description, where)
            yield table
            if self._notes:
                with VerticalScroll(id="help-notes"):
                    for heading, text in self._notes:
                        yield Static(f"[b]{escape(heading)}[/b]: {escape(text)}", classes="note")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._tour if action == "tour" else True

    def action_tour(self) -> None:
        self.dismiss()
        self.app.call_later(self.app.run_action, "start_tour")
