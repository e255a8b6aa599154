"""Reports: the commissioner tables of the last twelve complete months, one table at a time.

Every number comes from ``core.rules.metrics`` through the report service, suppressed
exactly as in the exports; F1 lists the keys and what each figure counts.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from divert_tui.core.outfiles import Table
from divert_tui.core.rules.metrics import Period, definitions, last_complete_months
from divert_tui.core.rules.metrics.definitions import METRICS
from divert_tui.core.rules.metrics.publish import Published
from divert_tui.core.rules.metrics.trends import MonthlySeries
from divert_tui.core.services import reports, trends
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.charts import ReportChart, charts_for
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.plain import Static

# The tables a team lead reads first come first; the definitions are under F1.
SKIPPED = ("About", "Definitions")


class ReportsScreen(DivertScreen):
    AREA = "Reports"
    DEFAULT_CSS = """
    ReportsScreen #period { height: 1; padding: 0 1; }
    ReportsScreen #table-title { height: 1; padding: 0 1; text-style: bold; }
    ReportsScreen DataTable { height: 1fr; }
    ReportsScreen #gap { height: auto; max-height: 3; padding: 0 1; }
    ReportsScreen ReportChart { height: 1fr; display: none; }
    ReportsScreen.charts ReportChart { display: block; }
    ReportsScreen.charts #report-table { display: none; }
    """
    BINDINGS = [
        Binding("n", "table(1)", "Next"),
        Binding("p", "table(-1)", "Previous"),
        Binding("c", "toggle_chart", "Chart / table"),
        Binding("left_square_bracket", "period(-1)", "Month earlier", key_display="["),
        Binding("right_square_bracket", "period(1)", "Month later", key_display="]"),
        Binding("r", "refresh", "Refresh"),
    ]
    FOOTER_SHORT = {
        "table(-1)": "Prev",
        "toggle_chart": "Chart",
        "period(-1)": "Earlier",
        "period(1)": "Later",
    }

    def __init__(self) -> None:
        super().__init__()
        self._tables: list[Table] = []
        self._index = 0
        self._published: Published | None = None
        self._monthly: MonthlySeries | None = None
        self._charts = charts_for(None)
        self._chart_index = 0
        self.period: Period | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="period")
        yield Static("Loading the figures...", id="table-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="report-table")
        yield ReportChart(id="report-chart")
        yield Static("", id="gap", classes="muted")
        yield FitFooter()

    def on_mount(self) -> None:
        self.period = last_complete_months(self.app.today())
        self.query_one(DataTable).focus()
        self.action_refresh()

    def help_notes(self) -> list[tuple[str, str]]:
        """What each figure counts, for the help screen (F1)."""
        notes = [(METRICS[k].label, text) for k, text in definitions().items() if k in METRICS]
        texts = definitions()
        notes.append(("Suppression", texts["suppression"]))
        notes.append(("Disproportionality", texts["disproportionality"]))
        return notes

    def action_refresh(self) -> None:
        period = self.period or last_complete_months(self.app.today())
        self.query_one("#period", Static).update(
            Text(
                f"Referrals made {period.start:%d %b %Y} to {period.end:%d %b %Y}"
                "  ·  <5: 1 to 4  ·  [c]: withheld (F1)"
            )
        )
        self.call_service(
            reports.commissioner_report,
            self.app.db,
            self.app.require_actor(),
            self.app.schemes,
            period,
            then=self._show,
        )
        self.call_service(
            trends.referrals_by_month,
            self.app.db,
            self.app.require_actor(),
            self.app.schemes,
            period,
            then=self._show_monthly,
        )

    def action_period(self, months: int) -> None:
        current = self.period or last_complete_months(self.app.today())
        latest = last_complete_months(self.app.today())
        end_month = current.end.replace(day=1) + relativedelta(months=months)
        if end_month > latest.end:
            self.notify("The last complete month is already shown.", severity="warning")
            return
        start = end_month - relativedelta(months=11)
        self.period = Period(start, end_month + relativedelta(months=1, days=-1))
        self.action_refresh()

    def action_table(self, step: int) -> None:
        if self.charting:
            self._chart_index = (self._chart_index + step) % len(self._charts)
            self._draw_chart()
            return
        if not self._tables:
            return
        self._index = (self._index + step) % len(self._tables)
        self._draw()

    @property
    def charting(self) -> bool:
        return self.has_class("charts")

    def action_toggle_chart(self) -> None:
        """Switch between the tables and the charts (n and p move within either)."""
        self.toggle_class("charts")
        if self.charting:
            self._draw_chart()
        else:
            self.query_one(DataTable).focus()
            if self._tables:
                self._draw()

    def _show_monthly(self, series: MonthlySeries) -> None:
        self._monthly = series
        if self.charting:
            self._draw_chart()

    def _draw_chart(self) -> None:
        chart = self._charts[self._chart_index]
        self.query_one("#table-title", Static).update(
            Text(f"{chart.title}  ({self._chart_index + 1}/{len(self._charts)} · n, p · c tables)")
        )
        widget = self.query_one(ReportChart)
        note = "Loading the figures..."
        if chart.key == "monthly" and self._monthly is not None:
            note = widget.show_monthly(self._monthly)
        elif chart.key == "funnel" and self._published is not None:
            note = widget.show_funnel(self._published)
        elif chart.key.startswith("rates:") and self._published is not None:
            note = widget.show_rates(self._published, chart.key.split(":", 1)[1])
        self.query_one("#gap", Static).update(Text(note))

    def _show(self, published: Published) -> None:
        self._published = published
        self._tables = [t for t in published.tables() if t.name not in SKIPPED]
        self._index = min(self._index, len(self._tables) - 1)
        if self.charting:
            self._draw_chart()
            return
        gaps = published.largest_gaps()
        self.query_one("#gap", Static).update(Text(gaps["self_defined"]))
        self._draw()

    def _draw(self) -> None:
        if self._published is not None:
            gaps = self._published.largest_gaps()
            self.query_one("#gap", Static).update(Text(gaps["self_defined"]))
        table = self._tables[self._index]
        self.query_one("#table-title", Static).update(
            Text(f"{table.name}  ({self._index + 1} of {len(self._tables)}; n next, p previous)")
        )
        grid = self.query_one(DataTable)
        grid.clear(columns=True)
        # "West Midlands Police" -> "West Midlands": four forces fit at 120 columns.
        grid.add_columns(*(heading.removesuffix(" Police") for heading in table.header))
        for row in table.rows:
            grid.add_row(*(Text(_cell(value)) for value in row))

    @property
    def current_table(self) -> Table | None:
        return self._tables[self._index] if self._tables else None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
