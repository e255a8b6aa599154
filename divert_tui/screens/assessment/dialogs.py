"""The self-harm risk protocol: the one dialog of the call that cannot be left unanswered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from divert_tui.core.rules.call_back import parse_call_back
from divert_tui.core.services.assessment_safety import (
    SELF_HARM_ACTION_LABELS,
    SELF_HARM_NEEDS_REFERRED_TO,
)
from divert_tui.screens.base import DivertModal
from divert_tui.screens.dialogs import DIALOG_CSS
from divert_tui.widgets.dialog_buttons import DialogButtons
from divert_tui.widgets.plain import Static

ACTION_KEYS = list(SELF_HARM_ACTION_LABELS)


class RiskActions(OptionList):
    """The actions, with nothing highlighted at first: a reflex Enter must not record one."""

    def on_mount(self) -> None:
        self.highlighted = None

    def action_select(self) -> None:
        if self.highlighted is None:
            refuse = getattr(self.screen, "action_refuse", None)
            if refuse is not None:
                refuse()
            return
        super().action_select()


class SelfHarmProtocol(DivertModal):
    """PHQ-9 question 9 above 0: what to ask and say now, and the action taken, recorded
    before the call can go on. There is no way out of it but recording.

    It fits an 80x24 terminal: only the explanation scrolls; the options, the "referred to"
    box and the keys that record stay on screen."""

    DEFAULT_CSS = """
    SelfHarmProtocol { align: center middle; }
    SelfHarmProtocol > Vertical {
        width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; padding: 0 1; background: $surface;
    }
    SelfHarmProtocol .title { text-style: bold; height: auto; }
    SelfHarmProtocol #protocol { height: auto; max-height: 40vh; margin-bottom: 1; }
    SelfHarmProtocol #protocol:focus { border-left: thick $accent; }
    SelfHarmProtocol #risk-actions { height: auto; border: none; padding: 0; }
    SelfHarmProtocol Input { border: none; height: 1; padding: 0 1; background: $boost; }
    SelfHarmProtocol Input:focus { background: $accent 30%; }
    SelfHarmProtocol #risk-referred { margin-bottom: 0; }
    SelfHarmProtocol .hint { color: $text; text-style: bold; height: 1; }
    """
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
            with VerticalScroll(id="protocol"):
                yield Static(Text(self._protocol.strip()))
            yield Static("What was done? Press 1-5 (or ↑↓), then Enter", classes="title")
            yield RiskActions(*self._options(), id="risk-actions")
            yield Input(placeholder="Urgent referral made to (needed for 2)", id="risk-referred")
            yield Input(placeholder="Notes (what was agreed), optional", id="risk-notes")
            yield Static("Enter or Ctrl+R: record and go on · cannot be skipped", classes="hint")

    def _options(self) -> list[Option]:
        options = []
        for n, key in enumerate(ACTION_KEYS, start=1):
            chosen = key == self._action
            label = Text(f"{'●' if chosen else ' '} {n}  {SELF_HARM_ACTION_LABELS[key]}")
            if chosen:
                label.stylize("bold")
            options.append(Option(label, id=key))
        return options

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast must never cover the controls
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an option chooses it and records it, unless it needs who was referred to."""
        event.stop()
        self._choose(event.option_id)
        self.action_record()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "risk-referred" and not self._action:
            self.query_one(OptionList).focus()
        self.action_record()

    def action_pick(self, number: int) -> None:
        options = self.query_one(OptionList)
        if self.focused is options and number <= options.option_count:
            self._choose(ACTION_KEYS[number - 1])

    def _choose(self, action: str | None) -> None:
        """Only a deliberate choice counts: the highlight alone never records an action."""
        if action not in SELF_HARM_ACTION_LABELS:
            return
        self._action = action
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = ACTION_KEYS.index(action)

    def action_refuse(self) -> None:
        self.app.bell()
        self.notify(
            "The self-harm risk protocol cannot be skipped: choose what was done (1-5) and press Enter.",
            severity="warning",
        )

    def action_record(self) -> None:
        if self._action is None:
            self.action_refuse()
            return
        referred = self.query_one("#risk-referred", Input)
        if self._action in SELF_HARM_NEEDS_REFERRED_TO and not referred.value.strip():
            referred.focus()
            self.notify(
                "Referred to: type who the urgent referral was made to, then Enter.",
                severity="warning",
            )
            return
        notes = self.query_one("#risk-notes", Input).value
        self._save(self._action, referred.value, notes, lambda: self.dismiss(self._action))


class EndEarlyDialog(DivertModal):
    """Why the call ended early, and the call-back agreed (if any): both kept on the
    referral, and the call-back comes back at the top of the worker's list when due."""

    DEFAULT_CSS = DIALOG_CSS.format(name="EndEarlyDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, reason: str, now: Callable[[], datetime]) -> None:
        super().__init__()
        self._reason = reason
        self._now = now

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("End the call early", classes="title")
            yield Static("Why did the call end? (hung up, not safe to talk, call back agreed…)")
            yield Input(value=self._reason, id="end-reason")
            yield Static("Call-back agreed: day and time (e.g. thursday 10am), or leave empty")
            yield Input(placeholder="thursday 10am", id="end-call-back", select_on_focus=False)
            yield Static("", classes="error", id="end-error")
            yield Static("Enter: next / record · Esc: cancel (the call goes on)", classes="hint")
            yield DialogButtons(("End the call", "record"), ("Cancel · Esc", "cancel"))

    def on_mount(self) -> None:
        self.query_one("#end-reason", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "end-reason":
            self.query_one("#end-call-back", Input).focus()
            return
        self._record()

    def action_record(self) -> None:
        self._record()

    def _record(self) -> None:
        error = self.query_one("#end-error", Static)
        reason = self.query_one("#end-reason", Input).value.strip()
        if not reason:
            error.update("Why the call ended: type a reason first.")
            self.query_one("#end-reason", Input).focus()
            return
        typed = self.query_one("#end-call-back", Input).value
        try:
            moment = parse_call_back(typed, self._now())
        except ValueError as exc:
            error.update(str(exc).capitalize())
            return
        self.dismiss((reason, moment))

    def action_cancel(self) -> None:
        self.dismiss(None)
