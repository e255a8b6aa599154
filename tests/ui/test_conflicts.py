"""Issue 13 item 6 on screen: the other person saves between the screen's load and the save
here (a service call stands in for them); the dialog says what they changed and the keys
in it decide what is stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from divert_tui.core.models import AuditEvent, ContactAttempt, Note, Referral
from divert_tui.core.services import intake, referral_view, referrals
from divert_tui.core.services.base import Actor
from divert_tui.core.vocab import Role
from divert_tui.screens.conflict_dialog import ConflictDialog
from divert_tui.screens.dialogs import ContactAttemptDialog, ReasonDialog
from divert_tui.screens.referral import ReferralScreen
from tests.services.referral_helpers import row, staff, write_feed
from tests.ui.conftest import log_in, settle

WHEN = datetime(2026, 3, 3, 10, tzinfo=UTC)


def _screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """The dialog's words with the lines joined, as a person reads them across the wrap."""
    lines = (strip.text.strip(" █") for strip in app.screen._compositor.render_strips())
    return " ".join(" ".join(lines).split())


async def _open(db, schemes, tmp_path, make_app):  # type: ignore[no-untyped-def]
    admin = Actor.system("tests")
    intake.import_feed(db, admin, write_feed(tmp_path / "f.csv", [row()]), schemes)
    with db.read() as session:
        rid = session.exec(select(Referral.id)).one()
    lee = staff(db, admin, "lee", Role.TEAM_LEAD)
    return rid, lee, make_app()


async def _withdraw(pilot, reason: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReasonDialog)
    await pilot.press(*reason, "enter")
    await settle(pilot)
    await settle(pilot)


async def test_reload_shows_their_change_and_stores_nothing_of_mine(
    db, schemes, tmp_path, make_app, worker
) -> None:
    rid, lee, app = await _open(db, schemes, tmp_path, make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        app.open_referral(rid)
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        # the other person claims it and logs a call while it is open here
        referrals.claim(db, lee, rid)
        referrals.log_contact_attempt(db, lee, rid, "no_answer", schemes, at=WHEN)
        await _withdraw(pilot, "moved away")
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        text = _screen_text(app)
        assert "Last saved by lee" in text and "NOT saved yet" in text
        assert "withdraw the referral (moved away)" in text
        for words in ("status", "received", "contacting", "worker", "unassigned", "no answer"):
            assert words in text, words
        for button in ("#reload", "#keep"):
            region = dialog.query_one(button).region
            assert region.height > 0 and region.bottom <= 24 and region.right <= 80, button
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert app.screen.detail.status == "contacting"  # reloaded: their version shown
        # a second try, on the version now shown, saves without a dialog
        await _withdraw(pilot, "moved away")
        assert isinstance(app.screen, ReferralScreen)
    with db.read() as session:
        assert session.get(Referral, rid).status == "withdrawn"
        details = session.exec(
            select(AuditEvent.detail).where(AuditEvent.action == "referral.status")
        ).all()
        assert details and not any("overwrite" in d for d in details)


async def test_keep_mine_saves_over_theirs_as_an_overwrite_and_notes_all_land(
    db, schemes, tmp_path, make_app, worker
) -> None:
    rid, lee, app = await _open(db, schemes, tmp_path, make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        app.open_referral(rid)
        await settle(pilot)
        referrals.log_contact_attempt(db, lee, rid, "answered", schemes, at=WHEN)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ContactAttemptDialog)
        await pilot.press("2", *"rang at noon", "enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert 'the note "rang at noon"' in _screen_text(app)
        await pilot.press("k")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        # notes are only added: one added meanwhile by the other person never clashes
        referral_view.add_note(db, lee, rid, "asked for evening calls")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"partner answers the phone", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
    with db.read() as session:
        notes = session.exec(select(Note.text).order_by(col(Note.id))).all()
        assert notes == ["asked for evening calls", "partner answers the phone"]
        calls = session.exec(select(ContactAttempt).order_by(col(ContactAttempt.id))).all()
        assert [(c.outcome, c.note) for c in calls] == [
            ("answered", None),
            ("no_answer", "rang at noon"),
        ]
        event = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "referral.contact_attempt")
            .order_by(col(AuditEvent.id).desc())
        ).first()
        assert event is not None and event.username == "alice"
        assert (
            "overwrite=" in event.detail
            and "overwrite=v2 seen=v1 fields=status,reason,calls_logged" in event.detail
        )


def test_the_dialog_at_80_by_24(db, schemes, tmp_path, make_app, worker, snap_compare) -> None:
    admin = Actor.system("tests")
    intake.import_feed(db, admin, write_feed(tmp_path / "f.csv", [row()]), schemes)
    lee = staff(db, admin, "lee", Role.TEAM_LEAD)
    with db.read() as session:
        rid = session.exec(select(Referral.id)).one()

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await log_in(pilot)
        pilot.app.open_referral(rid)
        await settle(pilot)
        referrals.claim(db, lee, rid)
        referrals.log_contact_attempt(db, lee, rid, "no_answer", schemes, at=WHEN)
        await _withdraw(pilot, "moved away")
        assert isinstance(pilot.app.screen, ConflictDialog)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
