"""The referral as the worker reads it: a number not safe to call, the other referrals in
date order, the first-contact clock after a set-aside bar, and who may claim."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from divert_tui.core import feed_fields
from divert_tui.core.models import Assessment, InstrumentResponse, Referral
from divert_tui.core.rules.calendar import first_contact_due
from divert_tui.core.services import queue
from divert_tui.core.services.base import Actor, PermissionDenied
from divert_tui.core.services.intake import import_feed
from divert_tui.core.services.referral_view import open_referral
from divert_tui.core.services.referrals import (
    claim,
    close_non_compliant,
    log_contact_attempt,
    override_bar,
)
from divert_tui.core.services.staff import add_staff
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


def identity_check(
    db, referral_id: int, safe_number: str, at: datetime, calls_only: str | None = None
) -> None:
    with db.write() as session:
        assessment = Assessment(referral_id=referral_id)
        session.add(assessment)
        session.flush()
        session.add(
            InstrumentResponse(
                assessment_id=assessment.id,
                instrument_id="identity_check",
                instrument_version="1",
                answers={"q1": "yes", "q2": "yes", "q3": safe_number}
                | ({"q6": calls_only} if calls_only else {}),
                flags=["no_safe_contact"] if safe_number == "no" else [],
                updated_at=at,
            )
        )


def test_a_number_not_safe_is_on_the_referral_and_the_queue(db, worker, referral_id, schemes):
    assert open_referral(db, worker, referral_id, schemes, today=TODAY).contact_caution is None
    identity_check(db, referral_id, "no", datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    detail = open_referral(db, worker, referral_id, schemes, today=TODAY)
    assert detail.contact_caution is not None
    assert "NUMBER NOT SAFE" in detail.contact_caution.text
    assert "do not call back, no voicemail, no texts" in detail.contact_caution.text
    assert "20/11/2026" in detail.contact_caution.text
    (queued,) = queue.my_work(db, worker).rows
    assert queued.contact_caution is not None


def test_the_latest_answer_about_the_number_stands(db, worker, referral_id, schemes):
    identity_check(db, referral_id, "no", datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    identity_check(db, referral_id, "yes", datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    assert open_referral(db, worker, referral_id, schemes, today=TODAY).contact_caution is None
    (queued,) = queue.my_work(db, worker).rows
    assert queued.contact_caution is None


def test_other_referrals_are_in_date_order_and_marked_earlier_or_later(
    db, admin, worker, schemes, tmp_path
):
    rows = [
        row(police_reference="WM/2026/0003", referred_at="2026-09-01", offence_date="2026-09-01"),
        row(police_reference="WM/2026/0001", referred_at="2026-01-05", offence_date="2026-01-05"),
        row(police_reference="WM/2026/0002", referred_at="2026-05-01", offence_date="2026-05-01"),
    ]
    import_feed(db, admin, write_feed(tmp_path / "three.csv", rows), schemes, today=TODAY)
    with db.read() as session:
        middle = session.exec(
            Referral.__table__.select().where(Referral.police_reference == "WM/2026/0002")
        ).one()
    detail = open_referral(db, worker, middle.id, schemes, today=TODAY)
    assert [(e.police_reference, e.relation) for e in detail.earlier] == [
        ("WM/2026/0001", "earlier"),
        ("WM/2026/0003", "later"),
    ]


def test_the_first_contact_clock_starts_when_the_bar_is_set_aside(
    db, admin, worker, lead, referral_id, schemes, tmp_path
):
    at = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    log_contact_attempt(db, worker, referral_id, "declined", schemes, at=at)
    close_non_compliant(db, worker, referral_id, schemes, today=date(2026, 3, 3))
    later = row(
        police_reference="WM/2026/0778", referred_at="2026-06-01", offence_date="2026-06-01"
    )
    import_feed(db, admin, write_feed(tmp_path / "b.csv", [later]), schemes, today=TODAY)
    override_bar(db, lead, 2, "log written in error", schemes)
    today = datetime.now(feed_fields.UK_TIME).date()
    detail = open_referral(db, worker, 2, schemes, today=today)
    working_days = schemes["west_midlands"].first_contact_working_days
    assert detail.first_contact_due == first_contact_due(today, working_days)
    assert detail.first_contact in ("due", "due_today")


def test_an_admin_cannot_claim_a_referral(db, admin, referral_id):
    made = add_staff(db, admin, "root.admin", Role.ADMIN, "a-long-password")
    person = Actor(made.id, made.username, Role.ADMIN, frozenset(), made.display_name)
    with pytest.raises(PermissionDenied, match="worker or team lead account"):
        claim(db, person, referral_id)


def test_calls_only_is_told_apart_from_do_not_call(db, worker, referral_id, schemes):
    identity_check(db, referral_id, "no", datetime(2026, 11, 20, 10, 0, tzinfo=UTC), "yes")
    caution = open_referral(db, worker, referral_id, schemes, today=TODAY).contact_caution
    assert caution is not None and caution.calls_allowed
    assert caution.text.startswith("NO VOICEMAIL OR TEXTS on this number: calls only")
    assert caution.short == "NO VM"
    identity_check(db, referral_id, "no", datetime(2026, 11, 21, 10, 0, tzinfo=UTC), "no")
    caution = open_referral(db, worker, referral_id, schemes, today=TODAY).contact_caution
    assert caution is not None and not caution.calls_allowed
    assert caution.short == "NOT SAFE"
