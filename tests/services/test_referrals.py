"""Working a referral: claim, calls, non-compliance with its bar, override, the detail."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from divert_tui.core.models import AuditEvent, IntelligenceLog, Referral
from divert_tui.core.services.base import ConflictError, PermissionDenied, ValidationError
from divert_tui.core.services.intake import import_feed
from divert_tui.core.services.referral_view import add_note, open_referral
from divert_tui.core.services.referrals import (
    MoveRefused,
    claim,
    close_non_compliant,
    log_contact_attempt,
    move_status,
    override_bar,
)
from divert_tui.core.vocab import Role
from tests.services.referral_helpers import TODAY, row, staff, write_feed


@pytest.fixture
def worker(db, admin):
    return staff(db, admin, "worker1", Role.WORKER)


@pytest.fixture
def lead(db, admin):
    return staff(db, admin, "lead1", Role.TEAM_LEAD)


@pytest.fixture
def referral_id(db, admin, schemes, tmp_path) -> int:
    import_feed(db, admin, write_feed(tmp_path / "a.csv", [row()]), schemes, today=TODAY)
    return 1


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=UTC)


def three_failed_calls(db, worker, referral_id, schemes):
    results = [
        log_contact_attempt(db, worker, referral_id, outcome, schemes, at=at(day), note="n")
        for day, outcome in ((3, "no_answer"), (8, "voicemail"), (13, "no_answer"))
    ]
    return results[-1]


def test_claim_then_conflict_for_another_worker(db, admin, worker, referral_id):
    version = claim(db, worker, referral_id, expected_version=1)
    assert version == 2
    other = staff(db, admin, "worker2", Role.WORKER)
    with pytest.raises(ConflictError):
        claim(db, other, referral_id)
    with pytest.raises(ConflictError):
        claim(db, worker, referral_id, expected_version=1)


def test_worker_of_another_force_cannot_touch_it(db, admin, referral_id):
    outsider = staff(db, admin, "worker9", Role.WORKER, forces=("staffordshire",))
    with pytest.raises(PermissionDenied):
        claim(db, outsider, referral_id)


def test_first_attempt_moves_to_contacting_and_policy_is_reported(db, worker, referral_id, schemes):
    first = log_contact_attempt(db, worker, referral_id, "no_answer", schemes, at=at(3))
    assert first.status == "contacting"
    assert not first.verdict.propose_non_compliant
    last = three_failed_calls(db, worker, referral_id, schemes)
    assert last.verdict.propose_non_compliant
    with pytest.raises(ValidationError):
        log_contact_attempt(db, worker, referral_id, "shouted", schemes)


def test_close_non_compliant_writes_the_log_and_bars_the_next_referral(
    db, admin, worker, referral_id, schemes, tmp_path
):
    claim(db, worker, referral_id)
    three_failed_calls(db, worker, referral_id, schemes)
    closed = close_non_compliant(db, worker, referral_id, schemes, today=date(2026, 3, 14))
    assert closed.status == "non_compliant"
    assert closed.bar_until == date(2027, 3, 14)
    with db.read() as session:
        log = session.exec(select(IntelligenceLog)).one()
        assert (log.referral_id, log.bar_until, log.sent_to_police_at) == (
            1,
            date(2027, 3, 14),
            None,
        )
        referral = session.get(Referral, referral_id)
        assert referral.status_reason.startswith("3 attempts without an answer between 3 Mar 2026")
        assert referral.closed_at is not None
    later = row(
        police_reference="WM/2026/0777", referred_at="2026-06-01", offence_date="2026-06-01"
    )
    summary = import_feed(db, admin, write_feed(tmp_path / "b.csv", [later]), schemes, today=TODAY)
    assert (summary.matched, summary.barred) == (1, 1)
    detail = open_referral(db, worker, 2, schemes, today=TODAY)
    assert not detail.eligible
    assert detail.eligibility == (
        f"not eligible until 14 Mar 2027: intelligence log {closed.intelligence_log_id} for "
        "non-compliance on 14 Mar 2026 (West Midlands scheme, 12-month bar)"
    )
    assert [e.status for e in detail.earlier] == ["non_compliant"]
    assert detail.status == "ineligible"


def test_close_too_early_is_refused_with_the_reason(db, worker, referral_id, schemes):
    log_contact_attempt(db, worker, referral_id, "no_answer", schemes, at=at(3))
    with pytest.raises(MoveRefused, match="contact policy is not exhausted"):
        close_non_compliant(db, worker, referral_id, schemes)


def test_declined_closes_at_once(db, worker, referral_id, schemes):
    result = log_contact_attempt(db, worker, referral_id, "declined", schemes, at=at(3))
    assert result.verdict.declined
    closed = close_non_compliant(db, worker, referral_id, schemes, today=date(2026, 3, 3))
    assert closed.bar_until == date(2027, 3, 3)


def test_team_lead_override_is_recorded_and_audited(
    db, admin, worker, lead, referral_id, schemes, tmp_path
):
    log_contact_attempt(db, worker, referral_id, "declined", schemes, at=at(3))
    close_non_compliant(db, worker, referral_id, schemes, today=date(2026, 3, 3))
    later = row(
        police_reference="WM/2026/0778", referred_at="2026-06-01", offence_date="2026-06-01"
    )
    import_feed(db, admin, write_feed(tmp_path / "b.csv", [later]), schemes, today=TODAY)
    with pytest.raises(PermissionDenied):
        override_bar(db, worker, 2, "wrong person", schemes)
    with pytest.raises(ValidationError):
        override_bar(db, lead, 2, "  ", schemes)
    words = override_bar(db, lead, 2, "log written in error", schemes)
    assert words.startswith("eligible by team lead override (lead1")
    detail = open_referral(db, worker, 2, schemes, today=TODAY)
    assert detail.status == "received" and detail.eligible
    assert "log written in error" in detail.bar_override
    with db.read() as session:
        actions = session.exec(select(AuditEvent.action)).all()
    assert "referral.bar_override" in actions
    with pytest.raises(MoveRefused, match="no bar to set aside"):
        override_bar(db, lead, 1, "again", schemes)


def test_moves_go_through_the_lifecycle(db, worker, referral_id, schemes):
    with pytest.raises(MoveRefused, match="cannot become completed"):
        move_status(db, worker, referral_id, "completed", schemes)
    log_contact_attempt(db, worker, referral_id, "answered", schemes, at=at(3))
    with pytest.raises(MoveRefused, match="assessment is not completed"):
        move_status(db, worker, referral_id, "assessed", schemes)
    with pytest.raises(MoveRefused, match="say why"):
        move_status(db, worker, referral_id, "withdrawn", schemes)
    version = move_status(db, worker, referral_id, "withdrawn", schemes, reason="moved away")
    detail = open_referral(db, worker, referral_id, schemes, today=TODAY)
    assert detail.version == version and detail.status == "withdrawn"
    texts = [e.text for e in detail.timeline]
    assert texts[0].startswith("referral received (officer app)")
    assert "received -> contacting: first contact attempt" in texts
    assert "answered" in texts
    assert texts[-1] == "contacting -> withdrawn: moved away"


def test_detail_shows_person_first_contact_and_notes(db, worker, referral_id, schemes):
    note_id = add_note(db, worker, referral_id, "asked to call after 5pm")
    assert note_id == 1
    with pytest.raises(ValidationError):
        add_note(db, worker, referral_id, "   ")
    detail = open_referral(db, worker, referral_id, schemes, today=date(2026, 3, 5))
    assert detail.person.first_name == "Jo" and detail.person.age == 27
    assert detail.first_contact_due == date(2026, 3, 4)
    assert detail.first_contact == "overdue"
    assert detail.scheme == "West Midlands scheme"
    assert detail.timeline[-1].kind == "note" and detail.timeline[-1].who == "worker1"
    with db.read() as session:
        assert "referral.view" in session.exec(select(AuditEvent.action)).all()
