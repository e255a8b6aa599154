"""After the call: the end-early reason and call-back kept and shown, the call-backs due in
the worker's list, several services for one need, and the whole call read back and printed."""

from __future__ import annotations

import stat
from datetime import datetime

import pytest
from sqlmodel import select

from divert_tui.core.models import Assessment, Note
from divert_tui.core.rules.call_back import UK
from divert_tui.core.services import assessment as svc
from divert_tui.core.services import assessment_outcome as outcome
from divert_tui.core.services import assessment_record as record_svc
from divert_tui.core.services import directory, referral_view
from divert_tui.core.services.base import ValidationError
from divert_tui.core.services.staff import add_staff
from divert_tui.core.vocab import Role
from tests.assessment.helpers import (
    DASH_15,
    IDENTITY_OK,
    QUIET_MODULES,
    answer,
    seed_referral,
    worker,
)
from tests.conftest import make_actor

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UK)
CALL_BACK = datetime(2026, 12, 3, 10, 0, tzinfo=UK)


def test_end_early_keeps_the_reason_and_call_back_on_the_referral(db, admin, schemes):
    actor = worker(db, admin)
    rid = seed_referral(db, "cannabis")
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    with pytest.raises(ValidationError, match="already past"):
        svc.end_early(db, actor, aid, "hung up", call_back_at=NOW, now=NOW)
    svc.end_early(db, actor, aid, "had to go to work", call_back_at=CALL_BACK, now=NOW)
    detail = referral_view.open_referral(db, actor, rid, schemes)
    assert detail.call is not None and detail.call.state == "partial"
    assert "ended early: had to go to work" in detail.call.words
    assert "CALL-BACK AGREED Thu 03/12/2026 10:00" in detail.call.words
    timeline = [e.text for e in detail.timeline]
    assert any("had to go to work" in t and "Thu 03/12/2026 10:00" in t for t in timeline)
    with db.read() as session:
        assert session.exec(select(Note)).one().staff_id == actor.staff_id


def test_call_backs_are_due_on_their_day_in_the_workers_list(db, admin, schemes):
    actor = worker(db, admin)
    other = worker(db, admin, "olive")
    rid = seed_referral(db, "cannabis")
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    svc.end_early(db, actor, aid, "at work", call_back_at=CALL_BACK, now=NOW)
    assert record_svc.call_backs_due(db, actor, now=NOW) == []  # tomorrow: not yet
    (due,) = record_svc.call_backs_due(db, actor, now=datetime(2026, 12, 3, 8, tzinfo=UK))
    assert (due.referral_id, due.overdue) == (rid, False)
    assert "Sam1 Example" in due.words and "at work" in due.words
    late = record_svc.call_backs_due(db, actor, now=datetime(2026, 12, 4, 8, tzinfo=UK))
    assert late[0].overdue and late[0].words.startswith("OVERDUE")
    assert record_svc.call_backs_due(db, other, now=datetime(2026, 12, 3, 8, tzinfo=UK)) == []
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    outcome.complete(db, actor, aid, schemes)  # the call happened: nothing left to call back
    assert record_svc.call_backs_due(db, actor, now=datetime(2026, 12, 3, 8, tzinfo=UK)) == []
    with db.read() as session:
        assert session.get(Assessment, aid).call_back_at is None


def test_a_need_can_be_met_by_several_services(db, admin, schemes):
    actor = worker(db, admin)
    rid = seed_referral(db, "cannabis")
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    answer(db, actor, aid, "domestic_abuse_enquiry", {"q1": "yes", "q2": "yes", "q3": "yes"})
    answer(db, actor, aid, "dash", DASH_15)
    need = next(
        n for n in outcome.summary(db, actor, aid, schemes).needs if n.domain == "domestic_abuse"
    )
    services = directory.list_services(db, actor, "west_midlands", "domestic_abuse")
    first, second = services[0], services[1]
    outcome.set_need_action(db, actor, need.id, "referred", service_id=first.id)
    row = outcome.set_need_action(db, actor, need.id, "referred", service_id=second.id)
    assert [d.service_id for d in row.done] == [first.id, second.id]
    again = outcome.set_need_action(db, actor, need.id, "referred", service_id=second.id)
    assert len(again.done) == 2  # the same referral twice is one
    left = outcome.remove_need_action(db, actor, row.done[0].id)
    assert [d.service_id for d in left.done] == [second.id] and left.service_id == second.id


def _finished_call(db, actor, schemes) -> int:
    rid = seed_referral(db, "cocaine", n=3)
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    answer(db, actor, aid, "substance_use", {"q1": 8, "q2": "sniff", "q6": "never"}, "cocaine")
    answer(db, actor, aid, "sds", {"q1": 2, "q2": 1, "q3": 1, "q4": 1, "q5": 1}, "cocaine")
    answer(db, actor, aid, "audit_c", {"q1": 3, "q2": 1, "q3": 0})
    svc.tick_advice(db, actor, aid, "pair.cocaine_alcohol.cocaethylene")
    for instrument, answers in QUIET_MODULES.items():
        answer(db, actor, aid, instrument, answers)
    outcome.allocate(db, actor, aid, "one_to_one", schemes)
    return rid


def test_the_whole_call_reads_back_for_a_team_lead_and_prints(db, admin, schemes, tmp_path):
    actor = worker(db, admin)
    rid = _finished_call(db, actor, schemes)
    lead = add_staff(db, admin, "lena", Role.TEAM_LEAD, "a-long-password", forces=["west_midlands"])
    lead_actor = make_actor(Role.TEAM_LEAD, staff_id=lead.id)
    record = record_svc.read_record(db, lead_actor, rid)
    text = record_svc.record_text(record)
    for expected in (
        "SDS (cocaine) 6",
        "AUDIT-C 4",
        "2 to 3 times per week (3)",
        "Cocaine with alcohol: cocaethylene",
        "Suggested: one-to-one",
        "SDS 6 for cocaine, cut-off 3: possible dependence",
        "DRUG USE: done",
    ):
        assert expected in text, expected
    written = record_svc.export_record(db, lead_actor, rid, tmp_path / "case.txt")
    assert written.read_text() == text
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    demo = record_svc.export_record(
        db, make_actor(Role.TEAM_LEAD, staff_id=lead.id, demo=True), rid, tmp_path / "d.txt"
    )
    assert demo.name.startswith("DEMO-") and demo.read_text().startswith("DEMO")
