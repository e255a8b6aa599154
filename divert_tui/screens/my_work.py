"""My work: the worker's queue, a page at a time."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from divert_tui.core.services import queue, referrals
from divert_tui.core.services.contact_safety import ContactCaution
from divert_tui.core.services.paging import Page
from divert_tui.core.vocab import Role
from divert_tui.screens import format as fmt
from divert_tui.screens.assessment.call_backs import CallBacksDue
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.paged_table import ListColumn, PagedTable, TablePage

PAGE_SIZE = 50

# On a narrower screen the queue keeps who, the status and the worker: the date of birth
# goes first, then the police reference and the substance (all on the referral screen).
QUEUE_COLUMNS = [
    ListColumn("flag", "1st call", narrow_label="1st", narrow_width=7),
    ListColumn("referred", "Referred", narrow_width=10),
    ListColumn("reference", "Police ref", drop_below=100),
    ListColumn("name", "Name", narrow_width=16),
    ListColumn("phone", "Phone", narrow_width=8),
    ListColumn("dob", "Born", drop_below=140),
    ListColumn("substance", "Substance", drop_below=100),
    ListColumn("status", "Status", narrow_width=13),
    ListColumn("worker", "Worker", narrow_width=12),
]


def caution_cell(caution: ContactCaution | None) -> Text:
    return Text(caution.short, style="bold red") if caution else Text("")


def queue_page(result: Page[queue.QueueRow], today: date) -> TablePage:
    return TablePage(
        rows=[
            (
                str(row.referral_id),
                (
                    fmt.contact_flag(row.contact_flag(today)),
                    fmt.uk_moment(row.referred_at),
                    row.police_reference,
                    row.person_name,
                    caution_cell(row.contact_caution),
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
        Binding("b", "call_backs", "Call-backs due"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, queue.QueueRow] = {}  # the page shown, by row key

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield CallBacksDue(id="call-backs")
        yield PagedTable(
            QUEUE_COLUMNS,
            self._fetch,
            id="queue",
            empty_text="No referrals waiting: nothing assigned to you and nothing unclaimed.",
        )
        yield FitFooter()

    def _fetch(self, page: int, search: str) -> TablePage:
        result = queue.my_work(
            self.app.db, self.app.require_actor(), page=page, page_size=PAGE_SIZE, search=search
        )
        self._rows = {str(row.referral_id): row for row in result.rows}
        return _with_bookings(queue_page(result, self.app.today()), self)

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus_table()
        self.query_one(CallBacksDue).load()

    def on_screen_resume(self) -> None:
        self.query_one(PagedTable).load()
        self.query_one(CallBacksDue).load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`b` is offered only while call-backs are due; an admin manages the service, and
        working referrals needs a worker or lead account."""
        if action == "call_backs":
            found = self.query(CallBacksDue)
            return bool(found) and found.first().option_count > 0
        if action in ("claim", "log_attempt", "new_referral"):
            actor = self.app.actor
            return actor is not None and actor.role is not Role.ADMIN
        return True

    def action_call_backs(self) -> None:
        due = self.query_one(CallBacksDue)
        if due.option_count:
            due.focus()
            due.highlighted = due.highlighted or 0
        else:
            self.notify("No call-backs due today.")

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

    def _row(self) -> queue.QueueRow | None:
        key = self.query_one(PagedTable).current_key()
        return self._rows.get(key) if key else None

    def action_log_attempt(self) -> None:
        row = self._row()
        if row is None:
            return
        self.log_call(
            row.referral_id,
            row.person_name,
            caution=row.contact_caution.text if row.contact_caution else "",
            then=lambda logged: self._changed(
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

    status_column = [column.key for column in QUEUE_COLUMNS].index("status")
    return annotate_bookings(page, screen.app.db, screen.app.require_actor(), status_column)
