"""Typing in a referral that came by phone: problems show under their fields and nothing is
saved until they are fixed."""

from __future__ import annotations

from sqlmodel import func, select
from textual.widgets import Input, Static

from divert_tui.core.models import Person, Referral
from divert_tui.screens.new_referral import NewReferralScreen
from divert_tui.screens.referral import ReferralScreen
from tests.ui.conftest import log_in, settle

VALUES = {
    "police_reference": "WMP/2026/777001",
    "referred_at": "25/11/2026 10:30",
    "offence_date": "25/11/2026",
    "first_name": "Dana",
    "last_name": "O'Neill",
    "date_of_birth": "02/03/2001",
    "phone": "0121 496 0000",
    "postcode": "b15 2tt",
    "substances": "weed; coke",
}


async def test_bad_fields_are_named_and_nothing_is_saved_until_fixed(db, worker, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 60)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NewReferralScreen)
        for name, value in VALUES.items():
            screen.query_one(f"#f-{name}", Input).value = value
        screen.query_one("#f-phone", Input).value = "12345"
        screen.query_one("#f-date_of_birth", Input).value = "31/02/2001"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "phone" in str(screen.query_one("#p-phone", Static).render())
        assert "date of birth" in str(screen.query_one("#p-date_of_birth", Static).render())
        assert str(screen.query_one("#p-first_name", Static).render()) == ""
        assert "nothing was saved" in str(screen.query_one("#form-status", Static).render())
        with db.read() as session:
            assert session.exec(select(func.count()).select_from(Referral)).one() == 0

        screen.query_one("#f-phone", Input).value = VALUES["phone"]
        screen.query_one("#f-date_of_birth", Input).value = VALUES["date_of_birth"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)

    with db.read() as session:
        referral = session.exec(select(Referral)).one()
        person = session.get(Person, referral.person_id)
        assert referral.source == "phone"
        assert referral.substances == "cannabis;cocaine"
        assert person.phone == "+441214960000"
        assert person.postcode == "B15 2TT"
