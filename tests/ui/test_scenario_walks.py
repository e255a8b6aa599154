"""Each trainer's scenario, loaded from the Scenarios screen and walked by keyboard as a drug
worker would, to the outcome its file documents (``[expect]``), checked in the database."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from divert_tui.core.models import (
    AdviceGiven,
    Allocation,
    Assessment,
    ContactAttempt,
    Need,
    Referral,
    SafeguardingConcern,
)
from divert_tui.core.services.contact_safety import contact_cautions
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import fill_demo
from divert_tui.demo.scenario_book import scenario
from divert_tui.screens.assessment.dialogs import SelfHarmProtocol
from divert_tui.screens.dialogs import ConfirmDialog, ContactAttemptDialog
from tests.ui import assessment_driver as d
from tests.ui import scenario_walk as w
from tests.ui.conftest import TODAY
from tests.ui.test_demo_platform import pick_role

PGSI_ALL_ONE = ["2", "enter"] * 9  # "sometimes" to each: 9, and borrowed to gamble
DEBT_PRIORITY = ["1", "enter", "2", "enter", "2", "enter", "1", "enter"]


def screen_text(app: Any) -> str:
    return " ".join(str(w.render()) for w in app.screen.query("Static"))


async def full_call(pilot: Any, key: str) -> None:
    """The call each scenario's script leads to, from identity to the allocation."""
    await w.start_call(pilot)
    assert d.step_of(pilot.app) == "identity"
    await d.press(pilot, d.IDENTITY)
    use = {
        "cannabis_first_time": ("25", 1),
        "cocaine_alcohol": ("6", 2),
        "domestic_abuse": ("4", 4),
        "nitrous_b12": ("8", 4),
        "gambling_debt": ("10", 1),
        "ghb_mixing": ("2", 3),
    }[key]
    await d.press(pilot, d.substance_use(*use))
    assert d.step_of(pilot.app) == "severity"
    await d.press(pilot, d.SDS_SIX if key == "cocaine_alcohol" else d.SDS_ZERO)
    assert d.step_of(pilot.app) == "alcohol"
    if key == "cocaine_alcohol":
        await d.press(pilot, d.AUDIT_C_POSITIVE + d.AUDIT_REST_LOW)
    else:
        await d.press(pilot, d.AUDIT_C_LOW)
    answers = {
        "gambling_debt": {"gambling": PGSI_ALL_ONE, "debt": DEBT_PRIORITY},
        "domestic_abuse": {"domestic_abuse": d.DA_DISCLOSED + d.dash(15)},
    }.get(key, {})
    await w.screens(pilot, answers, set(scenario(key).expect.get("advice", ())))
    if key == "cocaine_alcohol":
        await w.refer_need(pilot, "drug_treatment")
    if key == "gambling_debt":
        await w.refer_need(pilot, "debt")
    await w.accept(pilot)


async def risk_protocol(pilot: Any) -> None:
    """Straight to mental health (F8 on the call), PHQ-9 item 9 at 2: the protocol."""
    await w.start_call(pilot)
    await d.press(pilot, ["f8", *["down"] * 7, "enter"])
    assert d.step_of(pilot.app) == "mental_health"
    await d.press(pilot, ["3", "enter", "3", "enter"] + ["1", "enter"] * 6 + ["3", "enter"])
    assert isinstance(pilot.app.screen, SelfHarmProtocol)
    await d.press(pilot, ["3", "enter"])  # a safety plan agreed with them
    assert not isinstance(pilot.app.screen, SelfHarmProtocol)


async def unsafe_number(pilot: Any) -> None:
    """The caution on the referral and on the call log; the call resumes where it stopped."""
    assert "NUMBER NOT SAFE" in screen_text(pilot.app)
    await pilot.press("l")
    await w.settle(pilot)
    assert isinstance(pilot.app.screen, ContactAttemptDialog)
    assert "NUMBER NOT SAFE" in str(pilot.app.screen.query_one("#caution").render())
    await pilot.press("escape")  # read the caution: no call made
    await w.settle(pilot)
    await w.start_call(pilot)  # she calls in: the call offers to carry on where it stopped
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await d.press(pilot, ["enter"])
    assert d.step_of(pilot.app) == "drug_use"


@pytest.fixture
def demo_app(db, make_app):
    fill_demo(db, 12, today=TODAY)
    return make_app(demo=True)


@pytest.mark.parametrize("key", w.KEYS)
async def test_each_scenario_walks_to_its_outcome(db, demo_app, key) -> None:
    case = scenario(key)
    expect = case.expect
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await pick_role(pilot, Role.WORKER)
        referral_screen = await w.load_and_open(pilot, key)
        rid = referral_screen.referral_id
        if "eligibility" in expect:
            assert expect["eligibility"] in screen_text(demo_app)
        if key == "self_harm_risk":
            await risk_protocol(pilot)
        elif key == "number_not_safe":
            await unsafe_number(pilot)
        elif key not in ("under_a_bar", "repeat_referral"):
            await full_call(pilot, key)
    with db.read() as session:
        referral = session.get(Referral, rid)
        assert referral is not None
        person = referral.person_id
        if "status" in expect:
            assert referral.status == expect["status"]
        if "allocation" in expect:
            allocation = session.exec(select(Allocation).where(Allocation.referral_id == rid)).one()
            assert allocation.chosen == expect["allocation"]
        calls = select(Assessment.id).where(Assessment.referral_id == rid)
        given = set(
            session.exec(
                select(AdviceGiven.advice_id).where(col(AdviceGiven.assessment_id).in_(calls))
            ).all()
        )
        assert set(expect.get("advice", ())) <= given
        concerns = session.exec(
            select(SafeguardingConcern.type).where(SafeguardingConcern.referral_id == rid)
        ).all()
        assert set(expect.get("concerns", ())) <= set(concerns)
        needs = session.exec(select(Need).where(col(Need.assessment_id).in_(calls))).all()
        assert set(expect.get("needs", ())) <= {n.domain for n in needs}
        referred = {n.domain for n in needs if n.action == "referred"}
        assert set(expect.get("referred", ())) <= referred
        if "eligibility" in expect:
            assert (referral.eligibility_note or "").startswith(expect["eligibility"])
        if "caution" in expect:
            assert contact_cautions(session, [person])[person].text.startswith(expect["caution"])
            made = session.exec(select(ContactAttempt).where(ContactAttempt.referral_id == rid))
            assert len(made.all()) == 1, "no call made to a number that is not safe"
