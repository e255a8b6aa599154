"""Audit review (Admin): who saw or changed what, searched by person, staff member,
action and dates, a page at a time; and the subject-access export of the person found."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input

from divert_tui.core.feed_fields import FieldProblem, parse_when
from divert_tui.core.services import audit_search, subject_access
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import ReasonDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.paged_table import ListColumn, PagedTable, TablePage
from divert_tui.widgets.plain import Static

COLUMNS = [
    ListColumn("at", "When (UK)", narrow_label="When", narrow_width=16),
    ListColumn("who", "Staff", narrow_width=12),
    ListColumn("action", "Action", narrow_width=22),
    ListColumn("about", "About", narrow_width=14),
    ListColumn("detail", "Detail", drop_below=90),
]
FIELDS = (
    ("person", "Person: id, police ref or name"),
    ("staff", "Staff"),
    ("action", "Action"),
    ("from", "From d/m/y"),
    ("to", "To d/m/y"),
)


def default_export_folder() -> Path:
    return Path.home()


class AuditReviewScreen(DivertScreen):
    AREA = "Audit review"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f", "focus_filters", "Search"),
        Binding("e", "export_person", "Subject access export"),
    ]
    DEFAULT_CSS = """
    AuditReviewScreen #audit-filters { height: 3; }
    AuditReviewScreen #audit-filters Input { width: 1fr; }
    AuditReviewScreen #audit-filters #filter-person { width: 2fr; }
    AuditReviewScreen #audit-found { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.wanted = audit_search.AuditFilter()
        self.person_ids: tuple[int, ...] | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="audit-filters"):
            for key, placeholder in FIELDS:
                yield Input(placeholder=placeholder, id=f"filter-{key}")
        yield Static(
            "Everything, newest first. f: search · e: export the person found", id="audit-found"
        )
        yield PagedTable(COLUMNS, self._fetch, id="audit-events", empty_text="No events match.")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#filter-person", Input).focus()

    def _fetch(self, page: int, filter_text: str) -> TablePage:
        wanted = self.wanted
        if filter_text:
            wanted = audit_search.AuditFilter(
                filter_text, wanted.staff, wanted.action, wanted.date_from, wanted.date_to
            )
        found = audit_search.search(self.app.db, self.app.require_actor(), wanted, page=page)
        self.app.call_from_thread(self._found, found.person_ids)
        return TablePage(
            rows=[
                (
                    str(row.id),
                    (
                        audit_search.uk_time(row.at)[:16],
                        row.who,
                        row.action,
                        row.about,
                        Text(row.detail),
                    ),
                )
                for row in found.page.rows
            ],
            total=found.page.total,
            page=found.page.page,
            pages=found.page.pages,
            noun="events",
        )

    def _found(self, person_ids: tuple[int, ...] | None) -> None:
        self.person_ids = person_ids
        line = self.query_one("#audit-found", Static)
        if person_ids is None:
            line.update(f"Filter: {self.wanted.in_words(None)} · f: search")
        elif not person_ids:
            line.update(
                "No person matches that: try the person id, a police reference or a full name"
            )
        elif len(person_ids) == 1:
            line.update(f"Person {person_ids[0]} · e: subject-access export of everything held")
        else:
            ids = ", ".join(map(str, person_ids[:8]))
            line.update(f"{len(person_ids)} people match ({ids}): give the person id to export one")

    def _day(self, key: str, name: str) -> date | None | bool:
        text = self.query_one(f"#filter-{key}", Input).value.strip()
        if not text:
            return None
        try:
            return parse_when(text).date()
        except FieldProblem:
            self.notify(
                f"{name}: {text!r} is not a date; write it as dd/mm/yyyy, e.g. 03/03/2026.",
                title="Not searched",
                severity="warning",
            )
            return False

    @on(Input.Submitted, "#audit-filters Input")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        start, end = self._day("from", "From"), self._day("to", "To")
        if start is False or end is False:
            return
        assert not isinstance(start, bool) and not isinstance(end, bool)
        if start and end and start > end:
            self.notify(
                "From is after To: swap the dates.", title="Not searched", severity="warning"
            )
            return
        self.wanted = audit_search.AuditFilter(
            person=self.query_one("#filter-person", Input).value.strip(),
            staff=self.query_one("#filter-staff", Input).value.strip(),
            action=self.query_one("#filter-action", Input).value.strip(),
            date_from=start,
            date_to=end,
        )
        table = self.query_one(PagedTable)
        table.load(0)
        table.focus_table()

    def action_focus_filters(self) -> None:
        self.query_one("#filter-person", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export_person(self) -> None:
        if not self.person_ids or len(self.person_ids) != 1:
            self.notify(
                "Search for one person first (Person: their id, a police reference or a name).",
                title="No person chosen",
                severity="warning",
            )
            return
        person_id = self.person_ids[0]

        def chosen(folder: str | None) -> None:
            if not folder:
                return
            self.call_service(
                subject_access.export_person,
                self.app.db,
                self.app.require_actor(),
                person_id,
                Path(folder).expanduser(),
                then=self._exported,
            )

        self.app.push_screen(
            ReasonDialog(
                f"Subject-access export of person {person_id}",
                "Write the JSON record and the letter into this folder (only you can read them):",
                str(default_export_folder()),
            ),
            chosen,
        )

    def _exported(self, made: subject_access.SubjectAccessExport) -> None:
        review = (
            f" {made.review_items} item(s) of free text may name other people: read them under "
            "REVIEW BEFORE RELEASE before anything is sent."
            if made.review_items
            else ""
        )
        self.notify(
            f"Wrote {made.json_path.name} and {made.text_path.name} in {made.text_path.parent}.{review}",
            title="Subject-access export",
            timeout=15,
        )
        self.query_one(PagedTable).load()
