"""The assessment services: each answer committed, follow-ups, safety, needs, allocation."""

from __future__ import annotations

import pytest
from sqlmodel import select

from divert_tui.core.models import (
    AdviceGiven,
    Allocation,
    AuditEvent,
    InstrumentResponse,
    Need,
    Referral,
    SubstanceUse,
)
from divert_tui.core.services import assessment as svc
from divert_tui.core.services import assessment_outcome as outcome
from divert_tui.core.services import assessment_safety as safety
from divert_tui.core.services import directory
from divert_tui.core.services.base import PermissionDenied, ServiceError, ValidationError
from divert_tui.core.vocab import Role
from tests.assessment.helpers import (
    DASH_15,
    IDENTITY_OK,
    QUIET_MODULES,
    TODAY,
    answer,
    seed_referral,
    worker,
)
from tests.conftest import make_actor


def quiet_call(db, actor, aid, skip=()):
    for instrument, answers in QUIET_MODULES.items():
        if instrument not in skip:
            answer(db, actor, aid, instrument, answers)


def test_start_prefills_the_officers_substances_and_moves_to_contacting(db, admin, schemes):
    actor = worker(db, admin)
    rid = seed_referral(db, "cocaine;cannabis")
    view = svc.start_or_resume(db, actor, rid, schemes)
    assert view.substances == ("cocaine", "cannabis")
    assert view.main_substance == "cocaine"
    assert view.referral_status == "contacting"
    again = svc.start_or_resume(db, actor, rid, schemes)
    assert again.id == view.id  # resumes, never a second assessment


def test_each_answer_is_committed_with_its_derived_score(db, admin, schemes):
    actor = worker(db, admin)
    rid = seed_referral(db, "cocaine")
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    answer(db, actor, aid, "audit_c", {"q1": 2, "q2": 2})
    with db.read() as session:
        row = session.exec(select(InstrumentResponse)).one()
        assert row.answers == {"q1": 2, "q2": 2}
        assert (row.total, row.completed, row.instrument_version) == (4, False, "2")
    view = answer(db, actor, aid, "audit_c", {"q3": 1})
    assert view.stored("audit_c").completed
    # AUDIT-C 5: the full AUDIT is due, carrying the three answers over
    refs = [r.instrument for r in svc.flow.forms_for("alcohol", view.facts)]
    assert refs == ["audit_c", "audit"]
    view = answer(db, actor, aid, "audit", {"q4": 0})
    assert view.stored("audit").answers == {"q1": 2, "q2": 2, "q3": 1, "q4": 0}
    with db.read() as session:
        actions = session.exec(select(AuditEvent.action, AuditEvent.detail)).all()
    assert ("assessment.answer", "audit/q4") in actions


def test_a_bad_answer_is_refused_and_nothing_changes(db, admin, schemes):
    actor = worker(db, admin)
    aid = svc.start_or_resume(db, actor, seed_referral(db), schemes).id
    with pytest.raises(ValidationError):
        svc.save_answer(db, actor, aid, "audit_c", "", "q1", 9)
    with pytest.raises(ValidationError):
        svc.save_answer(db, actor, aid, "audit", "", "q4", 1)  # not due yet
    with db.read() as session:
        assert session.exec(select(InstrumentResponse)).all() == []


def test_another_forces_worker_is_refused(db, admin, schemes):
    actor = worker(db, admin)
    aid = svc.start_or_resume(db, actor, seed_referral(db), schemes).id
    stranger = make_actor(Role.WORKER, forces=("staffordshire",))
    with pytest.raises(PermissionDenied):
        svc.save_answer(db, stranger, aid, "audit_c", "", "q1", 0)


def test_self_harm_blocks_everything_until_the_action_is_recorded(db, admin, schemes):
    actor = worker(db, admin)
    aid = svc.start_or_resume(db, actor, seed_referral(db), schemes).id
    answer(db, actor, aid, "phq2", {"q1": 2, "q2": 2})
    answer(db, actor, aid, "phq9", {f"q{n}": 1 for n in range(3, 10)})
    with pytest.raises(ServiceError, match="self-harm"):
        svc.save_answer(db, actor, aid, "housing", "", "q2", "no")
    with pytest.raises(ServiceError, match="self-harm"):
        svc.go_to_step(db, actor, aid, "housing")
    with pytest.raises(ServiceError, match="self-harm"):
        svc.end_early(db, actor, aid, "hung up")
    with pytest.raises(ValidationError):
        safety.record_self_harm_action(db, actor, aid, "")
    view = safety.record_self_harm_action(
        db, actor, aid, "crisis_lines_safety_plan", notes="agreed to call GP", today=TODAY
    )
    assert view.facts.self_harm_recorded
    svc.go_to_step(db, actor, aid, "housing")
    (concern,) = safety.concerns_of(db, actor, aid)
    assert concern.type == "self_harm" and concern.follow_up_due is not None


