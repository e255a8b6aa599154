"""My work: the worker's queue, a page at a time."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from divert_tui.core.services import queue, referrals
from divert_tui.core.services.paging import Page
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.paged_table import PagedTable, TablePage

PAGE_SIZE = 50

QUEUE_COLUMNS = [
    ("flag", "1st call"),
    ("referred", "Referred"),
    ("reference", "Police ref"),
    ("name", "Name"),
    ("dob", "Born"),
    ("substance", "Substance"),
    ("status", "Status"),
    ("worker", "Worker"),
]


def queue_page(result: Page[queue.QueueRow], today: date) -> TablePage:
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
    BINDINGS = [
        Binding("enter", "open", "Open referral"),
        Binding("c", "claim", "Claim"),
        Binding("l", "log_attempt", "Log call"),
        Binding("ctrl+n", "new_referral", "New referral"),
    ]

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
        return _with_bookings(queue_page(result, self.app.today()), self)

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(PagedTable).load()

    @on(PagedTable.RowChosen)
    def _open(self, event: PagedTable.RowChosen) -> None:
        self.app.open_referral(int(event.key))

    def _selected(self) -> int | None:
        key = self.query_one(PagedTable).current_key()
        return int(key) if key else None

    def action_open(self) -> None:
        referral_id = self._selected()
        if referral_id is not None:
            self.app.open_referral(referral_id)

    def action_claim(self) -> None:
        referral_id = self._selected()
        if referral_id is None:
            return
        self.call_service(
            referrals.claim,
            self.app.db,
            self.app.require_actor(),
            referral_id,
            then=lambda _: self._changed("Claimed: on your caseload now"),
        )

    def action_log_attempt(self) -> None:
        referral_id = self._selected()
        if referral_id is None:
            return
        table = self.query_one(PagedTable).table
        who = str(table.get_row_at(table.cursor_row)[3])

        self.log_call(
            referral_id,
            who,
            lambda logged: self._changed(
                "Call logged"
                + (
                    f". Contact policy met: {logged.verdict.reason}; open it (Enter) to close."
                    if logged.verdict.propose_non_compliant
                    else ""
                )
            ),
        )

    def action_new_referral(self) -> None:
        from divert_tui.screens.new_referral import NewReferralScreen

        self.app.push_screen(NewReferralScreen())

    def _changed(self, message: str) -> None:
        self.notify(message)
        self.query_one(PagedTable).load()


def _with_bookings(page: TablePage, screen: MyWorkScreen) -> TablePage:
    """Booked referrals show when their session is (screens/booking.py)."""
    from divert_tui.screens.booking import annotate_bookings

    status_column = [key for key, _ in QUEUE_COLUMNS].index("status")
    return annotate_bookings(page, screen.app.db, screen.app.require_actor(), status_column)
