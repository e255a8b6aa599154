"""A worker's referral by keyboard: claim, three unanswered calls over the contact policy,
close as non-compliant; the same person's next referral then shows as barred, with the date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select
from textual.widgets import DataTable, Static

from divert_tui.app import DivertApp
from divert_tui.config import load_settings
from divert_tui.core.bootstrap import open_database
from divert_tui.core.models import ContactAttempt, IntelligenceLog, Referral
from divert_tui.core.services import intake, referrals
from divert_tui.core.services.base import Actor
from divert_tui.screens.dialogs import ConfirmDialog, ContactAttemptDialog
from divert_tui.screens.referral import ReferralScreen
from tests.services.referral_helpers import row, write_feed
from tests.ui.conftest import log_in, settle

CALL_DAYS = [
    datetime(2026, 3, 4, 10, tzinfo=UTC),
    datetime(2026, 3, 9, 15, tzinfo=UTC),
    datetime(2026, 3, 16, 11, tzinfo=UTC),
]


def _text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def test_three_failed_calls_close_and_bar_the_next_referral(
    db, db_url, worker, schemes, tmp_path, monkeypatch
) -> None:
    admin = Actor.system("tests")
    intake.import_feed(
        db, admin, write_feed(tmp_path / "first.csv", [row()]), schemes, today=date(2026, 3, 3)
    )
    with db.read() as session:
        referral_id = session.exec(select(Referral.id)).one()

    app = DivertApp(open_database(db_url), load_settings(db_url), today=date(2026, 3, 16))
    async with app.run_test(size=(140, 44)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        await pilot.press("c")  # claim from the queue
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert "ELIGIBLE" in _text(app.screen, "#eligibility")
        assert "Alice Smith" in _text(app.screen, "#facts")

        for moment in CALL_DAYS:
            monkeypatch.setattr(referrals, "utcnow", lambda moment=moment: moment)
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, ContactAttemptDialog)
            await pilot.press("2", *"no reply", "enter")  # no answer, with a note
            await settle(pilot)
            assert isinstance(app.screen, ReferralScreen)

        assert "CONTACT POLICY MET" in _text(app.screen, "#eligibility")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert "NON COMPLIANT" in _text(app.screen, "#facts")

    with db.read() as session:
        attempts = session.exec(select(ContactAttempt)).all()
        assert [a.outcome for a in attempts] == ["no_answer"] * 3
        assert all(a.note == "no reply" for a in attempts)
        log = session.exec(select(IntelligenceLog)).one()
        log_id = log.id
        assert log.referral_id == referral_id
        assert log.bar_until == date(2027, 3, 16)
        assert session.get(Referral, referral_id).status == "non_compliant"

    # The same person is found again in May: the new referral is barred, and says until when.
    summary = intake.import_feed(
        db,
        admin,
        write_feed(
            tmp_path / "second.csv",
            [
                row(
                    police_reference="WM/2026/0002",
                    referred_at="2026-05-01T10:00",
                    offence_date="2026-05-01",
                )
            ],
        ),
        schemes,
        today=date(2026, 5, 1),
    )
    assert summary.barred == 1
    app = DivertApp(open_database(db_url), load_settings(db_url), today=date(2026, 5, 1))
    async with app.run_test(size=(140, 44)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        with db.read() as session:
            new_id = session.exec(
                select(Referral.id).where(Referral.police_reference == "WM/2026/0002")
            ).one()
        app.open_referral(new_id)
        await settle(pilot)
        eligibility = _text(app.screen, "#eligibility")
        for _ in range(50):  # the referral loads in a worker; on a busy machine it may lag
            if eligibility:
                break
            await settle(pilot)
            eligibility = _text(app.screen, "#eligibility")
        assert "NOT ELIGIBLE" in eligibility
        assert "16 Mar 2027" in eligibility
        assert f"intelligence log {log_id}" in eligibility
        earlier = app.screen.query_one("#earlier", DataTable)
        assert "WM/2026/0001" in [str(c) for c in earlier.get_row_at(0)]
