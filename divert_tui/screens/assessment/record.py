"""A finished (or partial) assessment read back, read only, and printed for the case file."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll

from divert_tui.core.services import assessment_record as record_svc
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ReasonDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static


def default_print_path(police_reference: str) -> Path:
    """A file name from the police reference, in the home folder (the worker may change it)."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", police_reference).strip("-") or "referral"
    return Path.home() / f"assessment-{safe}.txt"


class AssessmentRecordScreen(DivertScreen):
    """Every step, answer, score, advice, need and the allocation of the call; `p` prints."""

    AREA = "Assessment record"
    DEFAULT_CSS = """
    AssessmentRecordScreen #record-body { height: 1fr; padding: 0 1; }
    AssessmentRecordScreen #record { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="record.back"),
        Binding("p", "print", "Print to a text file", id="record.print"),
    ]

    def __init__(self, referral_id: int) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.record: record_svc.AssessmentRecord | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="record-body"):
            yield Static("Opening the assessment…", id="record")
        yield FitFooter()

    def on_mount(self) -> None:
        self.call_service(
            record_svc.read_record,
            self.app.db,
            self.app.require_actor(),
            self.referral_id,
            then=self._show,
        )

    def _show(self, record: record_svc.AssessmentRecord) -> None:
        self.record = record
        self.query_one("#record", Static).update(Text(record_svc.record_text(record)))
        self.query_one("#record-body", VerticalScroll).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_print(self) -> None:
        if self.record is None:
            return
        suggested = str(default_print_path(self.record.police_reference))

        def chosen(path: str | None) -> None:
            if not path:
                return
            self.call_service(
                record_svc.export_record,
                self.app.db,
                self.app.require_actor(),
                self.referral_id,
                Path(path).expanduser(),
                then=lambda written: self.notify(f"Printed to {written} (only you can read it)."),
            )

        self.app.push_screen(
            ReasonDialog("Print the assessment", "Write it to this file:", suggested), chosen
        )
