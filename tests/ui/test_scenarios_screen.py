"""The trainer's Scenarios screen: only in the demo, F8 or the palette, keys and mouse, reset
as often as wanted, a clear message when loading fails, and its picture at 80x24."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from textual.command import CommandPalette
from textual.widgets import DataTable

from divert_tui.core.models import AuditEvent, Person, Referral
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import fill_demo
from divert_tui.demo.scenario_book import ScenarioFileError, all_scenarios
from divert_tui.screens.dialogs import ConfirmDialog
from divert_tui.screens.help import HelpScreen
from divert_tui.screens.my_work import MyWorkScreen
from divert_tui.screens.referral import ReferralScreen
from divert_tui.screens.scenarios import ScenarioList, ScenariosScreen
from divert_tui.widgets.demo_badge import DemoBadge
from tests.ui.conftest import TODAY, log_in, settle
from tests.ui.test_demo_platform import pick_role

GHB = [s.key for s in all_scenarios()].index("ghb_mixing")


@pytest.fixture
def demo_app(db, make_app):
    fill_demo(db, 12, today=TODAY)
    return make_app(demo=True)


def people_called(db, first: str) -> int:
    with db.read() as session:
        return session.execute(
            select(func.count()).select_from(Person).where(Person.first_name == first)
        ).scalar_one()


def status_text(screen: ScenariosScreen) -> str:
    return str(screen.query_one("#scenario-status").render())


async def test_f8_lists_every_scenario_and_shows_the_script(demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.TRAINER)
        await pilot.press("f8")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, ScenariosScreen)
        assert screen.query(DemoBadge) or "DEMO" in str(screen.query_one("AppHeader").render())
        listing = screen.query_one(ScenarioList)
        assert listing.option_count == len(all_scenarios()) == 10
        await pilot.press(*["down"] * GHB)
        detail = str(screen.query_one("#scenario-detail").render())
        case = all_scenarios()[GHB]
        assert case.title in detail and case.outcome in detail
        assert case.script[0] in detail and case.learner_does[0] in detail
        assert "Oliver, say" in detail
        # the t key is there only when the app has a guided tour
        assert screen.check_action("tour", ()) is hasattr(demo_app, "action_start_tour")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(demo_app.screen, HelpScreen)
        keys = demo_app.screen.query_one(DataTable)
        rows = [str(keys.get_row_at(n)[1]) for n in range(keys.row_count)]
        assert "Load / reset" in rows and "Open referral" in rows
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MyWorkScreen)


async def test_load_resets_as_often_as_wanted_and_opens_the_referral(db, demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.TRAINER)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press(*["down"] * GHB, "l")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        body = " ".join(str(s.render()) for s in demo_app.screen.query("Static"))
        assert "My work (F2)" in body and "F9" in body and "drug worker" in body
        await pilot.press("escape")  # stay on the list
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, ScenariosScreen)
        assert "Oliver Stanhope loaded" in status_text(screen)
        assert people_called(db, "Oliver") == 1
        await pilot.press("enter")  # Enter loads too: back to its start
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "reset to its start" in status_text(screen)
        assert people_called(db, "Oliver") == 1
        await pilot.press("o")  # the referral of the highlighted scenario
        await settle(pilot)
        assert isinstance(demo_app.screen, ReferralScreen)
        assert "Oliver Stanhope" in str(demo_app.screen.query_one("#person").render())
    with db.read() as session:
        loads = session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "demo.scenario.load")
        ).scalar_one()
        assert loads == 2
        olivers = session.execute(
            select(func.count())
            .select_from(Referral)
            .join(Person, Person.id == Referral.person_id)
            .where(Person.first_name == "Oliver")
        ).scalar_one()
        assert olivers == 1


async def test_a_click_selects_and_a_double_click_loads(db, demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.WORKER)
        await pilot.press("f8")
        await settle(pilot)
        screen = demo_app.screen
        listing = screen.query_one(ScenarioList)
        await pilot.click(ScenarioList, offset=(4, 4))
        await settle(pilot)
        picked = listing.highlighted
        assert picked not in (None, 0)
        assert demo_app.screen is screen  # one click only selects
        assert people_called(db, all_scenarios()[picked].first_name) == 0
        await pilot.double_click(ScenarioList, offset=(4, 4))
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        assert "your My work (F2)" in str(demo_app.screen.query("Static")[1].render())
        assert people_called(db, all_scenarios()[picked].first_name) == 1


async def test_a_broken_scenario_file_is_a_message_and_nothing_changes(
    db, demo_app, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise ScenarioFileError("09_ghb.toml: person.postcode: could be a real address")

    monkeypatch.setattr("divert_tui.demo.scenario_loader.load_scenario", broken)
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.TRAINER)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press(*["down"] * GHB, "l")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, ScenariosScreen)
        text = status_text(screen)
        assert "was not loaded: 09_ghb.toml: person.postcode" in text
        assert "Nothing in the demo was changed" in text
        assert people_called(db, "Oliver") == 0


async def test_the_tour_key_starts_the_tour_when_the_app_has_one(demo_app) -> None:
    started: list[bool] = []
    demo_app.action_start_tour = lambda: started.append(True)  # type: ignore[attr-defined]
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.TRAINER)
        await pilot.press("f8")
        await settle(pilot)
        assert demo_app.screen.check_action("tour", ()) is True
        await pilot.press("t")
        await settle(pilot)
        assert started == [True]


async def test_scenarios_only_in_the_demo_and_in_the_palette(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert not isinstance(app.screen, ScenariosScreen)
        assert app.check_action("scenarios", ()) is False
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Scenarios" not in titles


async def test_the_palette_offers_scenarios_in_the_demo(demo_app) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pick_role(pilot, Role.TEAM_LEAD)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(demo_app.screen, CommandPalette)
        await pilot.press(*"Scenarios")
        for _ in range(20):
            await pilot.pause(0.1)
            if demo_app.screen.query("CommandList Option"):
                break
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, ScenariosScreen)


def test_scenario_list_picture(db, make_app, snap_compare) -> None:
    fill_demo(db, 20, today=TODAY)  # with the three scripted people already in the demo

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pick_role(pilot, Role.TRAINER)
        await pilot.press("f8")
        await settle(pilot)

    assert snap_compare(make_app(demo=True), terminal_size=(80, 24), run_before=run_before)
