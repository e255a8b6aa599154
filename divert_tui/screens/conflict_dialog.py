"""Someone else saved the referral first: what they changed, and the choice, in the open.

Reload shows their version and drops the change typed here; keep mine saves it on top of
theirs (recorded as an overwrite). Nothing is saved until one of the two is chosen, and
notes or calls added by anyone are rows of their own, kept either way.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button

from divert_tui.core.rules.conflicts import Conflict
from divert_tui.screens.base import DivertModal
from divert_tui.widgets.plain import Static

RELOAD, KEEP = "reload", "keep"


def changes_table(conflict: Conflict) -> Table:
    table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
    table.add_column("What", ratio=2, style="bold", overflow="fold")
    table.add_column("You saw", ratio=3, overflow="fold")
    table.add_column("Now (their save)", ratio=3, overflow="fold")
    for change in conflict.changes:
        table.add_row(Text(change.field), Text(change.yours), Text(change.theirs))
    if not conflict.changes:
        table.add_row(Text("nothing shown"), Text(""), Text("only the record's version moved"))
    return table


class ConflictDialog(DivertModal):
    """Returns RELOAD or KEEP; Escape is the same as reload (nothing of this save is kept)."""

    DEFAULT_CSS = """
    ConflictDialog { align: center middle; }
    ConflictDialog > Vertical {
        width: 90; max-width: 96%; height: auto; max-height: 96%;
        border: thick $warning; padding: 0 1; background: $surface;
    }
    ConflictDialog .title { text-style: bold; }
    ConflictDialog #changes { height: auto; max-height: 9; margin: 1 0; }
    ConflictDialog #buttons { height: auto; align-horizontal: center; }
    ConflictDialog Button { margin: 0 1; }
    ConflictDialog .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("r,escape", "choose('reload')", "Reload", id="conflict.reload"),
        Binding("k", "choose('keep')", "Keep mine", id="conflict.keep"),
    ]

    def __init__(self, conflict: Conflict, yours: str) -> None:
        super().__init__()
        self._conflict, self._yours = conflict, yours

    def compose(self) -> ComposeResult:
        by = self._conflict.changed_by
        with Vertical():
            yield Static(Text("Someone else saved this referral first"), classes="title")
            yield Static(
                Text(
                    (f"Last saved by {by[0]}. " if by else "")
                    + f"Your change is NOT saved yet: {self._yours}."
                )
            )
            with VerticalScroll(id="changes"):
                yield Static(changes_table(self._conflict), id="changes-table")
            yield Static(
                Text(
                    "Reload: show their version; your change is dropped (do it again if "
                    "still needed). Keep mine: save your change over theirs, recorded as an "
                    "overwrite. Notes and calls logged by anyone are kept either way."
                ),
                classes="hint",
            )
            with Horizontal(id="buttons"):
                yield Button(Text("r Reload (drop mine)"), id="reload", variant="primary")
                yield Button(Text("k Keep mine"), id="keep", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#reload", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(KEEP if event.button.id == KEEP else RELOAD)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
