"""The Admin screen shows each force's scheme settings, retention included."""

from __future__ import annotations

from textual.widgets import DataTable

from divert_tui.core.services import staff
from divert_tui.core.services.base import Actor
from divert_tui.screens.admin import AdminScreen
from tests.ui.conftest import PASSWORD, log_in, settle


async def test_the_scheme_settings_show_the_retention_period(db, make_app) -> None:
    staff.add_staff(db, Actor.system("tests"), "root.admin", "admin", PASSWORD)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await log_in(pilot, "root.admin")
        if not isinstance(app.screen, AdminScreen):
            await pilot.press("f6")
            await settle(pilot)
        table = app.screen.query_one("#schemes", DataTable)
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
        assert len(rows) == 4
        assert [str(c) for c in rows["West Midlands Police"]][-1] == (
            "6 years after closing; intel to the bar's end"
        )
