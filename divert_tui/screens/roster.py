"""A session's roster: who is booked, their phone for the reminder call, and attendance
marked by keyboard (1 completed, 2 left early, 3 did not attend)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from divert_tui.core.rules.attendance import MARK_LABELS, Mark
from divert_tui.core.rules.recurrence import in_words
from divert_tui.core.services import booking, referrals, sessions
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ConfirmDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static

MARKS = {"1": Mark.COMPLETED, "2": Mark.LEFT_EARLY, "3": Mark.DID_NOT_ATTEND}


class RosterScreen(DivertScreen):
    AREA = "Roster"
    DEFAULT_CSS = """
    RosterScreen #session { height: auto; border: round $primary-darken-1; padding: 0 1; }
    RosterScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("1", "mark('completed')", "Completed", id="roster.completed"),
        Binding("2", "mark('left_early')", "Left early", id="roster.left_early"),
        Binding("3", "mark('did_not_attend')", "Did not attend", id="roster.dna"),
        Binding("enter", "open", "Open referral"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.result: sessions.Roster | None = None
        self.marked = 0  # attendance marks stored from this screen (the guided tour waits)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("Loading...", id="session")
        table: DataTable[str | Text] = DataTable(id="people", cursor_type="row", zebra_stripes=True)
        table.add_column("Name", key="name")
        table.add_column("Police ref", key="reference")
        table.add_column("Phone", key="phone")
        table.add_column("Attendance", key="attendance")
        yield table
        yield FitFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.call_service(
            sessions.roster, self.app.db, self.app.require_actor(), self.session_id, then=self._show
        )

    def _show(self, result: sessions.Roster) -> None:
        self.result = result
        s = result.session
        text = Text()
        text.append(f"{s.group_name}", style="bold")
        text.append(f" · {fmt.force(s.force)} · {in_words(s.starts_at)} · {s.minutes} min")
        text.append(f"\n{s.booked} of {s.capacity} places taken")
        if s.facilitator:
            text.append(f" · facilitator {s.facilitator}")
        if s.link:
            text.append(f" · {s.link}")
        if s.cancelled:
            text.append("\nCANCELLED", style="bold red")
        text.append(
            "\nMark the person under the cursor: 1 " + MARK_LABELS[Mark.COMPLETED]
            + " · 2 " + MARK_LABELS[Mark.LEFT_EARLY] + " · 3 " + MARK_LABELS[Mark.DID_NOT_ATTEND],
            style="dim",
        )  # fmt: skip
        self.query_one("#session", Static).update(text)
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for entry in result.entries:
            phone = (
                Text(entry.phone or "none")
                if entry.safe_to_contact
                else Text("NOT SAFE TO CONTACT", style="bold red")
            )
            status = Text(
                entry.status_label.upper() if entry.status == "booked" else entry.status_label,
                style="bold" if entry.status == "booked" else "",
            )
            table.add_row(
                entry.name, entry.police_reference, phone, status, key=str(entry.booking_id)
            )
        if not result.entries:
            table.add_row("nobody booked", "", "", "")
        elif cursor < len(result.entries):
            table.move_cursor(row=cursor)
        table.focus()

    def _entry(self) -> sessions.RosterEntry | None:
        if self.result is None or not self.result.entries:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.result.entries[row] if 0 <= row < len(self.result.entries) else None

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        entry = self._entry()
        if entry is not None:
            self.app.open_referral(entry.referral_id)

    def action_mark(self, mark: str) -> None:
        entry = self._entry()
        if entry is None:
            return
        self.call_service(
            booking.mark_attendance,
            self.app.db,
            self.app.require_actor(),
            entry.booking_id,
            mark,
            self.app.schemes,
            then=lambda marked: self._marked(entry, marked),
        )

    def _marked(self, entry: sessions.RosterEntry, marked: booking.Marked) -> None:
        self.marked += 1
        self.notify(
            f"{entry.name}: {MARK_LABELS[Mark(self._mark_of(marked.status))]}; "
            f"referral {fmt.label(marked.referral_status)}"
        )
        self.action_reload()
        if marked.missed.propose_non_compliant:
            self._propose_non_compliant(entry, marked.missed.reason)

    @staticmethod
    def _mark_of(status: str) -> str:
        return {"completed": "completed", "attended": "left_early"}.get(status, "did_not_attend")

    def _propose_non_compliant(self, entry: sessions.RosterEntry, reason: str) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    referrals.close_non_compliant,
                    self.app.db,
                    self.app.require_actor(),
                    entry.referral_id,
                    self.app.schemes,
                    reason=reason,
                    today=self.app.today(),
                    then=lambda closed: self.notify(
                        f"{entry.name} closed as non-compliant; intelligence log "
                        f"{closed.intelligence_log_id}, barred until {fmt.uk_date(closed.bar_until)}"
                    ),
                )

        self.app.push_screen(
            ConfirmDialog(
                "Missed-session policy met: close as non-compliant?",
                f"{entry.name} {reason}.\nThis writes an intelligence log for the police and "
                "bars them from diversion for the scheme's bar period. Esc keeps the referral "
                "open to book again.",
            ),
            confirmed,
        )
