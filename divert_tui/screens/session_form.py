"""Adding course sessions by keyboard: a small form (Tab between fields, Enter checks it),
then the dates in words to confirm before anything is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from divert_tui.core.services import sessions
from divert_tui.core.services.base import ValidationError
from divert_tui.screens.base import DivertModal
from divert_tui.screens.dialogs import DIALOG_CSS, ConfirmDialog
from divert_tui.widgets.dialog_buttons import DialogButtons
from divert_tui.widgets.plain import Label, Static

if TYPE_CHECKING:
    from divert_tui.screens.base import DivertScreen

FIELDS = (
    ("force", "Force"),
    ("group", "Group"),
    ("start", "First (UK)"),
    ("repeat", "Repeat"),
    ("minutes", "Minutes"),
    ("capacity", "Places"),
    ("link", "Link"),
    ("facilitator", "Facilitator"),
)
PLACEHOLDERS = {
    "force": "west_midlands, west_mercia, warwickshire or staffordshire",
    "group": "cannabis, cocaine, nitrous_oxide or general",
    "start": "YYYY-MM-DD HH:MM, e.g. 2027-03-23 18:00",
    "repeat": "blank for one; FREQ=WEEKLY;BYDAY=TU;COUNT=8 or FREQ=MONTHLY;BYDAY=1MO;COUNT=6",
    "link": "https://...",
    "facilitator": "user name (optional)",
}


class AddSessionsDialog(DivertModal):
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="AddSessionsDialog")
        + """
    AddSessionsDialog Horizontal { height: 1; }
    AddSessionsDialog Input { height: 1; width: 1fr; border: none; padding: 0 1; background: $boost; }
    AddSessionsDialog Input:focus { border: none; background: $accent 30%; }
    AddSessionsDialog Label { width: 13; color: $text-muted; }
    AddSessionsDialog .help { color: $text-muted; height: auto; }
    """
    )
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="sessions.cancel")]

    def __init__(self, values: dict[str, str], forces: set[str]) -> None:
        super().__init__()
        self.values, self.forces = values, forces

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Add course sessions", classes="title")
            for name, label in FIELDS:
                with Horizontal():
                    yield Label(label)
                    yield Input(
                        value=self.values.get(name, ""),
                        placeholder=PLACEHOLDERS.get(name, ""),
                        id=f"f-{name}",
                    )
            yield Static("", classes="error")
            yield Static(
                "Tab: next field · Enter: check and show the dates · Esc: cancel", classes="hint"
            )
            yield DialogButtons(("Cancel · Esc", "dismiss(None)"))

    def on_mount(self) -> None:
        first_empty = next((n for n, _ in FIELDS if not self.values.get(n)), "start")
        self.query_one(f"#f-{first_empty}", Input).focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value.strip()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        numbers = {}
        for name in ("minutes", "capacity"):
            try:
                numbers[name] = int(self._value(name))
            except ValueError:
                self.query_one(".error", Static).update(f"{name}: type a whole number")
                return
        try:
            plan = sessions.plan_sessions(
                force=self._value("force"),
                group=self._value("group"),
                start=self._value("start"),
                repeat=self._value("repeat") or None,
                minutes=numbers["minutes"],
                capacity=numbers["capacity"],
                link=self._value("link") or None,
                facilitator=self._value("facilitator") or None,
                known_forces=self.forces,
            )
        except ValidationError as exc:
            self.query_one(".error", Static).update(
                Text("\n".join(f"{field}: {reason}" for field, reason in exc.errors.items()))
            )
            return
        self.dismiss(plan)


def add_sessions_by_keyboard(
    screen: DivertScreen,
    *,
    force: str = "",
    group: str = "",
    then: Callable[[str], None],
) -> None:
    app = screen.app
    actor = app.require_actor()
    defaults = {
        "force": force or (sorted(actor.forces)[0] if actor.forces else ""),
        "group": group,
        "minutes": "150",
        "capacity": "12",
    }

    def planned(plan: sessions.SessionPlan | None) -> None:
        if plan is None:
            return
        words = plan.words
        shown = "\n".join(words[:12]) + (
            f"\n... and {len(words) - 12} more" if len(words) > 12 else ""
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                screen.call_service(
                    sessions.add_sessions, app.db, actor, plan,
                    then=lambda rows: then(f"Saved {len(rows)} session(s)"),
                )  # fmt: skip

        app.push_screen(
            ConfirmDialog(
                f"Save {len(words)} {plan.group.replace('_', ' ')} session(s) for "
                f"{plan.force.replace('_', ' ')}?",
                shown,
                yes="Enter/y: save",
                no="Esc/n: do not save",
            ),
            confirmed,
        )

    app.push_screen(AddSessionsDialog(defaults, set(app.schemes)), planned)
