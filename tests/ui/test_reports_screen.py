"""The reports area as a team lead walks it: tables by key, the period, F1's definitions."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from divert_tui.core.services import staff
from divert_tui.core.services.base import Actor
from divert_tui.screens.help import HelpScreen
from divert_tui.screens.reports import ReportsScreen
from tests.services.report_cohort import build_cohort
from tests.ui.conftest import PASSWORD, log_in, settle


def cells(table: DataTable, row: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(row)]


async def open_reports(db, make_app, pilot_size=(100, 30)):  # type: ignore[no-untyped-def]
    build_cohort(db)
    staff.add_staff(
        db, Actor.system("tests"), "lena", "team_lead", PASSWORD, forces=["west_midlands"]
    )
    return make_app()


async def test_the_lead_reads_the_summary_then_the_next_tables(db, make_app) -> None:
    app = await open_reports(db, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, "lena")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        period = str(screen.query_one("#period", Static).render())
        assert "01 Nov 2025 to 31 Oct 2026" in period  # the last 12 complete months
        table = screen.query_one(DataTable)
        assert cells(table, 0) == ["Referrals", "7"]  # not R2 (Dec 2026) nor R8 (West Mercia)
        assert "Summary" in str(screen.query_one("#table-title", Static).render())
        await pilot.press("n")
        assert "Substance" in str(screen.query_one("#table-title", Static).render())
        assert cells(screen.query_one(DataTable), 3) == ["Nitrous oxide", "<5"]
        assert cells(screen.query_one(DataTable), 0) == ["Cannabis", "[c]"]
        await pilot.press("p", "p")
        assert "Definitions" not in str(screen.query_one("#table-title", Static).render())
        assert "Largest gaps" in str(screen.query_one("#table-title", Static).render())


async def test_a_month_earlier_moves_the_period(db, make_app) -> None:
    app = await open_reports(db, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, "lena")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        await pilot.press("right_square_bracket")  # already the latest: stays
        await settle(pilot)
        assert "to 31 Oct 2026" in str(screen.query_one("#period", Static).render())
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "01 Oct 2025 to 30 Sep 2026" in str(screen.query_one("#period", Static).render())
        assert cells(screen.query_one(DataTable), 0) == ["Referrals", "7"]  # R7 of 31 Dec 2025


async def test_f1_on_reports_lists_what_each_figure_counts(db, make_app) -> None:
    app = await open_reports(db, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, "lena")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        notes = " ".join(str(s.render()) for s in app.screen.query(".note"))
        assert "Repeat referrals: Referrals of a person who had an earlier referral" in notes
        assert "Katz" in notes and "<5" in notes
        await pilot.press("escape")
        assert isinstance(app.screen, ReportsScreen)


async def test_c_switches_between_the_tables_and_the_charts(db, make_app) -> None:
    from divert_tui.widgets.charts import ReportChart

    app = await open_reports(db, make_app)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, "lena")
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        chart = screen.query_one(ReportChart)
        assert not chart.display and screen.query_one(DataTable).display
        await pilot.press("c")
        await settle(pilot)
        assert chart.display and not screen.query_one(DataTable).display
        title = str(screen.query_one("#table-title", Static).render())
        assert "Referrals by month" in title
        # The cohort's monthly cells are all under 5: each is withheld, none is drawn.
        assert "withheld" in str(screen.query_one("#gap", Static).render())
        await pilot.press("n")
        await settle(pilot)
        assert "From referral to completion" in str(
            screen.query_one("#table-title", Static).render()
        )
        await pilot.press("n")
        await settle(pilot)
        assert "Relative rate of being contacted" in str(
            screen.query_one("#table-title", Static).render()
        )
        await pilot.press("c")
        await settle(pilot)
        assert not chart.display
        assert "Summary" in str(screen.query_one("#table-title", Static).render())
