"""The self-harm risk protocol: the one dialog of the call that cannot be left unanswered."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from divert_tui.core.services.assessment_safety import SELF_HARM_ACTIONS
from divert_tui.screens.base import DivertModal
from divert_tui.screens.dialogs import DIALOG_CSS


class SelfHarmProtocol(DivertModal):
    """PHQ-9 question 9 above 0: what to ask and say now, and the action taken, recorded
    before the call can go on. There is no way out of it but recording."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="SelfHarmProtocol")
        + """
    SelfHarmProtocol > Vertical { border: thick $error; width: 110; }
    SelfHarmProtocol #protocol { margin-bottom: 1; }
    SelfHarmProtocol Input { margin-top: 1; }
    """
    )
    BINDINGS = [
        Binding("escape", "refuse", "Cannot skip: record the action", id="risk.no_skip"),
        Binding("ctrl+r", "record", "Record the action and go on", id="risk.record"),
        *(Binding(str(n), f"pick({n})", f"Action {n}", show=False) for n in range(1, 6)),
    ]

    def __init__(
        self,
        protocol: str,
        answer: object,
        save: Callable[[str, str, str, Callable[[], None]], None],
    ) -> None:
        super().__init__()
        self._protocol = protocol
        self._answer = answer
        self._save = save
        self._action: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(
                    f"⚠ Risk of self-harm: PHQ-9 question 9 answered {self._answer}", style="bold"
                ),
                classes="title",
            )
            yield Static(Text(self._protocol.strip()), id="protocol")
            yield Static("What was done? (press 1-5, or ↑↓ and Enter to choose)", classes="title")
            yield Static("Nothing chosen yet", id="risk-chosen")
            yield OptionList(
                *(
                    Option(f"{n}  {label}", id=key)
                    for n, (key, label) in enumerate(SELF_HARM_ACTIONS.items(), start=1)
                ),
                id="risk-actions",
            )
            yield Input(placeholder="Urgent referral made to (required for 2)", id="risk-referred")
            yield Input(placeholder="Notes (what was agreed)", id="risk-notes")
            yield Static("Ctrl+R: record and go on · this cannot be skipped", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_id)
        self.query_one("#risk-referred", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "risk-referred":
            self.query_one("#risk-notes", Input).focus()
        else:
            self.action_record()

    def action_pick(self, number: int) -> None:
        options = self.query_one(OptionList)
        if self.focused is options and number <= options.option_count:
            options.highlighted = number - 1
            self._choose(list(SELF_HARM_ACTIONS)[number - 1])

    def _choose(self, action: str | None) -> None:
        """Only a deliberate choice counts: the highlight alone never records an action."""
        self._action = action
        label = SELF_HARM_ACTIONS.get(action or "", "Nothing chosen yet")
        self.query_one("#risk-chosen", Static).update(Text(f"Chosen: {label}", style="bold"))

    def action_refuse(self) -> None:
        self.app.bell()
        self.notify(
            "The self-harm risk protocol cannot be skipped: choose what was done and press Ctrl+R.",
            severity="warning",
        )

    def action_record(self) -> None:
        if self._action is None:
            self.action_refuse()
            return
        referred = self.query_one("#risk-referred", Input).value
        notes = self.query_one("#risk-notes", Input).value
        self._save(self._action, referred, notes, lambda: self.dismiss(self._action))
