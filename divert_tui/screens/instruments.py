"""Instruments: every questionnaire in a list; run any one on its own (trainer, practice).

No database: answers live only in the form, and the final result is shown as plain data.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from divert_tui.forms import Instrument, list_instruments
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static
from divert_tui.widgets.question import QuestionForm


class InstrumentsScreen(DivertScreen):
    """A keyboard list of instruments; Enter runs the highlighted one in a QuestionForm."""

    AREA = "Instruments · practice runs: nothing is saved"

    DEFAULT_CSS = """
    InstrumentsScreen #instrument-list { width: 44; border: round $primary; }
    InstrumentsScreen #instrument-run { width: 1fr; }
    InstrumentsScreen #instrument-form { height: auto; }
    InstrumentsScreen #instrument-info { color: $text-muted; padding: 0 1; height: auto; }
    InstrumentsScreen #instrument-result { padding: 0 1; height: auto; color: $success; }
    """

    BINDINGS = [
        Binding("escape", "to_list", "Back to the list / leave", id="instruments.list"),
        Binding("ctrl+r", "restart", "Start again", id="instruments.restart"),
    ]

    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.instruments: dict[str, Instrument] = {i.id: i for i in list_instruments()}
        self.running: Instrument | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal():
            yield OptionList(*self._options(), id="instrument-list")
            with VerticalScroll(id="instrument-run"):
                yield Static(id="instrument-info")
                yield Vertical(id="instrument-form")
                yield Static(id="instrument-result")
        yield FitFooter()

    def _options(self) -> list[Option]:
        options = []
        for inst in self.instruments.values():
            label = Text(inst.title)
            tag = "scored" if inst.kind == "scored" else "module"
            label.append(f"\n  {inst.id} v{inst.version} · {tag}", style="dim")
            if inst.permission_required:
                label.append(" · licence: permission needed", style="dim italic")
            options.append(Option(label, id=inst.id))
        return options

    def on_mount(self) -> None:
        self.query_one("#instrument-list", OptionList).focus()
        self._info(None)

    def _info(self, inst: Instrument | None) -> None:
        info = self.query_one("#instrument-info", Static)
        if inst is None:
            info.update("Pick an instrument and press Enter to run it. Nothing is saved.")
            return
        text = Text()
        text.append(f"Source: {' '.join(inst.source.split())}\n")
        text.append(f"Licence: {' '.join(inst.licence.split())}\n")
        if inst.intro:
            text.append(f"Say: {inst.intro}\n", style="italic")
        info.update(text)

    @on(OptionList.OptionHighlighted, "#instrument-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.running is None and event.option_id:
            self._info(self.instruments[event.option_id])

    @on(OptionList.OptionSelected, "#instrument-list")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_id:
            await self.run_instrument(event.option_id)

    async def run_instrument(self, instrument_id: str) -> QuestionForm:
        """Replace any running form with a fresh one for this instrument and focus it."""
        inst = self.instruments[instrument_id]
        self.running = inst
        holder = self.query_one("#instrument-form", Vertical)
        await holder.remove_children()
        form = QuestionForm(inst, id="instrument-question")
        await holder.mount(form)
        self.query_one("#instrument-result", Static).update("")
        self._info(inst)
        form.focus()
        return form

    @on(QuestionForm.Answered)
    def _answered(self) -> None:
        self.query_one("#instrument-result", Static).update("")  # a changed answer: stale

    @on(QuestionForm.Completed)
    def _completed(self, event: QuestionForm.Completed) -> None:
        data = event.result.to_dict()
        text = Text("Result as it would be stored:\n", style="bold")
        text.append(json.dumps(data, indent=2, ensure_ascii=False))
        self.query_one("#instrument-result", Static).update(text)

    def action_to_list(self) -> None:
        """Escape goes back to the list; from the list, back to where the practice began."""
        instrument_list = self.query_one("#instrument-list", OptionList)
        if instrument_list.has_focus and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            instrument_list.focus()

    async def action_restart(self) -> None:
        if self.running is not None:
            await self.run_instrument(self.running.id)
