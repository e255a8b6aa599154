"""Caseload: every referral of the team lead's forces, filtered from a picker, sorted by any
column, searched, paged in SQL, and reassigned in bulk."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from divert_tui.core.services import caseload as caseload_service
from divert_tui.core.services import workload
from divert_tui.core.services.caseload import CaseloadFilter, CaseloadPage, SortKey
from divert_tui.core.vocab import SUBSTANCES, ReferralStatus
from divert_tui.screens import format as fmt
from divert_tui.screens.base import DivertScreen
from divert_tui.screens.dialogs import PickDialog, ReasonDialog
from divert_tui.widgets.app_header import AppHeader
from divert_tui.widgets.fit_footer import FitFooter
from divert_tui.widgets.paged_table import ListColumn, PagedTable, TablePage
from divert_tui.widgets.plain import Static

PAGE_SIZE = 50

# At 80 columns a lead keeps who, the status and the worker; the force, the substance and
# the time of referral go first (they are on the referral screen).
CASELOAD_COLUMNS = [
    ListColumn("mark", " ", narrow_width=1),
    ListColumn("flag", "1st call", narrow_label="1st", narrow_width=7),
    ListColumn("referred", "Referred", drop_below=110),
    ListColumn("reference", "Police ref", narrow_width=15),
    ListColumn("name", "Name", narrow_width=17),
    ListColumn("force", "Force", drop_below=130),
    ListColumn("substance", "Substance", drop_below=120),
    ListColumn("status", "Status", narrow_width=13),
    ListColumn("worker", "Worker", narrow_width=14),
]
AGES = (7, 14, 28, 56, 90)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


class CaseloadScreen(DivertScreen):
    AREA = "Caseload"
    BINDINGS = [
        Binding("f", "filters", "Filters"),
        Binding("o", "sort", "Sort"),
        Binding("space", "toggle_mark", "Select", key_display="Space"),
        Binding("a", "mark_all", "Select all matching", show=False),
        Binding("R", "reassign", "Reassign", key_display="R"),
        Binding("w", "workers", "Workers"),
        Binding("g", "safeguarding", "Safeguarding follow-ups", show=False),
        Binding("j", "jump", "Go to page", show=False),
        Binding("home", "first_page", "First page", show=False, priority=True),
        Binding("end", "last_page", "Last page", show=False, priority=True),
        Binding("x", "clear", "Clear filters and selection", show=False),
    ]
    FOOTER_FIRST = ("filters", "sort", "toggle_mark", "reassign", "workers")

    DEFAULT_CSS = """
    CaseloadScreen #counts { height: auto; padding: 0 1; }
    CaseloadScreen #filters { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.chosen = CaseloadFilter()
        self.marked: set[int] = set()
        self.follow: int | None = None
        self._worker_names: dict[int, str] = {}
        self._in_dialog = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="counts")
        yield Static("", id="filters")
        yield PagedTable(
            CASELOAD_COLUMNS,
            self._fetch,
            id="caseload",
            empty_text="No referrals match: x clears the filters.",
        )
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(PagedTable).focus_table()

    def on_screen_resume(self) -> None:
        # Back from a dialog of this screen: its own action reloads what changed. Back from
        # a referral (or another screen): show the current state, cursor on the same referral.
        if self._in_dialog:
            self._in_dialog = False
            return
        self.query_one(PagedTable).load()

    def _dialog(self, screen, callback) -> None:  # type: ignore[no-untyped-def]
        self._in_dialog = True
        self.app.push_screen(screen, callback)

    # -- fetching ---------------------------------------------------------------------------

    def _fetch(self, page: int, search: str) -> TablePage:
        actor = self.app.require_actor()
        today = self.app.today()
        chosen = replace(self.chosen, search=search)
        if self.follow is not None:
            # The page where the referral acted on now stands (a new sort or filter moves it).
            found = caseload_service.page_of(
                self.app.db, actor, chosen, self.follow, today=today, page_size=PAGE_SIZE
            )
            self.follow = None
            if found is not None:
                page = found
        result = caseload_service.caseload_page(
            self.app.db, actor, chosen, today=today, page=page, page_size=PAGE_SIZE
        )
        self.app.call_from_thread(self._show_counts, result, chosen)
        return self._rows(result, today)

    def _rows(self, result: CaseloadPage, today: date) -> TablePage:
        rows = []
        for row in result.rows:
            mark = Text("✓", style="bold green") if row.referral_id in self.marked else Text("")
            flag = fmt.contact_flag(row.contact_flag(today))
            worker = row.worker or "unassigned"
            cells = (
                mark,
                flag,
                fmt.uk_time(row.referred_at),
                row.police_reference,
                row.person_name,
                fmt.force(row.force_code),
                fmt.substance(row.main_substance),
                fmt.label(row.status),
                worker,
            )
            rows.append((str(row.referral_id), cells))
        return TablePage(rows, result.total, result.page, result.pages, "referrals", "referral")

    def _show_counts(self, result: CaseloadPage, chosen: CaseloadFilter) -> None:
        parts = [_plural(result.total, "referral") + " match"]
        order = [s.value for s in ReferralStatus]
        for status in sorted(result.by_status, key=order.index):
            parts.append(f"{fmt.label(status)} {result.by_status[status]:,}")
        self.query_one("#counts", Static).update(" · ".join(parts))
        worker = self._worker_names.get(chosen.worker_id or 0)
        words = chosen.describe(worker)
        direction = "descending" if chosen.descending else "ascending"
        line = f"Sorted by {chosen.sort.value} ({direction})"
        line += " · filters: " + ", ".join(words) if words else " · no filter (f to choose)"
        if self.marked:
            line += f" · {_plural(len(self.marked), 'referral')} selected (R reassigns)"
        self.query_one("#filters", Static).update(line)

    def _keep_cursor(self) -> None:
        key = self.query_one(PagedTable).current_key()
        self.follow = int(key) if key else None

    def _reload(self, page: int | None = None) -> None:
        self.query_one(PagedTable).load(page)

    # -- filters and sort --------------------------------------------------------------------

    def action_filters(self) -> None:
        c = self.chosen
        on_off = {True: "on", False: "off"}
        choices = [
            ("force", f"Force: {c.force.replace('_', ' ').title() if c.force else 'all'}"),
            (
                "worker",
                "Worker: "
                + (
                    "unassigned"
                    if c.unassigned
                    else self._worker_names.get(c.worker_id or 0, "any")
                    if c.worker_id
                    else "any"
                ),
            ),
            (
                "status",
                f"Status: {fmt.label(c.status) if c.status else ('open' if c.open_only else 'all')}",
            ),
            ("substance", f"Substance: {fmt.substance(c.substance) if c.substance else 'all'}"),
            (
                "age",
                f"Older than: {f'{c.older_than_days} days' if c.older_than_days else 'any age'}",
            ),
            ("overdue", f"First contact overdue only: {on_off[c.first_contact_overdue]}"),
            ("concern", f"Safeguarding concern open only: {on_off[c.concern_open]}"),
            ("barred", f"Person barred only: {on_off[c.barred]}"),
            ("call_back", f"Call-back due only: {on_off[c.call_back_due]}"),
            ("clear", "Clear every filter"),
        ]
        self._dialog(
            PickDialog("Filter the caseload", choices, "↑↓ and Enter, or a number · Esc: done"),
            self._filter_chosen,
        )

    def _filter_chosen(self, what: str | None) -> None:
        if what is None:
            return
        c = self.chosen
        toggles = {
            "overdue": "first_contact_overdue",
            "concern": "concern_open",
            "barred": "barred",
        }
        if what in toggles:
            field = toggles[what]
            self._apply(replace(c, **{field: not getattr(c, field)}))
            self.action_filters()
        elif what == "clear":
            self._apply(c.cleared())
        elif what == "force":
            forces = sorted(self.app.require_actor().forces) or sorted(self.app.schemes)
            choices = [("", "All my forces")] + [(f, fmt.force(f)) for f in forces]
            self._pick("Force", choices, lambda v: replace(c, force=v or None))
        elif what == "worker":
            self._pick_worker(c)
        elif what == "status":
            choices = [("", "All"), ("open", "Open (not closed)")] + [
                (s.value, fmt.label(s.value)) for s in ReferralStatus
            ]
            self._pick(
                "Status",
                choices,
                lambda v: replace(
                    c, status=v if v not in ("", "open") else None, open_only=v == "open"
                ),
            )
        elif what == "substance":
            choices = [("", "All")] + [(code, s.label) for code, s in SUBSTANCES.items()]
            self._pick("Main substance", choices, lambda v: replace(c, substance=v or None))
        elif what == "age":
            choices = [("", "Any age")] + [
                (str(d), f"Referred more than {d} days ago") for d in AGES
            ]
            self._pick(
                "Age of referral",
                choices,
                lambda v: replace(c, older_than_days=int(v) if v else None),
            )

    def _pick(self, title: str, choices, make) -> None:  # type: ignore[no-untyped-def]
        def chosen(value: str | None) -> None:
            if value is not None:
                self._apply(make(value))

        self._dialog(PickDialog(title, choices), chosen)

    def _pick_worker(self, c: CaseloadFilter) -> None:
        def show(loads: list[workload.WorkerLoad]) -> None:
            self._worker_names = {w.staff_id: w.name for w in loads}
            choices = [("", "Any worker"), ("unassigned", "Unassigned")] + [
                (str(w.staff_id), f"{w.name} ({w.open_referrals} open)") for w in loads
            ]

            def make(value: str) -> CaseloadFilter:
                if value == "unassigned":
                    return replace(c, unassigned=True, worker_id=None)
                return replace(c, unassigned=False, worker_id=int(value) if value else None)

            self._pick("Worker", choices, make)

        self.call_service(
            workload.worker_loads,
            self.app.db,
            self.app.require_actor(),
            today=self.app.today(),
            then=show,
        )

    def _apply(self, chosen: CaseloadFilter) -> None:
        self.chosen = chosen
        self._keep_cursor()
        self._reload(0)

    def action_sort(self) -> None:
        choices = [(key.value, key.value.capitalize()) for key in SortKey]

        def chosen(value: str | None) -> None:
            if value is not None:
                self._apply(caseload_service.with_sort(self.chosen, SortKey(value)))

        self._dialog(
            PickDialog("Sort by (the same column again turns the order round)", choices), chosen
        )

    def action_clear(self) -> None:
        self.marked.clear()
        self._apply(self.chosen.cleared())

    # -- paging ------------------------------------------------------------------------------

    def action_first_page(self) -> None:
        self._reload(0)

    def action_last_page(self) -> None:
        table = self.query_one(PagedTable)
        self._reload(max(0, table.pages - 1))

    def action_jump(self) -> None:
        pages = self.query_one(PagedTable).pages

        def go(value: str | None) -> None:
            if value is None:
                return
            try:
                number = int(value.strip().replace(",", ""))
            except ValueError:
                self.notify(f"Page: type a number from 1 to {pages:,}", severity="warning")
                return
            if not 1 <= number <= pages:
                self.notify(
                    f"Page: there are {pages:,} pages; type 1 to {pages:,}", severity="warning"
                )
                return
            self._reload(number - 1)

        self._dialog(ReasonDialog("Go to page", f"Page number (1 to {pages:,}):"), go)

    # -- selecting and reassigning -------------------------------------------------------------

    def _current(self) -> int | None:
        key = self.query_one(PagedTable).current_key()
        return int(key) if key else None

    def action_toggle_mark(self) -> None:
        referral_id = self._current()
        if referral_id is None:
            return
        self.marked.symmetric_difference_update({referral_id})
        table = self.query_one(PagedTable).table
        row = table.cursor_row
        mark = Text("✓", style="bold green") if referral_id in self.marked else Text("")
        table.update_cell_at((row, 0), mark)
        if row + 1 < table.row_count:
            table.move_cursor(row=row + 1)
        self._show_selection()

    def _show_selection(self) -> None:
        self.notify(
            f"{_plural(len(self.marked), 'referral')} selected"
            if self.marked
            else "Nothing selected",
            timeout=2,
        )

    def action_mark_all(self) -> None:
        search = self.query_one(PagedTable).filter_text
        chosen = replace(self.chosen, search=search)

        def marked(ids: list[int]) -> None:
            self.marked = set(ids)
            self._keep_cursor()
            self._reload()
            self._show_selection()

        self.call_service(
            caseload_service.matching_ids,
            self.app.db,
            self.app.require_actor(),
            chosen,
            today=self.app.today(),
            then=marked,
        )

    def action_reassign(self) -> None:
        ids = sorted(self.marked) or ([self._current()] if self._current() else [])
        if not ids:
            self.notify("Select referrals first (Space, or a to select all matching)")
            return

        def show(loads: list[workload.WorkerLoad]) -> None:
            choices = [
                (
                    str(w.staff_id),
                    f"{w.name}: {w.open_referrals} open of {w.target}"
                    + (" (over target)" if w.over_target else ""),
                )
                for w in loads
            ]
            title = f"Reassign {_plural(len(ids), 'referral')} to"
            self._dialog(PickDialog(title, choices), lambda v: self._reassign_to(ids, v))

        self.call_service(
            workload.worker_loads,
            self.app.db,
            self.app.require_actor(),
            today=self.app.today(),
            then=show,
        )

    def _reassign_to(self, ids: list[int], value: str | None) -> None:
        if value is None:
            return

        def done(moved: int) -> None:
            self.marked.clear()
            self.notify(f"{_plural(moved, 'referral')} reassigned")
            self._keep_cursor()
            self._reload()

        self.call_service(
            workload.reassign, self.app.db, self.app.require_actor(), ids, int(value), then=done
        )

    def action_workers(self) -> None:
        from divert_tui.screens.workload import WorkloadScreen

        self.app.push_screen(WorkloadScreen())

    def action_safeguarding(self) -> None:
        from divert_tui.screens.safeguarding import SafeguardingScreen

        self.app.push_screen(SafeguardingScreen())

    @on(PagedTable.RowChosen)
    def _open(self, event: PagedTable.RowChosen) -> None:
        self.follow = int(event.key)
        self.app.open_referral(int(event.key))
