"""The paged list keeps its cursor on the same row key across reloads (claim, close, filter),
and chooses its columns for the width it has."""

from __future__ import annotations

from textual.app import App, ComposeResult

from divert_tui.widgets.paged_table import ListColumn, PagedTable, TablePage

COLUMNS = [
    ListColumn("name", "Name", narrow_width=10),
    ListColumn("ref", "Police ref", drop_below=100),
    ListColumn("status", "Status"),
]


class ListApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.order = ["a", "b", "c", "d"]

    def compose(self) -> ComposeResult:
        yield PagedTable(COLUMNS, self.fetch)

    def fetch(self, page: int, _search: str) -> TablePage:
        rows = [(key, (f"Person {key}", f"REF-{key}", "received")) for key in self.order]
        return TablePage(rows, len(rows), 0, 1, "referrals")


async def test_the_cursor_follows_the_row_key_when_rows_move_or_go() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 20)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        paged = app.query_one(PagedTable)
        paged.table.move_cursor(row=2)
        assert paged.current_key() == "c"
        app.order = ["c", "a", "b", "d"]  # claimed: now first
        paged.load()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert paged.current_key() == "c" and paged.table.cursor_row == 0
        app.order = ["a", "b", "d"]  # closed: gone, the cursor stays on that row number
        paged.load()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert paged.table.cursor_row == 0 and paged.current_key() == "a"
        assert paged.value("ref") == "REF-a"


async def test_columns_for_the_width() -> None:
    app = ListApp()
    async with app.run_test(size=(80, 20)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        paged = app.query_one(PagedTable)
        labels = [str(c.label) for c in paged.table.columns.values()]
        assert labels == ["Name", "Status"]
        assert paged.value("ref") == "REF-a"  # dropped from view, still known
        await pilot.resize_terminal(120, 20)
        await pilot.pause()
        labels = [str(c.label) for c in paged.table.columns.values()]
        assert labels == ["Name", "Police ref", "Status"]
        assert [str(cell) for cell in paged.table.get_row_at(0)] == [
            "Person a",
            "REF-a",
            "received",
        ]


class ChoosingApp(ListApp):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []

    def on_paged_table_row_chosen(self, message: PagedTable.RowChosen) -> None:
        self.chosen.append(message.key)


async def test_the_mouse_highlights_a_row_then_opens_it() -> None:
    app = ChoosingApp()
    async with app.run_test(size=(120, 20)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.query_one(PagedTable).table
        row_c = (2, 1 + 2)  # x in the Name column, y: below the header, third row
        await pilot.click(table, offset=row_c)
        await pilot.pause()
        assert table.cursor_row == 2 and app.chosen == [], "one click only highlights"
        await pilot.click(table, offset=(60, row_c[1]))  # again, in another column
        await pilot.pause()
        assert app.chosen == ["c"]
        await pilot.double_click(table, offset=(60, 1 + 3))  # straight onto another row
        await pilot.pause()
        assert app.chosen[1:] == ["d"] and table.cursor_row == 3
