"""Reports: the commissioner tables of the last twelve complete months, one table at a time.

Every number comes from ``core.rules.metrics`` through the report service, suppressed
exactly as in the exports; F1 lists the keys and what each figure counts.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from divert_tui.core.outfiles import Table
from divert_tui.core.rules.metrics import Period, definitions, last_complete_months
from divert_tui.core.rules.metrics.definitions import METRICS
from divert_tui.core.rules.metrics.publish import Published
from divert_tui.core.services import reports
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader

# The tables a team lead reads first come first; the definitions are under F1.
SKIPPED = ("About", "Definitions")


class ReportsScreen(DivertScreen):
    AREA = "Reports"
    DEFAULT_CSS = """
    ReportsScreen #period { height: 1; padding: 0 1; }
    ReportsScreen #table-title { height: 1; padding: 0 1; text-style: bold; }
    ReportsScreen DataTable { height: 1fr; }
    ReportsScreen #gap { height: auto; max-height: 3; padding: 0 1; }
    """
    BINDINGS = [
        Binding("n", "table(1)", "Next table"),
        Binding("p", "table(-1)", "Previous table"),
        Binding("left_square_bracket", "period(-1)", "Month earlier", key_display="["),
        Binding("right_square_bracket", "period(1)", "Month later", key_display="]"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._tables: list[Table] = []
        self._index = 0
        self._published: Published | None = None
        self.period: Period | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="period")
        yield Static("Loading the figures...", id="table-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="report-table")
        yield Static("", id="gap", classes="muted")
        yield Footer()

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
        if not self._tables:
            return
        self._index = (self._index + step) % len(self._tables)
        self._draw()

    def _show(self, published: Published) -> None:
        self._published = published
        self._tables = [t for t in published.tables() if t.name not in SKIPPED]
        self._index = min(self._index, len(self._tables) - 1)
        gaps = published.largest_gaps()
        self.query_one("#gap", Static).update(Text(gaps["self_defined"]))
        self._draw()

    def _draw(self) -> None:
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
