"""Courses: the group sessions to come, with places taken and left."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from divert_tui.core.services import courses
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.paged_table import PagedTable, TablePage

COLUMNS = [
    ("starts", "Starts"),
    ("group", "Course"),
    ("length", "Length"),
    ("facilitator", "Facilitator"),
    ("booked", "Booked"),
    ("left", "Places left"),
]


class CoursesScreen(DivertScreen):
    AREA = "Courses"

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield PagedTable(COLUMNS, self._fetch, id="sessions", empty_text="No sessions planned.")
        yield Footer()

    def _fetch(self, page: int, _search: str) -> TablePage:
        result = courses.upcoming_sessions(self.app.db, self.app.require_actor(), page=page)
        return TablePage(
            rows=[
                (
                    str(row.session_id),
                    (
                        fmt.uk_time(row.starts_at),
                        row.group,
                        f"{row.duration_minutes // 60} h {row.duration_minutes % 60:02d} min",
                        row.facilitator or "",
                        str(row.booked),
                        str(row.places_left),
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
