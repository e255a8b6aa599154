"""Caseload: every referral of the team lead's forces, filterable by status."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from divert_tui.core.services import queue
from divert_tui.core.vocab import ReferralStatus
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.my_work import PAGE_SIZE, QUEUE_COLUMNS, queue_page
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.paged_table import PagedTable, TablePage

STATUS_CYCLE: list[str | None] = [None, *[s.value for s in ReferralStatus]]


class CaseloadScreen(DivertScreen):
    AREA = "Caseload"
    BINDINGS = [
        Binding("s", "next_status", "Status filter"),
        Binding("g", "safeguarding", "Safeguarding follow-ups"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield PagedTable(QUEUE_COLUMNS, self._fetch, id="caseload", empty_text="No referrals.")
        yield Footer()

    def _fetch(self, page: int, search: str) -> TablePage:
        result = queue.caseload(
            self.app.db,
            self.app.require_actor(),
            page=page,
            page_size=PAGE_SIZE,
            search=search,
            status=self.status,
        )
        table = queue_page(result, self.app.today())
        if self.status:
            return TablePage(
                table.rows,
                table.total,
                table.page,
                table.pages,
                f"{self.status.replace('_', ' ')} referrals",
            )
        return table

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(PagedTable).load()

    def action_next_status(self) -> None:
        """Cycle the status filter: all, received, contacting, ... withdrawn."""
        index = STATUS_CYCLE.index(self.status)
        self.status = STATUS_CYCLE[(index + 1) % len(STATUS_CYCLE)]
        self.notify(f"Showing {self.status.replace('_', ' ') if self.status else 'all'} referrals")
        self.query_one(PagedTable).load(0)

    def action_safeguarding(self) -> None:
        from divert_tui.screens.safeguarding import SafeguardingScreen

        self.app.push_screen(SafeguardingScreen())

    @on(PagedTable.RowChosen)
    def _open(self, event: PagedTable.RowChosen) -> None:
        self.app.open_referral(int(event.key))
