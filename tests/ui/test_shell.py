"""The app shell driven by keyboard: log in, see the queue, page it, help, lock, errors."""

from __future__ import annotations

from time import monotonic

from textual.widgets import DataTable, Input, Static

from divert_tui.core.services import queue, staff
from divert_tui.core.services.base import Actor
from divert_tui.screens.help import HelpScreen
from divert_tui.screens.lock import LockScreen
from divert_tui.screens.login import LoginScreen
from divert_tui.screens.my_work import MyWorkScreen
from divert_tui.widgets.app_header import AppHeader
from tests.ui.conftest import PASSWORD, add_referrals, log_in, settle


async def test_login_shows_the_workers_queue(db, worker, make_app) -> None:
    add_referrals(db, 3, worker_id=worker.id)
    add_referrals(db, 2, worker_id=None, force="staffordshire")  # another force: not shown
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        header = app.screen.query_one(AppHeader)
        assert "Alice Smith" in header.who and "drug worker" in header.who
        assert "West Midlands" in header.who
        first_row = [str(cell) for cell in table.get_row_at(0)]
        assert "REF00002" in first_row  # newest first


async def test_wrong_password_says_so_and_stays(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await log_in(pilot, password="not the password")
        assert isinstance(app.screen, LoginScreen)
        message = str(app.screen.query_one("#login-error", Static).render())
        assert "wrong user name or password" in message
        assert app.actor is None


async def test_queue_pages_in_sql(db, worker, make_app) -> None:
    add_referrals(db, 120, worker_id=None)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 50
        pager = str(app.screen.query_one("#pager", Static).render())
        assert "page 1 of 3" in pager and "120 referrals" in pager
        await pilot.press("n", "n")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 20
        assert "page 3 of 3" in str(app.screen.query_one("#pager", Static).render())


async def test_filter_narrows_the_queue(db, worker, make_app) -> None:
    add_referrals(db, 30)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("slash", *"REF0001", "enter")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 10  # REF00010 .. REF00019


async def test_areas_follow_the_role(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await log_in(pilot)
        await pilot.press("f3")  # caseload: team leads only
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)
        await pilot.press("f4")
        await settle(pilot)
        assert app.current_mode == "courses"


async def test_f1_lists_every_binding_of_each_screen(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        for key in ("f2", "f4"):
            await pilot.press(key)
            await settle(pilot)
            screen = app.screen
            others = {"Go to Caseload", "Go to Reports", "Go to Admin"}  # a worker's not
            expected = {
                active.binding.description
                for active in screen.active_bindings.values()
                if active.binding.description
            } - others
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            table = app.screen.query_one(DataTable)
            listed = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
            assert expected <= listed
            assert {"Next page", "Filter", "Help", "Quit"} <= listed
            assert not listed & others
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen


async def test_f1_lists_the_bindings_of_every_area_and_the_referral_screen(db, make_app) -> None:
    staff.add_staff(db, Actor.system("tests"), "root.admin", "admin", PASSWORD)
    add_referrals(db, 1)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await log_in(pilot, "root.admin")
        screens = []
        for key in ("f2", "f3", "f4", "f5", "f6", "enter"):
            if key == "enter":
                await pilot.press("f2")
                await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
            screen = app.screen
            screens.append(type(screen).__name__)
            expected = {
                active.binding.description
                for active in screen.active_bindings.values()
                if active.binding.description
            }
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen), type(screen).__name__
            table = app.screen.query_one(DataTable)
            listed = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
            assert expected <= listed, (type(screen).__name__, expected - listed)
            await pilot.press("escape")
            await pilot.pause()
        assert screens == [
            "MyWorkScreen", "CaseloadScreen", "CoursesScreen", "ReportsScreen", "AdminScreen",
            "ReferralScreen",
        ]  # fmt: skip


async def test_idle_lock_keeps_the_screen_and_asks_for_the_password(db, worker, make_app) -> None:
    add_referrals(db, 2, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        screen_before = app.screen
        app._last_input = monotonic() - app.settings.idle_lock_minutes * 60 - 1
        app._check_idle()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"wrong password", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert app.screen is screen_before
        assert app.screen.query_one(DataTable).row_count == 2


async def test_an_unexpected_error_is_a_message_and_the_app_goes_on(
    db, worker, make_app, monkeypatch
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)

        def broken(*_args, **_kwargs):
            raise RuntimeError("database went away with Jane Doe's record")

        monkeypatch.setattr(queue, "my_work", broken)
        await pilot.press("r")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("Something went wrong (RuntimeError)" in m for m in messages)
        assert not any("Jane Doe" in m for m in messages)
        monkeypatch.undo()
        await pilot.press("f4")
        await settle(pilot)
        assert app.current_mode == "courses"
        assert app.is_running


async def test_lock_key_locks_at_once(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert isinstance(app.screen.focused, Input)


async def test_an_area_key_brings_back_the_areas_list_but_not_from_a_dialog(
    db, worker, make_app
) -> None:
    add_referrals(db, 1, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("enter")  # open the referral
        await settle(pilot)
        await pilot.press("l")  # the log-a-call dialog
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert type(app.screen).__name__ == "ContactAttemptDialog"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReferralScreen"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("escape")  # from the instrument list: back where the practice began
        await pilot.pause()
        assert isinstance(app.screen, MyWorkScreen)
