"""Safeguarding follow-ups: the team lead's list of open concerns, due soonest first."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from divert_tui.core.services import safeguarding
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ReasonDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.paged_table import PagedTable, TablePage

COLUMNS = [
    ("due", "Follow up by"),
    ("flag", ""),
    ("type", "Concern"),
    ("name", "Name"),
    ("reference", "Police ref"),
    ("raised", "Raised"),
    ("by", "By"),
    ("detail", "Detail"),
]


class SafeguardingScreen(DivertScreen):
    AREA = "Safeguarding follow-ups"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Open referral"),
        Binding("x", "close_concern", "Close concern"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, safeguarding.ConcernListRow] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield PagedTable(COLUMNS, self._fetch, id="concerns", empty_text="No open concerns.")
        yield FitFooter()

    def _fetch(self, page: int, _search: str) -> TablePage:
        result = safeguarding.open_concerns(self.app.db, self.app.require_actor(), page=page)
        self._rows = {str(r.concern_id): r for r in result.rows}
        today = self.app.today()
        return TablePage(
            rows=[
                (
                    str(r.concern_id),
                    (
                        fmt.uk_date(r.follow_up_due),
                        fmt.contact_flag(r.due_flag(today)),
                        fmt.label(r.type),
                        r.person_name,
                        r.police_reference,
                        fmt.uk_time(r.raised_at),
                        r.raised_by or "",
                        r.detail.splitlines()[0] if r.detail else "",
                    ),
                )
                for r in result.rows
            ],
            total=result.total,
            page=result.page,
            pages=result.pages,
            noun="open concerns",
        )

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(PagedTable).load()

    def _current(self) -> safeguarding.ConcernListRow | None:
        key = self.query_one(PagedTable).current_key()
        return self._rows.get(key) if key else None

    @on(PagedTable.RowChosen)
    def _chosen(self, event: PagedTable.RowChosen) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self._current()
        if row is not None:
            self.app.open_referral(row.referral_id)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_close_concern(self) -> None:
        row = self._current()
        if row is None:
            return

        def closed(outcome: str | None) -> None:
            if outcome:
                self.call_service(
                    safeguarding.close_concern,
                    self.app.db,
                    self.app.require_actor(),
                    row.concern_id,
                    outcome,
                    expected_version=row.version,
                    then=lambda _: self._after_close(),
                )

        self.app.push_screen(
            ReasonDialog(
                f"Close the {fmt.label(row.type)} concern for {row.person_name}",
                "What was done (recorded with the concern):",
            ),
            closed,
        )

    def _after_close(self) -> None:
        self.notify("Concern closed")
        self.query_one(PagedTable).load()
