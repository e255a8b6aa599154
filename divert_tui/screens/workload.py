"""Worker load: who carries what against the lead's target, and handing a caseload on."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from divert_tui.core.services import workload
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ConfirmDialog, PickDialog, ReasonDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static

COLUMNS = [
    ("name", "Worker"),
    ("open", "Open"),
    ("target", "Of target"),
    ("overdue", "1st contact overdue"),
    ("in_progress", "Assessments open"),
    ("bookings", "Booked this week"),
    ("forces", "Forces"),
]


class WorkloadScreen(DivertScreen):
    AREA = "Caseload"
    BINDINGS = [
        Binding("enter", "show_caseload", "Their referrals"),
        Binding("h", "hand_on", "Hand on all"),
        Binding("t", "target", "Set target"),
        Binding("escape", "back", "Back"),
    ]
    DEFAULT_CSS = """
    WorkloadScreen #summary { height: auto; padding: 0 1; }
    WorkloadScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[workload.WorkerLoad] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("Loading...", id="summary")
        table: DataTable[str | Text] = DataTable(cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        yield table
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._load()

    def on_screen_resume(self) -> None:
        self._load()

    def _load(self) -> None:
        self.call_service(
            workload.worker_loads,
            self.app.db,
            self.app.require_actor(),
            today=self.app.today(),
            then=self._show,
        )

    def _show(self, loads: list[workload.WorkerLoad]) -> None:
        self.loads = loads
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for load in loads:
            share = Text(load.share_of_target, style="bold red" if load.over_target else "")
            overdue = Text(
                f"{load.first_contacts_overdue:,}",
                style="bold red" if load.first_contacts_overdue else "",
            )
            table.add_row(
                load.name,
                f"{load.open_referrals:,}",
                share,
                overdue,
                f"{load.assessments_in_progress:,}",
                f"{load.bookings_this_week:,}",
                ", ".join(f.replace("_", " ").title() for f in load.forces),
                key=str(load.staff_id),
            )
        if loads:
            table.move_cursor(row=min(cursor, len(loads) - 1))
        target = loads[0].target if loads else workload.DEFAULT_TARGET
        over = sum(1 for load in loads if load.over_target)
        self.query_one("#summary", Static).update(
            f"Target: {target} open referrals a worker (t changes it) · "
            f"{over} of {len(loads)} over target · Enter: their referrals · h: hand all on"
        )

    def _current(self) -> workload.WorkerLoad | None:
        table = self.query_one(DataTable)
        if not self.loads or table.row_count == 0:
            return None
        return self.loads[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_show_caseload()

    def action_show_caseload(self) -> None:
        from dataclasses import replace

        from divert_tui.screens.caseload import CaseloadScreen

        load = self._current()
        if load is None:
            return
        caseload = next((s for s in self.app.screen_stack if isinstance(s, CaseloadScreen)), None)
        if caseload is not None:
            caseload._worker_names[load.staff_id] = load.name
            caseload.chosen = replace(
                caseload.chosen.cleared(), worker_id=load.staff_id, open_only=True
            )
        self.app.pop_screen()

    def action_hand_on(self) -> None:
        leaver = self._current()
        if leaver is None:
            return
        if not leaver.open_referrals:
            self.notify(f"{leaver.name} holds no open referrals")
            return
        choices = [
            (str(w.staff_id), f"{w.name}: {w.open_referrals} open of {w.target}")
            for w in self.loads
            if w.staff_id != leaver.staff_id
        ]
        if not choices:
            self.notify("There is nobody else in your forces to hand them to")
            return

        def picked(value: str | None) -> None:
            if value is None:
                return
            receiver = next(w for w in self.loads if str(w.staff_id) == value)

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.call_service(
                        workload.reassign_all_of,
                        self.app.db,
                        self.app.require_actor(),
                        leaver.staff_id,
                        receiver.staff_id,
                        then=lambda moved: self._handed(moved, receiver.name),
                    )

            self.app.push_screen(
                ConfirmDialog(
                    "Hand on a whole caseload",
                    f"Move all {leaver.open_referrals} open referrals of {leaver.name} "
                    f"to {receiver.name}?",
                ),
                confirmed,
            )

        self.app.push_screen(
            PickDialog(f"Hand every open referral of {leaver.name} to", choices), picked
        )

    def _handed(self, moved: int, name: str) -> None:
        self.notify(f"{moved:,} referral{'s' if moved != 1 else ''} moved to {name}")
        self._load()

    def action_target(self) -> None:
        current = self.loads[0].target if self.loads else workload.DEFAULT_TARGET

        def chosen(value: str | None) -> None:
            if value is None:
                return
            try:
                target = int(value.strip())
            except ValueError:
                self.notify(
                    f"Target: type a number of referrals from 1 to {workload.MAX_TARGET}",
                    severity="warning",
                )
                return
            self.call_service(
                workload.set_caseload_target,
                self.app.db,
                self.app.require_actor(),
                target,
                then=lambda _: self._load(),
            )

        self.app.push_screen(
            ReasonDialog(
                "Caseload target",
                "Open referrals one worker should carry at most:",
                str(current),
            ),
            chosen,
        )

    def action_back(self) -> None:
        self.app.pop_screen()
