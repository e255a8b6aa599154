"""F1: every key the current screen answers to, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from divert_tui.screens.base import DivertModal


def describe_key(key: str) -> str:
    return key.replace("ctrl+", "Ctrl+").replace("shift+", "Shift+").replace("_", " ")


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
    """
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close help")]

    def __init__(self, title: str, bindings: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._title = title
        self._rows = bindings

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(f"Keys · {self._title}  (Esc to close)", classes="title")
            table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Does", "Where")
            for key, description, where in self._rows:
                table.add_row(key, description, where)
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
