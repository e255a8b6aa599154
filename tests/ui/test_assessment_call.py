"""A whole call by keyboard, for three people, checking what ends up in the database."""

from __future__ import annotations

from sqlmodel import select

from divert_tui.core.models import (
    AdviceGiven,
    Allocation,
    InstrumentResponse,
    Need,
    Referral,
    SafeguardingConcern,
    SubstanceUse,
)
from divert_tui.screens.assessment import AssessmentScreen
from tests.assessment.helpers import seed_referral
from tests.ui import assessment_driver as d
from tests.ui.conftest import log_in


async def open_call(pilot, referral_id: int) -> AssessmentScreen:
    await log_in(pilot)
    screen = AssessmentScreen(referral_id)
    await pilot.app.push_screen(screen)
    await d.settle(pilot)
    return screen


def step_states(pilot) -> dict[str, str]:
    return {s.id: s.state for s in pilot.app.screen.view.steps}


async def common_middle(pilot) -> None:
    """Mixing and advice (tick the first item of each), then the quiet modules to safeguarding."""
    assert d.step_of(pilot.app) == "mixing"
    await d.press(pilot, ["space", "ctrl+down"])
    assert d.step_of(pilot.app) == "advice"
    assert step_states(pilot)["mixing"] == "done"  # the step left is done, not the one entered
    assert step_states(pilot)["advice"] == "not_started"
    await d.press(pilot, ["space", "ctrl+down"])
    assert d.step_of(pilot.app) == "gambling"
    assert step_states(pilot)["advice"] == "done"
    await d.press(pilot, d.PGSI_NONE)
    assert d.step_of(pilot.app) == "mental_health"
    await d.press(pilot, d.PHQ2_GAD2_NONE)
    assert d.step_of(pilot.app) == "domestic_abuse"


async def common_end(pilot) -> None:
    for step, keys in (
        ("housing", d.HOUSING),
        ("exploitation", d.EXPLOITATION_NONE),
        ("safeguarding", d.SAFEGUARDING_NONE),
        ("employment", d.EMPLOYMENT),
        ("debt", d.DEBT_NONE),
    ):
        assert d.step_of(pilot.app) == step
        await d.press(pilot, keys)
    assert d.step_of(pilot.app) == "summary"


async def test_cannabis_lower_risk_goes_to_the_cannabis_group(db, make_app, worker):
    rid = seed_referral(db, "cannabis")
    app = make_app()
    async with app.run_test(size=(150, 50)) as pilot:
        await open_call(pilot, rid)
        assert d.step_of(app) == "identity"
        await d.press(pilot, d.IDENTITY)
        assert d.step_of(app) == "drug_use"
        await d.press(pilot, d.substance_use("12", 1))
        assert d.step_of(app) == "severity"
        await d.press(pilot, d.SDS_ZERO)
        await d.press(pilot, d.AUDIT_C_LOW)
        await common_middle(pilot)
        await d.press(pilot, d.DA_NONE)
        await common_end(pilot)
        await d.press(pilot, ["ctrl+y"])
    with db.read() as session:
        assert session.get(Referral, rid).status == "allocated"
        allocation = session.exec(select(Allocation)).one()
        assert (allocation.suggested, allocation.chosen) == ("group_cannabis", "group_cannabis")
        responses = {r.instrument_id: r for r in session.exec(select(InstrumentResponse))}
        assert set(responses) >= {
            "identity_check",
            "substance_use",
            "sds",
            "audit_c",
            "pgsi",
            "phq2",
            "gad2",
            "domestic_abuse_enquiry",
            "housing",
            "exploitation",
            "safeguarding",
            "employment",
            "debt",
        }
        assert "audit" not in responses and "phq9" not in responses
        assert all(r.completed for r in responses.values())
        assert responses["sds"].total == 0 and responses["sds"].context == {"substance": "cannabis"}
        use = session.exec(select(SubstanceUse)).one()
        assert (use.substance, use.days_used_28, use.route) == ("cannabis", 12, "smoke")
        assert len(session.exec(select(AdviceGiven)).all()) == 2
        assert session.exec(select(SafeguardingConcern)).all() == []


