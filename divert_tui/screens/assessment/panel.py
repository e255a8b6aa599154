"""The side panel of the call: every step with its state, and the call timer."""

from __future__ import annotations

from time import monotonic

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from divert_tui.core.rules.assessment_flow import StepState
from divert_tui.screens import format as fmt
from divert_tui.widgets.plain import Static

MARKS = {
    "done": ("✓", "green"),
    "skipped": ("↷", "yellow"),
    "in_progress": ("…", "cyan"),
    "not_started": ("·", "dim"),
}


class CallTimer(Static):
    """Minutes and seconds since this call was opened on screen."""

    def on_mount(self) -> None:
        self._started = monotonic()
        self.set_interval(1.0, self._tick)
        self._tick()

    @property
    def seconds(self) -> int:
        return int(monotonic() - self._started)

    def _tick(self) -> None:
        minutes, seconds = divmod(self.seconds, 60)
        self.update(Text(f"Call  {minutes:02d}:{seconds:02d}", style="bold"))


class StepPanel(Vertical):
    DEFAULT_CSS = """
    StepPanel { width: 36; border: round $primary; padding: 0 1; }
    StepPanel #call-timer { height: 1; }
    StepPanel #save-state { height: 1; color: $text-muted; }
    StepPanel OptionList { height: 1fr; border: none; padding: 0; }
    StepPanel #panel-who { height: auto; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield CallTimer(id="call-timer")
        yield Static("", id="save-state")
        yield Static("", id="panel-who")
        yield OptionList(id="step-list")

    def show(self, steps: list[StepState], current: str) -> None:
        """Redraw the list, keeping the highlight on the current step."""
        options = []
        for step in steps:
            mark, style = MARKS.get(step.state, ("·", "dim"))
            label = Text()
            label.append(f"{mark} ", style=style)
            label.append(step.title, style="bold reverse" if step.id == current else "")
            if step.flagged:
                label.append("  ⚑", style="bold red")
            if step.due:
                due = ", ".join(fmt.instrument_name(i) for i in step.due)
                label.append(f"  then {due}", style="italic")
            options.append(Option(label, id=step.id))
        step_list = self.query_one(OptionList)
        highlighted = step_list.highlighted
        step_list.clear_options()
        step_list.add_options(options)
        ids = [s.id for s in steps]
        if step_list.has_focus and highlighted is not None:
            step_list.highlighted = highlighted
        elif current in ids:
            step_list.highlighted = ids.index(current)

    def saving(self, pending: int) -> None:
        text = f"saving {pending}…" if pending else "all answers saved"
        self.query_one("#save-state", Static).update(text)

    def who(self, text: str) -> None:
        self.query_one("#panel-who", Static).update(Text(text))
