"""Reports: headline figures per force for the last twelve months."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from divert_tui.core.services import reports
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


class ReportsScreen(DivertScreen):
    AREA = "Reports"
    BINDINGS = [Binding("r", "refresh", "Refresh")]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="period")
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns(
            "Force",
            "Referrals",
            "Cannabis",
            "Contacted",
            "Completed",
            "Completion",
            "Non-compliant",
            "Ineligible",
            "Police hours saved",
        )
        yield table
        yield Static("Counts under 5 are shown as <5.", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        end = self.app.today()
        start = end - relativedelta(years=1) + relativedelta(days=1)
        self.query_one("#period", Static).update(
            f"Referrals made {start:%d %b %Y} to {end:%d %b %Y}"
        )
        self.call_service(
            reports.headline,
            self.app.db,
            self.app.require_actor(),
            self.app.schemes,
            start,
            end,
            then=self._show,
        )

    def _show(self, figures: list[reports.ForceFigures]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for f in figures:
            table.add_row(
                f.force_name,
                reports.shown(f.referrals),
                reports.shown(f.cannabis),
                reports.shown(f.contacted),
                reports.shown(f.completed),
                _share(f.completion_share),
                reports.shown(f.non_compliant),
                reports.shown(f.ineligible),
                f"{f.hours_saved:,.0f}",
            )
