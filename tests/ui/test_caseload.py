"""A team lead works the caseload by keyboard: filter from the picker, sort, search, page,
select and reassign; and hands a worker's caseload on from the worker load screen."""

from __future__ import annotations

from sqlmodel import col, select
from textual.widgets import DataTable, Static

from divert_tui.core.models import Referral
from divert_tui.core.services import staff
from divert_tui.core.services.base import Actor
from divert_tui.screens.caseload import CaseloadScreen
from divert_tui.screens.dialogs import PickDialog
from divert_tui.screens.workload import WorkloadScreen
from divert_tui.widgets.paged_table import PagedTable
from tests.ui.conftest import PASSWORD, add_referrals, log_in, settle


def _team(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    admin = Actor.system("tests")
    staff.add_staff(db, admin, "lead", "team_lead", PASSWORD, forces=["west_midlands"])
    ann = staff.add_staff(
        db, admin, "ann", "worker", PASSWORD, display_name="Ann Jones", forces=["west_midlands"]
    )
    bob = staff.add_staff(
        db, admin, "bob", "worker", PASSWORD, display_name="Bob Hall", forces=["west_midlands"]
    )
    return ann.id, bob.id


def _counts(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#counts", Static).render())


def _holders(db) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return dict(
            session.exec(select(Referral.police_reference, Referral.assigned_worker_id)).all()
        )


async def test_filter_sort_search_page_and_reassign(db, make_app) -> None:
    ann, bob = _team(db)
    add_referrals(db, 120, worker_id=ann)
    add_referrals(db, 1, force="staffordshire")  # another force: never listed
    app = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await log_in(pilot, "lead")
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        table = app.screen.query_one(PagedTable)
        assert "120 referrals match" in _counts(app)
        assert "received 120" in _counts(app)

        # Paging: End reaches the last page at once, Home the first, j goes to a page.
        await pilot.press("end")
        await settle(pilot)
        assert table.page == 2
        await pilot.press("home")
        await settle(pilot)
        assert table.page == 0
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("ctrl+a", *"2", "enter")
        await settle(pilot)
        assert table.page == 1

        # Sort by police reference (ascending), from the picker: the cursor stays on the
        # referral it was on, wherever the sort moved it.
        before = table.current_key()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("2")
        await settle(pilot)
        grid = app.screen.query_one(DataTable)
        references = [grid.get_row_at(i)[3] for i in range(grid.row_count)]
        assert references == sorted(references)
        assert table.current_key() == before

        # Filter: worker = unassigned shows nothing; then back to any worker.
        await pilot.press("f", "2")
        await settle(pilot)
        await pilot.press("2")  # Unassigned
        await settle(pilot)
        assert "0 referrals match" in _counts(app)
        await pilot.press("x")
        await settle(pilot)
        assert "120 referrals match" in _counts(app)

        # Search by police reference.
        await pilot.press("slash", *"REF0011", "enter")
        await settle(pilot)
        assert "10 referrals match" in _counts(app)

        # Select two and reassign them to Bob.
        await pilot.press("space", "space")
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        choices = [o.id for o in app.screen.query_one("OptionList")._options]
        await pilot.press(str(choices.index(str(bob)) + 1))
        await settle(pilot)
        holders = _holders(db)
        assert [ref for ref, who in holders.items() if who == bob] == ["REF00110", "REF00111"]
        assert "referrals reassigned" in " ".join(n.message for n in app._notifications)


async def test_worker_load_hands_a_whole_caseload_on(db, make_app) -> None:
    ann, bob = _team(db)
    add_referrals(db, 7, worker_id=ann)
    app = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await log_in(pilot, "lead")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WorkloadScreen)
        names = [load.name for load in app.screen.loads]
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=names.index("Ann Jones"))
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        options = [o.id for o in app.screen.query_one("OptionList")._options]
        await pilot.press(str(options.index(str(bob)) + 1))
        await pilot.pause()
        await pilot.press("enter")  # confirm
        await settle(pilot)
        with db.read() as session:
            held = session.exec(
                select(Referral.assigned_worker_id).where(
                    col(Referral.assigned_worker_id).is_not(None)
                )
            ).all()
        assert set(held) == {bob} and len(held) == 7
        loads = {load.name: load.open_referrals for load in app.screen.loads}
        assert loads["Ann Jones"] == 0 and loads["Bob Hall"] == 7
