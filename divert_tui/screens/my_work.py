"""My work: the worker's queue, a page at a time."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from divert_tui.core.services import queue
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.paged_table import PagedTable, TablePage

PAGE_SIZE = 50

QUEUE_COLUMNS = [
    ("flag", "First contact"),
    ("referred", "Referred"),
    ("reference", "Police ref"),
    ("name", "Name"),
    ("dob", "Born"),
    ("substance", "Substance"),
    ("status", "Status"),
    ("worker", "Worker"),
]


def queue_page(result: queue.Page, today: date) -> TablePage:
    return TablePage(
        rows=[
            (
                str(row.referral_id),
                (
                    fmt.contact_flag(row.contact_flag(today)),
                    fmt.uk_time(row.referred_at),
                    row.police_reference,
                    row.person_name,
                    fmt.uk_date(row.date_of_birth),
                    fmt.substance(row.main_substance),
                    fmt.label(row.status),
                    row.worker or "unassigned",
                ),
            )
            for row in result.rows
        ],
        total=result.total,
        page=result.page,
        pages=result.pages,
        noun="referrals",
    )


class MyWorkScreen(DivertScreen):
    AREA = "My work"
    BINDINGS = [Binding("enter", "open", "Open referral", show=False)]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield PagedTable(
            QUEUE_COLUMNS,
            self._fetch,
            id="queue",
            empty_text="No referrals waiting: nothing assigned to you and nothing unclaimed.",
        )
        yield Footer()

    def _fetch(self, page: int, search: str) -> TablePage:
        result = queue.my_work(
            self.app.db, self.app.require_actor(), page=page, page_size=PAGE_SIZE, search=search
        )
        return queue_page(result, self.app.today())

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(PagedTable).load()

    @on(PagedTable.RowChosen)
    def _open(self, event: PagedTable.RowChosen) -> None:
        self.app.open_referral(int(event.key))
