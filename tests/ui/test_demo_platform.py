"""The demo for trainers: DEMO on every view and in the title, role switch, projector sizes,
the high-contrast theme from the palette, and the mouse."""

from __future__ import annotations

import pytest
from textual.widgets import Footer, OptionList

from divert_tui.core.services.base import Permission
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import fill_demo
from divert_tui.screens.help import HelpScreen
from divert_tui.screens.lock import LockScreen
from divert_tui.screens.login import DemoLoginScreen
from divert_tui.screens.my_work import MyWorkScreen
from divert_tui.themes import HIGH_CONTRAST
from divert_tui.widgets.app_header import AppHeader, who_lines
from divert_tui.widgets.demo_badge import DemoBadge
from tests.ui.conftest import log_in, settle

ROLES = list(Role)


@pytest.fixture
def demo_app(db, make_app):
    fill_demo(db, 40)
    return make_app(demo=True)


async def pick_role(pilot, role: Role) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    assert isinstance(pilot.app.screen, DemoLoginScreen)
    pilot.app.screen.query_one(OptionList).highlighted = ROLES.index(role)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_trainer_switches_role_without_quitting(demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.WORKER)
        assert demo_app.actor is not None and demo_app.actor.role is Role.WORKER
        assert isinstance(demo_app.screen, MyWorkScreen)
        assert "drug worker" in demo_app.window_title()
        await pilot.press("f9")
        await settle(pilot)
        assert demo_app.actor is None
        await pick_role(pilot, Role.TEAM_LEAD)
        assert demo_app.actor is not None and demo_app.actor.role is Role.TEAM_LEAD
        assert demo_app.actor.can(Permission.VIEW_CASELOADS)
        assert isinstance(demo_app.screen, MyWorkScreen)


async def test_switch_role_is_only_in_the_demo(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        assert app.check_action("switch_role", ()) is False
        await pilot.press("f9")
        await settle(pilot)
        assert app.actor is not None
        assert "DEMO" not in app.window_title()
        assert not app.screen.query(DemoBadge)


async def test_demo_marks_the_title_the_help_overlay_and_the_lock_screen(demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        assert demo_app.window_title().startswith("DEMO")
        await settle(pilot)
        assert demo_app.screen.query(DemoBadge), "the role picker shows DEMO"
        await pick_role(pilot, Role.WORKER)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(demo_app.screen, HelpScreen)
        badge = demo_app.screen.query_one(DemoBadge)
        assert "DEMO" in str(badge.render()) and badge.region.width > 0
        await pilot.press("escape")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(demo_app.screen, LockScreen)
        assert demo_app.screen.query_one(DemoBadge).region.width > 0


async def test_the_trainers_header_fits_80_columns(demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.TRAINER)
        header = demo_app.screen.query_one(AppHeader)
        line = header.render().plain
        assert "Warwickshire" in header.who  # the full line names the forces...
        assert line.rstrip().endswith("trainer · 4 forces")  # ...the 80 columns count them
        assert len(line) <= 80
        assert line.startswith(" DEMO ")


def test_who_gets_shorter_in_steps() -> None:
    full, shorter = who_lines("Ann Lee", "trainer", ["A", "B"])
    assert full == "Ann Lee · trainer · A, B"
    assert shorter == ("Ann Lee · trainer · 2 forces", "Ann Lee · trainer", "trainer")
    assert who_lines("Ann Lee", "admin", [])[1][0] == "Ann Lee · admin · all forces"


@pytest.mark.parametrize("size", [(80, 24), (60, 18)])
async def test_small_screens_keep_the_footer_and_its_key_hints(demo_app, size) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await pick_role(pilot, Role.WORKER)
        footer = demo_app.screen.query_one(Footer)
        assert footer.region.height == 1 and footer.region.bottom == size[1]
        keys = [str(k.render()) for k in footer.children]
        assert any("F1" in k or "f1" in k.lower() for k in keys), keys


async def test_high_contrast_theme_from_the_command_palette(demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.WORKER)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"high contrast")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.theme == HIGH_CONTRAST.name


async def test_a_mouse_click_picks_a_role_and_opens_a_referral(demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        roles = demo_app.screen.query_one(OptionList)
        await pilot.click(roles, offset=(4, 1 + ROLES.index(Role.TEAM_LEAD)))
        await settle(pilot)
        assert demo_app.actor is not None and demo_app.actor.role is Role.TEAM_LEAD
