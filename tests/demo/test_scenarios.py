"""Trainers' scenarios: every file reads, loads into the demo and resets to its start."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
from sqlalchemy import func, select

from divert_tui.core.database import Database
from divert_tui.core.models import IntelligenceLog, Note, Person, Referral, StatusChange
from divert_tui.core.services.base import Actor, PermissionDenied
from divert_tui.core.services.contact_safety import contact_cautions
from divert_tui.core.services.staff import demo_actor
from divert_tui.core.vocab import Role
from divert_tui.demo.cohort import fill_demo
from divert_tui.demo.scenario_book import (
    SCENARIO_DIR,
    ScenarioFileError,
    all_scenarios,
    parse_scenario,
)
from divert_tui.demo.scenario_loader import load_scenario, scenario_referrals
from divert_tui.demo.scenarios import SCENARIOS

TODAY = date(2026, 11, 27)
ISSUE_CASES = {
    "cannabis_first_time",
    "cocaine_alcohol",
    "nitrous_b12",
    "domestic_abuse",
    "self_harm_risk",
    "under_a_bar",
    "repeat_referral",
    "gambling_debt",
    "ghb_mixing",
    "number_not_safe",
}


@pytest.fixture
def demo_db(db: Database) -> Database:
    fill_demo(db, 20, today=TODAY)
    return db


def count(db: Database, model: type, *where: object) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_the_ten_cases_are_there_and_the_scripted_people_are_three_of_them() -> None:
    keys = {s.key for s in all_scenarios()}
    assert keys == ISSUE_CASES
    assert {s.name for s in SCENARIOS} == {"Tyler Ashworth", "Callum Whitfield", "Amira Qureshi"}
    for case in all_scenarios():
        assert case.title and case.summary and case.outcome, case.key
        assert case.learner_sees and case.learner_does, case.key
        assert case.expect, case.key


def test_a_file_missing_a_field_is_named_in_the_message() -> None:
    with pytest.raises(ScenarioFileError, match="broken.toml: person: this field is required"):
        parse_scenario({"key": "x", "title": "x"}, "broken.toml")


@pytest.mark.parametrize("key", sorted(ISSUE_CASES))
def test_each_scenario_loads_and_a_reset_puts_it_back_in_one_piece(demo_db, schemes, key) -> None:
    actor = demo_actor(demo_db, Role.TRAINER)
    first = load_scenario(demo_db, actor, key, schemes, today=TODAY)
    case = next(s for s in all_scenarios() if s.key == key)
    expected_status = case.expect.get("status", "received")
    if expected_status in ("received", "ineligible", "contacting"):
        assert first.status == expected_status
    else:
        assert first.status == "received"  # the learner takes it from here
    if "eligibility" in case.expect:
        assert first.eligibility.startswith(case.expect["eligibility"])
    before = [count(demo_db, model) for model in (Person, Referral, StatusChange, Note)]
    again = load_scenario(demo_db, actor, key, schemes, today=TODAY)
    assert again.removed_referrals == 1 + len(case.earlier)
    assert [count(demo_db, model) for model in (Person, Referral, StatusChange, Note)] == before
    with demo_db.read() as session:
        referral = session.get(Referral, again.referral_id)
        assert referral is not None and referral.assigned_worker_id is not None
        person = session.get(Person, referral.person_id)
        assert (person.first_name, person.last_name) == (case.first_name, case.last_name)
    assert scenario_referrals(demo_db, TODAY)[key] == again.referral_id


def test_a_scripted_person_of_the_cohort_is_replaced_not_doubled(demo_db, schemes) -> None:
    actor = demo_actor(demo_db, Role.WORKER)
    tylers = Person.first_name == "Tyler"
    assert count(demo_db, Person, tylers) == 1
    loaded = load_scenario(demo_db, actor, "cannabis_first_time", schemes, today=TODAY)
    assert loaded.removed_referrals == 1
    assert count(demo_db, Person, tylers) == 1


def test_the_bar_is_explained_with_its_end_and_its_log(demo_db, schemes) -> None:
    actor = demo_actor(demo_db, Role.TRAINER)
    loaded = load_scenario(demo_db, actor, "under_a_bar", schemes, today=TODAY)
    assert loaded.status == "ineligible"
    assert loaded.eligibility.startswith("not eligible until ")
    assert "for non-compliance on" in loaded.eligibility
    assert "West Midlands scheme, 12-month bar" in loaded.eligibility
    assert count(demo_db, IntelligenceLog, IntelligenceLog.reason == "non_compliance") >= 1


def test_the_repeat_referral_is_matched_to_the_person_who_completed(demo_db, schemes) -> None:
    actor = demo_actor(demo_db, Role.TRAINER)
    loaded = load_scenario(demo_db, actor, "repeat_referral", schemes, today=TODAY)
    with demo_db.read() as session:
        referral = session.get(Referral, loaded.referral_id)
        earlier = session.exec(
            select(Referral.status).where(
                Referral.person_id == referral.person_id, Referral.id != referral.id
            )
        ).all()
    assert [s for (s,) in earlier] == ["completed"]
    assert loaded.status == "received" and loaded.eligibility.startswith("eligible")


def test_the_unsafe_number_shows_the_caution(demo_db, schemes) -> None:
    actor = demo_actor(demo_db, Role.TRAINER)
    loaded = load_scenario(demo_db, actor, "number_not_safe", schemes, today=TODAY)
    with demo_db.read() as session:
        person_id = session.get(Referral, loaded.referral_id).person_id
        caution = contact_cautions(session, [person_id])[person_id]
    assert not caution.calls_allowed
    assert caution.text.startswith("NUMBER NOT SAFE")


def test_a_live_database_refuses_scenarios(db, schemes) -> None:
    live = Actor(None, "cli:tests", Role.ADMIN, frozenset(), "tests", demo=False)
    with pytest.raises(PermissionDenied, match="only be loaded into the demo"):
        load_scenario(db, live, "cannabis_first_time", schemes, today=TODAY)
    demo_login = Actor(None, "cli:tests", Role.ADMIN, frozenset(), "tests", demo=True)
    with pytest.raises(PermissionDenied, match="only be loaded into the demo"):
        load_scenario(db, demo_login, "cannabis_first_time", schemes, today=TODAY)
    assert count(db, Person) == 0


def _with(person: dict[str, object]) -> dict[str, object]:
    case = next(s for s in all_scenarios() if s.key == "cannabis_first_time")
    data = tomllib.loads((SCENARIO_DIR / case.file).read_text())
    data["person"].update(person)
    return data


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ({"postcode": "B23 6QT"}, "person.postcode: 'B23 6QT' could be a real address"),
        ({"phone": "+447911123456"}, "person.phone: '\\+447911123456' could ring a real line"),
    ],
)
def test_a_scenario_with_contact_details_that_could_be_real_is_refused(person, message) -> None:
    with pytest.raises(ScenarioFileError, match=message):
        parse_scenario(_with(person), "01_tyler_ashworth.toml")
    assert parse_scenario(_with({}), "01_tyler_ashworth.toml").postcode == "B23 6QC"