def test_dash_of_15_raises_a_marac_concern_once(db, admin, schemes):
    actor = worker(db, admin)
    aid = svc.start_or_resume(db, actor, seed_referral(db, "nitrous_oxide"), schemes).id
    answer(db, actor, aid, "domestic_abuse_enquiry", {"q1": "yes", "q2": "yes", "q3": "yes"})
    answer(db, actor, aid, "dash", DASH_15)
    answer(db, actor, aid, "dash", {"q1": "yes"})  # saved again: still one concern
    concerns = safety.concerns_of(db, actor, aid)
    assert [c.type for c in concerns] == ["marac"]
    assert "Dash 15" in concerns[0].detail and concerns[0].follow_up_due is not None
    answer(db, actor, aid, "dash", {"q15": "no", "q14": "no"})  # corrected: 13 yes
    concerns = safety.concerns_of(db, actor, aid)
    assert concerns[0].closed_at is not None


def test_whole_call_cocaine_with_alcohol_sds_6_goes_one_to_one(db, admin, schemes):
    actor = worker(db, admin)
    rid = seed_referral(db, "cocaine")
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    answer(
        db,
        actor,
        aid,
        "substance_use",
        {"q1": 8, "q2": "sniff", "q6": "never"},
        subject="cocaine",
    )
    answer(db, actor, aid, "sds", {"q1": 2, "q2": 1, "q3": 1, "q4": 1, "q5": 1}, subject="cocaine")
    view = answer(db, actor, aid, "audit_c", {"q1": 3, "q2": 1, "q3": 0})
    pairs, mixing, per_substance = svc.mixing_and_advice(view)
    assert [p.key for p in pairs] == ["alcohol+cocaine"]
    assert "pair.cocaine_alcohol.cocaethylene" in [i.id for i in mixing]
    svc.tick_advice(db, actor, aid, "pair.cocaine_alcohol.cocaethylene")
    svc.tick_advice(db, actor, aid, "cocaine.heart")
    quiet_call(db, actor, aid)
    summary = outcome.summary(db, actor, aid, schemes)
    assert summary.suggestion.path.value == "one_to_one"
    assert "SDS 6 for cocaine, cut-off 3: possible dependence" in summary.suggestion.reasons
    drug = next(n for n in summary.needs if n.domain == "drug_treatment")
    services = directory.list_services(db, actor, "west_midlands", "drug_treatment")
    assert any(s.name == "FRANK" for s in services)
    outcome.set_need_action(db, actor, drug.id, "referred", service_id=services[0].id)
    outcome.allocate(db, actor, aid, "one_to_one", schemes)
    with db.read() as session:
        assert session.get(Referral, rid).status == "allocated"
        allocation = session.exec(select(Allocation)).one()
        assert (allocation.suggested, allocation.chosen) == ("one_to_one", "one_to_one")
        need = session.exec(select(Need).where(Need.domain == "drug_treatment")).one()
        assert (need.action, need.status) == ("referred", "made")
        use = session.exec(select(SubstanceUse)).one()
        assert (use.days_used_28, use.route, use.is_main) == (8, "sniff", True)
        given = session.exec(select(AdviceGiven.advice_id)).all()
        assert set(given) == {"pair.cocaine_alcohol.cocaethylene", "cocaine.heart"}
    with pytest.raises(ServiceError):
        svc.save_answer(db, actor, aid, "housing", "", "q2", "yes")  # completed: closed


def test_choosing_otherwise_needs_a_reason(db, admin, schemes):
    actor = worker(db, admin)
    rid = seed_referral(db, "cannabis")
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    with pytest.raises(ValidationError, match="cannabis group"):
        outcome.allocate(db, actor, aid, "one_to_one", schemes)
    outcome.allocate(
        db,
        actor,
        aid,
        "one_to_one",
        schemes,
        override_reason="works nights",
        acknowledge_unscreened=True,
    )
    with db.read() as session:
        row = session.exec(select(Allocation)).one()
        assert (row.suggested, row.chosen, row.override_reason) == (
            "group_cannabis",
            "one_to_one",
            "works nights",
        )


def test_end_early_then_resume_keeps_everything(db, admin, schemes):
    actor = worker(db, admin)
    rid = seed_referral(db, "ketamine")
    aid = svc.start_or_resume(db, actor, rid, schemes).id
    answer(db, actor, aid, "identity_check", IDENTITY_OK)
    svc.mark_item(db, actor, aid, "substance_use", "ketamine", "q1")
    svc.go_to_step(db, actor, aid, "drug_use")
    svc.end_early(db, actor, aid, "person hung up")
    view = svc.start_or_resume(db, actor, rid, schemes)
    assert view.id == aid and view.resumable and view.current_step == "drug_use"
    assert view.ended_early_reason == "person hung up"
    assert view.stored("substance_use", "ketamine").marked == ("q1",)
    assert view.stored("identity_check").answers == IDENTITY_OK


def test_service_directory_sync_is_idempotent_and_keeps_admin_edits(db, admin):
    added = directory.sync_services(db, ["west_midlands"])
    assert added > 20
    assert directory.sync_services(db, ["west_midlands"]) == 0
    actor = worker(db, admin)
    local = [s for s in directory.list_services(db, actor, "west_midlands") if s.placeholder]
    assert local
    directory.update_service(db, admin, local[0].id, name="Change Grow Live", contact="0121 000")
    directory.sync_services(db, ["west_midlands"])
    entry = next(
        s for s in directory.list_services(db, actor, "west_midlands") if s.id == local[0].id
    )
    assert (entry.name, entry.placeholder) == ("Change Grow Live", False)
    with pytest.raises(PermissionDenied):
        directory.update_service(db, actor, local[0].id, name="x")
