"""A table that shows one page of a query at a time.

The rows of a page come from a fetch function run in a thread worker (the database is
never touched on the UI thread), so a caseload of any size opens as fast as one page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input

from divert_tui.widgets.plain import Static

Cell = str | Text

# Below this width (in cells) a list uses its columns' short labels and widths, so that
# what a worker needs (such as status and worker) stays on an 80-column terminal.
NARROW_BELOW = 100


@dataclass(frozen=True)
class ListColumn:
    """A column: dropped when the list is narrower than ``drop_below`` cells, and shown
    under a short label and width on a narrow screen."""

    key: str
    label: str
    drop_below: int = 0
    narrow_label: str | None = None
    narrow_width: int | None = None  # cells kept on a narrow screen (None: fit the content)


ColumnSpec = tuple[str, str] | ListColumn


def _column(spec: ColumnSpec) -> ListColumn:
    return spec if isinstance(spec, ListColumn) else ListColumn(spec[0], spec[1])


@dataclass(frozen=True)
class TablePage:
    rows: Sequence[tuple[str, Sequence[Cell]]]  # (row key, cells)
    total: int
    page: int
    pages: int
    noun: str = "rows"
    singular: str = ""  # the noun for exactly one row ("referral"); default: noun less its s


def count_of(total: int, noun: str, singular: str = "") -> str:
    """'1 referral', '2,345 referrals': one number format everywhere, the right plural."""
    if total == 1:
        return f"1 {singular or noun.removesuffix('s')}"
    return f"{total:,} {noun}"


Fetch = Callable[[int, str], TablePage]


class ListTable(DataTable[Cell]):
    """A list's table for the mouse too: a click highlights a row; a click on the highlighted
    row (any column) or a double click opens it, like Enter. Textual's own table opens only
    when the very same cell is clicked twice."""

    async def _on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        row, column = meta.get("row"), meta.get("column")
        was_row = self.cursor_row
        same_cell = (row, column) == tuple(self.cursor_coordinate)
        await super()._on_click(event)
        event.prevent_default()  # Textual's handler has run (above); not once more
        if not isinstance(row, int) or row < 0 or not isinstance(column, int) or column < 0:
            return
        if same_cell or self.cursor_type != "row" or not self.show_cursor:
            return  # the same cell: Textual has opened it already
        if row == was_row or event.chain > 1:
            self._post_selected_message()


class PagedTable(Vertical):
    """Columns fixed at construction; ``fetch(page, filter_text)`` supplies each page."""

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    PagedTable DataTable { height: 1fr; }
    PagedTable #pager-row { height: 1; }
    PagedTable #pager { height: 1; padding: 0 1; color: $text-muted; }
    PagedTable #filter { display: none; height: 3; }
    PagedTable.filtering #filter { display: block; }
    """

    BINDINGS = [
        Binding("n,pagedown", "next_page", "Next page", key_display="n", show=False),
        Binding("p,pageup", "previous_page", "Prev page", key_display="p", show=False),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("r", "refresh_page", "Refresh", show=False),
    ]

    class RowChosen(Message):
        def __init__(self, table: PagedTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    def __init__(
        self,
        columns: Sequence[ColumnSpec],
        fetch: Fetch,
        *,
        id: str | None = None,
        empty_text: str = "Nothing to show.",
    ) -> None:
        super().__init__(id=id)
        self._columns = [_column(spec) for spec in columns]
        self._fetch = fetch
        self._width = 10_000  # until the first resize: every column
        self._last: TablePage | None = None
        self._empty_text = empty_text
        self.page = 0
        self.pages = 1
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Filter by name or police reference; Enter to apply, Esc to clear",
            id="filter",
        )
        table: DataTable[Cell] = ListTable(cursor_type="row", zebra_stripes=True)
        self._add_columns(table)
        yield table
        with Horizontal(id="pager-row"):
            yield Static("Loading...", id="pager")

    @property
    def table(self) -> DataTable[Cell]:
        return self.query_one(DataTable)

    def on_mount(self) -> None:
        self.load()

    # --- columns for the width of the screen ------------------------------------------------

    @property
    def narrow(self) -> bool:
        return self._width < NARROW_BELOW

    def _layout(self, width: int) -> tuple[tuple[int, ...], bool]:
        shown = tuple(i for i, c in enumerate(self._columns) if width >= c.drop_below)
        return shown, width < NARROW_BELOW

    def _shown(self) -> tuple[int, ...]:
        return self._layout(self._width)[0]

    def _add_columns(self, table: DataTable[Cell]) -> None:
        for index in self._shown():
            column = self._columns[index]
            if self.narrow:
                label = column.narrow_label or column.label
                table.add_column(label, key=column.key, width=column.narrow_width)
            else:
                table.add_column(column.label, key=column.key)

    def on_resize(self, event: events.Resize) -> None:
        before = self._layout(self._width)
        self._width = event.size.width
        if self._layout(self._width) == before:
            return
        table = self.table
        table.clear(columns=True)
        self._add_columns(table)
        if self._last is not None:
            self._show(self._last)

    # --- the rows ---------------------------------------------------------------------------

    def value(self, column_key: str) -> Cell | None:
        """A cell of the row under the cursor, shown or not (a narrow screen drops some)."""
        key = self.current_key()
        if key is None or self._last is None:
            return None
        index = next((i for i, c in enumerate(self._columns) if c.key == column_key), None)
        if index is None:
            return None
        for row_key, cells in self._last.rows:
            if row_key == key:
                return cells[index]
        return None

    def current_key(self) -> str | None:
        """The key of the row under the cursor, if there is one."""
        table = self.table
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value) if row_key.value is not None else None

    def focus_table(self) -> None:
        self.table.focus()

    def load(self, page: int | None = None) -> None:
        if page is not None:
            self.page = max(0, page)
        self._load(self.page, self.filter_text)

    @work(thread=True, exclusive=True, group="paged-table", exit_on_error=True)
    def _load(self, page: int, filter_text: str) -> None:
        result = self._fetch(page, filter_text)
        self.app.call_from_thread(self._show, result)

    def _show(self, result: TablePage) -> None:
        """Draw a page; the cursor stays on the same referral (row key) wherever it moved,
        so that an action after a reload never lands on another person."""
        table = self.table
        cursor = table.cursor_row
        followed = self.current_key()
        table.clear()
        shown = self._shown()
        keys = []
        for key, cells in result.rows:
            # Plain text, never markup: a stored name such as "[/]" or "[@click=...]" is data.
            plain = (Text(c) if isinstance(c, str) else c for c in (cells[i] for i in shown))
            table.add_row(*plain, key=key)
            keys.append(key)
        self._last = result
        self.page, self.pages = result.page, result.pages
        if result.total == 0:
            status = self._empty_text
        else:
            status = (
                f"page {result.page + 1:,} of {result.pages:,} · "
                f"{count_of(result.total, result.noun, result.singular)}"
            )
        if self.filter_text:
            status += f" · filter: {self.filter_text!r} (/ then Esc to clear)"
        self.query_one("#pager", Static).update(status)
        if result.rows:
            row = keys.index(followed) if followed in keys else min(cursor, len(keys) - 1)
            table.move_cursor(row=row)

    def action_next_page(self) -> None:
        if self.page + 1 < self.pages:
            self.load(self.page + 1)

    def action_previous_page(self) -> None:
        if self.page > 0:
            self.load(self.page - 1)

    def action_refresh_page(self) -> None:
        self.load()

    def action_filter(self) -> None:
        self.add_class("filtering")
        self.query_one("#filter", Input).focus()

    @on(Input.Submitted, "#filter")
    def _apply_filter(self, event: Input.Submitted) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        if not self.filter_text:
            self.remove_class("filtering")
        self.load(0)
        self.table.focus()

    def key_escape(self) -> bool | None:
        if self.has_class("filtering"):
            self.query_one("#filter", Input).value = ""
            self.remove_class("filtering")
            if self.filter_text:
                self.filter_text = ""
                self.load(0)
            self.table.focus()
            return True
        return None

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.RowChosen(self, str(event.row_key.value)))
