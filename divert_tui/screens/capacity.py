"""Capacity against demand for team leads: the next six weeks' places per force and
group, the people waiting for one, and how long people wait; a adds sessions there."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable

from divert_tui.core.services import course_capacity
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static


class CapacityScreen(DivertScreen):
    AREA = "Capacity"
    DEFAULT_CSS = """
    CapacityScreen #grid { height: 2fr; }
    CapacityScreen #waits { height: 1fr; }
    CapacityScreen .title { text-style: bold; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("a", "add", "Add sessions here"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: course_capacity.CapacityView | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Vertical():
            yield Static(
                "Free places / places offered per week; waiting = allocated, not yet booked",
                classes="title",
            )
            grid: DataTable[str | Text] = DataTable(id="grid", cursor_type="row")
            yield grid
            yield Static(
                "Days from allocation to the session attended (last 90 days)", classes="title"
            )
            waits: DataTable[str] = DataTable(id="waits", cursor_type="row")
            waits.add_columns("Course", "People", "Median days", "90th percentile")
            yield waits
        yield FitFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.call_service(
            course_capacity.capacity_against_demand,
            self.app.db,
            self.app.require_actor(),
            self.app.today(),
            then=self._show,
        )

    def _show(self, view: course_capacity.CapacityView) -> None:
        self.view = view
        grid = self.query_one("#grid", DataTable)
        grid.clear(columns=True)
        grid.add_columns(
            "Force",
            "Course",
            *(f"w/c {d:%d/%m}" for d in view.week_starts),
            "Waiting",
            "Short",
            "Add",
        )
        for row in view.rows:
            v = row.verdict
            short = Text(f"{v.short_by}", style="bold red") if v.flagged else Text("0")
            add = (
                Text(f"{v.sessions_needed} session(s)", style="bold red") if v.flagged else Text("")
            )
            grid.add_row(
                fmt.label(row.force),
                fmt.label(row.group),
                *(f"{w.free}/{w.offered}" for w in row.weeks),
                str(v.waiting),
                short,
                add,
                key=f"{row.force}:{row.group}",
            )
        if not view.rows:
            grid.add_row("no sessions and nobody waiting", "", *([""] * 9))
        waits = self.query_one("#waits", DataTable)
        waits.clear()
        for stat in view.waits:
            waits.add_row(
                fmt.label(stat.group),
                str(stat.people),
                "" if stat.median_days is None else f"{stat.median_days:g}",
                "" if stat.p90_days is None else f"{stat.p90_days:g}",
            )
        if not view.waits:
            waits.add_row("nobody attended in the last 90 days", "", "", "")
        grid.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        from divert_tui.screens.session_form import add_sessions_by_keyboard

        force = group = ""
        if self.view and self.view.rows:
            row = self.query_one("#grid", DataTable).cursor_row
            if 0 <= row < len(self.view.rows):
                force, group = self.view.rows[row].force, self.view.rows[row].group
        add_sessions_by_keyboard(
            self, force=force, group=group, then=lambda message: self._added(message)
        )

    def _added(self, message: str) -> None:
        self.notify(message)
        self.action_reload()
