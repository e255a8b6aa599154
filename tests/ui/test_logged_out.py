"""Issue 9 item 4 in the app: a person deactivated while logged in is logged out with a
message at their next action, or within half a minute if they do nothing."""

from __future__ import annotations

import contextlib

from textual.widgets import DataTable, Input, Static

from divert_tui.core.services import staff
from divert_tui.core.services.base import Actor
from divert_tui.screens.login import LoginScreen
from divert_tui.screens.my_work import MyWorkScreen
from tests.ui.conftest import PASSWORD, add_referrals, log_in, settle


def _message(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#login-error", Static).render())


async def test_the_next_action_of_a_deactivated_worker_logs_them_out(db, worker, make_app) -> None:
    add_referrals(db, 3, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)
        staff.deactivate(db, Actor.system("tests"), "alice")
        await pilot.press("enter")  # open the referral: a service call
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
        assert "alice has been deactivated" in _message(app)
        assert app.screen.query_one("#password", Input).value == ""
        # nothing of the last session is left behind in the areas
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_an_idle_deactivated_worker_is_logged_out_by_the_check(db, worker, make_app) -> None:
    add_referrals(db, 1, worker_id=worker.id)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 1
        staff.deactivate(db, Actor.system("tests"), "alice")
        app._last_active_check -= 60
        app._check_idle()
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "deactivated by an admin" in _message(app)


async def test_logging_in_again_after_reactivation_works(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        staff.deactivate(db, Actor.system("tests"), "alice")
        app._last_active_check -= 60
        app._check_idle()
        await settle(pilot)
        await settle(pilot)
        staff.activate(db, Actor.system("tests"), "alice")
        await log_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)


async def test_an_admin_deactivates_and_unlocks_from_the_admin_area(db, worker, make_app) -> None:
    staff.add_staff(db, Actor.system("tests"), "boss", "admin", "admin password 1")
    for _ in range(staff.MAX_FAILED_LOGINS):
        with contextlib.suppress(staff.LoginError):
            staff.authenticate(db, "alice", "not the password", terminal="t1")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await log_in(pilot, "boss", "admin password 1")
        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one("#staff", DataTable)
        assert [str(c) for c in table.get_row("alice")][-1] == "locked"
        table.move_cursor(row=table.get_row_index("alice"))
        await pilot.press("u")
        await settle(pilot)
        assert [str(c) for c in table.get_row("alice")][-1] == "active"
        await pilot.press("d", "enter")
        await settle(pilot)
        assert [str(c) for c in table.get_row("alice")][-1] == "inactive"
        await pilot.press("a")
        await settle(pilot)
        assert [str(c) for c in table.get_row("alice")][-1] == "active"
    assert staff.authenticate(db, "alice", PASSWORD, terminal="t1").username == "alice"
