"""Small dialogs: log a contact attempt, give a reason, confirm a step that cannot be undone."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from divert_tui.core.vocab import CONTACT_OUTCOME_LABELS, ContactOutcome
from divert_tui.screens.base import DivertModal

DIALOG_CSS = """
DivertModal { align: center middle; }
.dialog { width: 76; height: auto; max-height: 90%; border: round $primary; padding: 1 2;
          background: $surface; }
.dialog .error { color: $error; height: auto; }
.dialog .choice { padding: 0 1; }
.dialog .choice.-chosen { background: $accent 40%; text-style: bold; }
"""

OUTCOMES = list(ContactOutcome)


class ContactAttemptDialog(DivertModal):
    """Number key picks the outcome, Enter saves (with the note typed, if any)."""

    DEFAULT_CSS = DIALOG_CSS
    AUTO_FOCUS = ""  # no focus: the number keys reach the bindings
    BINDINGS = [
        *(
            Binding(str(n), f"pick({n})", CONTACT_OUTCOME_LABELS[o].capitalize(), show=False)
            for n, o in enumerate(OUTCOMES, start=1)
        ),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, who: str) -> None:
        super().__init__()
        self._who = who
        self.outcome: ContactOutcome | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Log a call to {self._who}", classes="title")
            for n, outcome in enumerate(OUTCOMES, start=1):
                yield Static(
                    f"{n}  {CONTACT_OUTCOME_LABELS[outcome]}",
                    id=f"o-{outcome.value}",
                    classes="choice",
                )
            yield Static("Press 1-5, then type a note if you like; Enter saves.")
            yield Input(id="note", placeholder="e.g. rang twice, mailbox full")
            yield Static("", classes="error")

    def action_pick(self, number: int) -> None:
        self.outcome = OUTCOMES[number - 1]
        for outcome in OUTCOMES:
            self.query_one(f"#o-{outcome.value}", Static).set_class(outcome is self.outcome, "-chosen")
        self.query_one(".error", Static).update("")
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _save(self, event: Input.Submitted) -> None:
        if self.outcome is None:
            self.query_one(".error", Static).update("Outcome: press 1 to 5 first")
            return
        self.dismiss((self.outcome.value, event.value.strip()))


class ReasonDialog(DivertModal):
    """Asks for a line of text (a reason or a note); Enter gives it, Esc cancels."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self, title: str, prompt: str, *, placeholder: str = "", required: bool = True
    ) -> None:
        super().__init__()
        self._title = title
        self._prompt = prompt
        self._placeholder = placeholder
        self._required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            yield Static(self._prompt)
            yield Input(id="reason", placeholder=self._placeholder)
            yield Static("", classes="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _give(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self._required and not text:
            self.query_one(".error", Static).update("Type something first, or Esc to cancel")
            return
        self.dismiss(text)


class ConfirmDialog(DivertModal):
    """y or Enter confirms; n or Esc does not."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("y,enter", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            yield Static(self._body)
            yield Static("y / Enter: yes    n / Esc: no", classes="muted")