async def test_cocaine_with_alcohol_and_sds_6_goes_one_to_one(db, make_app, worker):
    rid = seed_referral(db, "cocaine", n=2)
    app = make_app()
    async with app.run_test(size=(150, 50)) as pilot:
        await open_call(pilot, rid)
        await d.press(pilot, d.IDENTITY)
        await d.press(pilot, d.substance_use("6", 2))
        await d.press(pilot, d.SDS_SIX)
        assert d.step_of(app) == "alcohol"
        await d.press(pilot, d.AUDIT_C_POSITIVE)
        screen = app.screen
        assert screen.step == "alcohol" and screen.ref.instrument == "audit"  # follow-up
        await d.press(pilot, d.AUDIT_REST_LOW)
        assert "Cocaine" in str(screen.query_one("#advice-list").get_option_at_index(0).prompt)
        await common_middle(pilot)
        await d.press(pilot, d.DA_NONE)
        await common_end(pilot)
        summary = screen.summary
        assert "SDS 6 for cocaine, cut-off 3: possible dependence" in summary.suggestion.reasons
        # The first need (drug treatment): referred (3) to the first service listed (1).
        await d.press(pilot, ["enter", "3", "1"])
        await d.press(pilot, ["ctrl+y"])
    with db.read() as session:
        needs = {n.domain: n for n in session.exec(select(Need))}
        assert needs["drug_treatment"].action == "referred"
        assert needs["drug_treatment"].service_id is not None
        assert needs["drug_treatment"].status == "made"
        assert needs["alcohol"].action is None
        assert session.get(Referral, rid).status == "allocated"
        allocation = session.exec(select(Allocation)).one()
        assert (allocation.suggested, allocation.chosen) == ("one_to_one", "one_to_one")
        assert "SDS 6 for cocaine, cut-off 3: possible dependence" in allocation.reasons
        responses = {r.instrument_id: r for r in session.exec(select(InstrumentResponse))}
        assert responses["sds"].total == 6 and responses["sds"].positive
        assert responses["audit_c"].total == 6
        assert responses["audit"].answers["q1"] == 3 and responses["audit"].completed
        given = set(session.exec(select(AdviceGiven.advice_id)).all())
        assert "pair.cocaine_alcohol.cocaethylene" in given


async def test_nitrous_oxide_with_a_dash_of_15_goes_one_to_one_with_a_marac_concern(
    db, make_app, worker
):
    rid = seed_referral(db, "nitrous_oxide", n=3)
    app = make_app()
    async with app.run_test(size=(150, 50)) as pilot:
        await open_call(pilot, rid)
        await d.press(pilot, d.IDENTITY)
        await d.press(pilot, d.substance_use("4", 4))
        await d.press(pilot, d.SDS_ZERO)
        await d.press(pilot, d.AUDIT_C_LOW)
        await common_middle(pilot)
        await d.press(pilot, d.DA_DISCLOSED)
        assert app.screen.ref.instrument == "dash"
        await d.press(pilot, d.dash(15))
        await common_end(pilot)
        summary = app.screen.summary
        assert [c.type for c in summary.concerns] == ["marac"]
        await d.press(pilot, ["ctrl+y"])
    with db.read() as session:
        assert session.get(Referral, rid).status == "allocated"
        allocation = session.exec(select(Allocation)).one()
        assert allocation.chosen == "one_to_one"
        assert any("Dash 15" in r for r in allocation.reasons)
        concern = session.exec(select(SafeguardingConcern)).one()
        assert concern.type == "marac" and concern.follow_up_due is not None
        assert concern.closed_at is None and "Dash 15" in concern.detail
        dash = session.exec(
            select(InstrumentResponse).where(InstrumentResponse.instrument_id == "dash")
        ).one()
        assert (dash.total, dash.band) == (15, "high_risk") and "marac" in dash.flags
