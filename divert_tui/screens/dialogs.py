"""Small dialogs: log a contact attempt, confirm, give a reason, pick from a list."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from divert_tui.core.vocab import CONTACT_OUTCOME_LABELS, ContactOutcome
from divert_tui.screens.base import DivertModal
from divert_tui.widgets.dialog_buttons import DialogButtons
from divert_tui.widgets.plain import Static

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90; max-width: 95%; height: auto; max-height: 90%;
    border: thick $primary; padding: 1 2; background: $surface;
}}
{name} .title {{ text-style: bold; margin-bottom: 1; }}
{name} .hint {{ color: $text-muted; margin-top: 1; }}
{name} .error {{ color: $error; height: auto; }}
{name} .caution {{ color: $error; text-style: bold; border: tall $error; padding: 0 1; margin-bottom: 1; }}
{name} OptionList {{ height: auto; max-height: 16; }}
{name} .choice {{ padding: 0 1; }}
{name} .choice.-chosen {{ background: $accent 40%; text-style: bold; }}
"""

OUTCOMES = list(ContactOutcome)


class ContactAttemptDialog(DivertModal):
    """Number key picks the outcome, Enter saves (with the note typed, if any)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ContactAttemptDialog")
    AUTO_FOCUS = ""  # no focus: the number keys reach the bindings
    BINDINGS = [
        *(
            Binding(str(n), f"pick({n})", CONTACT_OUTCOME_LABELS[o].capitalize(), show=False)
            for n, o in enumerate(OUTCOMES, start=1)
        ),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, who: str, *, caution: str = "") -> None:
        super().__init__()
        self._who = who
        self._caution = caution
        self.outcome: ContactOutcome | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Log a call to {self._who}"), classes="title")
            if self._caution:
                yield Static(Text(self._caution), id="caution", classes="caution")
            for n, outcome in enumerate(OUTCOMES, start=1):
                yield Static(
                    f"{n}  {CONTACT_OUTCOME_LABELS[outcome]}",
                    id=f"o-{outcome.value}",
                    classes="choice",
                )
            yield Static("Press 1-5, then type a note if you like; Enter saves.")
            yield Input(id="note", placeholder="e.g. rang twice, mailbox full")
            yield Static("", classes="error")
            yield DialogButtons(("Save · Enter", "save"), ("Cancel · Esc", "dismiss(None)"))

    def on_click(self, event: events.Click) -> None:
        """A click on an outcome picks it, like its number key."""
        widget = event.widget
        while widget is not None and widget is not self:
            if widget.has_class("choice") and widget.id and widget.id.startswith("o-"):
                outcome = ContactOutcome(widget.id.removeprefix("o-"))
                self.action_pick(OUTCOMES.index(outcome) + 1)
                return
            widget = widget.parent  # type: ignore[assignment]

    def action_save(self) -> None:
        self._save_note(self.query_one("#note", Input).value)

    def action_pick(self, number: int) -> None:
        self.outcome = OUTCOMES[number - 1]
        for outcome in OUTCOMES:
            self.query_one(f"#o-{outcome.value}", Static).set_class(
                outcome is self.outcome, "-chosen"
            )
        warning = ""
        if self._caution and self.outcome is ContactOutcome.VOICEMAIL:
            warning = (
                "This number is not safe for messages (see above): record a voicemail only "
                "if one was left, and say so in the note."
            )
        self.query_one(".error", Static).update(warning)
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _save(self, event: Input.Submitted) -> None:
        self._save_note(event.value)

    def _save_note(self, note: str) -> None:
        if self.outcome is None:
            self.query_one(".error", Static).update("Outcome: press 1 to 5 first")
            return
        self.dismiss((self.outcome.value, note.strip()))


class ConfirmDialog(DivertModal):
    """A yes / no question: Enter or Y answers yes, Escape or N answers no."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("enter,y", "answer(True)", "Yes", id="dialog.yes"),
        Binding("escape,n", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, title: str, body: str, yes: str = "Enter: yes", no: str = "Esc: no") -> None:
        super().__init__()
        self._title, self._body, self._keys = title, body, f"{yes} · {no}"
        self._yes, self._no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._title), classes="title")
            yield Static(Text(self._body))
            yield Static(self._keys, classes="hint")
            yield DialogButtons((self._yes, "answer(True)"), (self._no, "answer(False)"))

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ReasonDialog(DivertModal):
    """Asks for a reason in words; Enter records it, Escape cancels (returns None)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ReasonDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, prompt: str, value: str = "") -> None:
        super().__init__()
        self._title, self._prompt, self._value = title, prompt, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._title), classes="title")
            yield Static(Text(self._prompt))
            yield Input(value=self._value, id="reason")
            yield Static("Enter: record · Esc: cancel", classes="hint")
            yield DialogButtons(("Record · Enter", "record"), ("Cancel · Esc", "cancel"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._record(event.value)

    def action_record(self) -> None:
        self._record(self.query_one(Input).value)

    def _record(self, value: str) -> None:
        if value.strip():
            self.dismiss(value.strip())
        else:
            self.notify("Type a reason first.", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickDialog(DivertModal):
    """Pick one of a list with the arrows (or its number) and Enter; Escape cancels."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PickDialog")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        *(Binding(str(n), f"pick({n})", f"Pick {n}", show=False) for n in range(1, 10)),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self._title, self._choices, self._hint = title, choices, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._title), classes="title")
            options = [
                Option(Text(f"{n}  {label}" if n < 10 else f"   {label}"), id=key)
                for n, (key, label) in enumerate(self._choices, start=1)
            ]
            yield OptionList(*options)
            yield Static(self._hint or "↑↓ and Enter, or a number · Esc: cancel", classes="hint")
            yield DialogButtons(("Cancel · Esc", "cancel"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_id)

    def action_pick(self, number: int) -> None:
        if number <= len(self._choices):
            self.dismiss(self._choices[number - 1][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
