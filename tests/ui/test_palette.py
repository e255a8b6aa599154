"""The command palette finds people and referrals by name, date of birth or police reference."""

from __future__ import annotations

from textual.command import CommandPalette

from divert_tui.core.services import search
from divert_tui.core.services.base import Actor
from divert_tui.screens.referral import ReferralScreen
from tests.ui.conftest import add_referrals, log_in, settle


def test_search_by_reference_name_and_date_of_birth(db, worker) -> None:
    add_referrals(db, 5)
    add_referrals(db, 3, force="staffordshire")
    actor = Actor(worker.id, "alice", worker.role, frozenset({"west_midlands"}))
    assert [h.label for h in search.find(db, actor, "REF00003")] == ["Test003 Person (04/01/1990)"]
    assert len(search.find(db, actor, "person")) == 5  # staffordshire's three are not this worker's
    assert [h.label for h in search.find(db, actor, "03/01/1990")] == [
        "Test002 Person (03/01/1990)"
    ]
    assert [h.label for h in search.find(db, actor, "person ref00004")] == [
        "Test004 Person (05/01/1990)"
    ]
    assert search.find(db, actor, "nobody") == []


async def test_palette_opens_the_referral_found(db, worker, make_app) -> None:
    add_referrals(db, 5)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"REF00004")
        for _ in range(20):
            await pilot.pause(0.1)
            if app.screen.query("CommandList Option"):
                break
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert "REF00004" in str(app.screen.query_one("#facts").render())
