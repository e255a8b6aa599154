"""Courses: the sessions of the last week and to come (Enter opens the roster); a team
lead adds sessions (dates shown in words before saving), cancels one, and reads capacity
against demand."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from divert_tui.core.services import courses, sessions
from divert_tui.core.services.base import Permission
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import PickDialog, ReasonDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.paged_table import PagedTable, TablePage

COLUMNS = [
    ("starts", "Starts (UK)"),
    ("group", "Course"),
    ("booked", "Booked"),
    ("left", "Left"),
    ("force", "Force"),
    ("length", "Length"),
    ("facilitator", "Facilitator"),
]


def length(minutes: int) -> str:
    return f"{minutes} min"


class CoursesScreen(DivertScreen):
    AREA = "Courses"
    BINDINGS = [
        Binding("enter", "roster", "Roster"),
        Binding("a", "add", "Add sessions"),
        Binding("x", "cancel_session", "Cancel session"),
        Binding("d", "capacity", "Capacity"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield PagedTable(COLUMNS, self._fetch, id="sessions", empty_text="No sessions planned.")
        yield FitFooter()

    def _fetch(self, page: int, _search: str) -> TablePage:
        result = courses.upcoming_sessions(self.app.db, self.app.require_actor(), page=page)
        return TablePage(
            rows=[
                (
                    str(row.session_id),
                    (
                        fmt.uk_time(row.starts_at),
                        fmt.label(row.group),
                        f"{row.booked}/{row.capacity}",
                        Text("CANCELLED", style="bold red")
                        if row.cancelled
                        else str(row.places_left),
                        fmt.force(row.force),
                        length(row.minutes),
                        row.facilitator or "",
                    ),
                )
                for row in result.rows
            ],
            total=result.total,
            page=result.page,
            pages=result.pages,
            noun="sessions",
        )

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(PagedTable).load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add", "cancel_session", "capacity"):
            actor = self.app.actor
            if action == "capacity":
                return actor is not None and actor.can(Permission.VIEW_CASELOADS)
            return actor is not None and actor.can(Permission.MANAGE_SESSIONS)
        return True

    def _selected(self) -> int | None:
        key = self.query_one(PagedTable).current_key()
        return int(key) if key else None

    @on(PagedTable.RowChosen)
    def _chosen(self, event: PagedTable.RowChosen) -> None:
        self._open_roster(int(event.key))

    def action_roster(self) -> None:
        session_id = self._selected()
        if session_id is not None:
            self._open_roster(session_id)

    def _open_roster(self, session_id: int) -> None:
        from divert_tui.screens.roster import RosterScreen

        self.app.push_screen(RosterScreen(session_id))

    def action_add(self) -> None:
        from divert_tui.screens.session_form import add_sessions_by_keyboard

        add_sessions_by_keyboard(self, then=self._changed)

    def action_capacity(self) -> None:
        from divert_tui.screens.capacity import CapacityScreen

        self.app.push_screen(CapacityScreen())

    def action_cancel_session(self) -> None:
        session_id = self._selected()
        if session_id is None:
            return

        def reason_given(reason: str | None) -> None:
            if not reason:
                return

            def move(choice: str | None) -> None:
                if choice is None:
                    return
                self.call_service(
                    sessions.cancel_session,
                    self.app.db,
                    self.app.require_actor(),
                    session_id,
                    self.app.schemes,
                    reason=reason,
                    move_to_next=choice == "next",
                    then=lambda result: self._changed(
                        f"Session cancelled: {result.to_next} moved to the next session, "
                        f"{result.to_waiting} back to waiting"
                    ),
                )

            self.app.push_screen(
                PickDialog(
                    "Where do the people booked go?",
                    [
                        ("next", "to the next session of the group with a place"),
                        ("waiting", "back to allocated, on the group's waiting list"),
                    ],
                    "1 or 2 · Esc: do not cancel",
                ),
                move,
            )

        self.app.push_screen(
            ReasonDialog("Cancel the session", "Why (e.g. the facilitator is ill)?"), reason_given
        )

    def _changed(self, message: str) -> None:
        self.notify(message)
        self.query_one(PagedTable).load()
