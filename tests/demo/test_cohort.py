"""The synthetic cohort: reproducible, shaped like the scheme's work, and consistent."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import func, select

from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent, Note, utcnow
from divert_tui.core.rules.calendar import first_contact_due, working_days_between
from divert_tui.core.rules.eligibility import bar_end
from divert_tui.core.rules.lifecycle import MOVES
from divert_tui.core.services.settings import is_demo_database
from divert_tui.core.services.staff import add_staff
from divert_tui.core.vocab import (
    CLOSED_STATUSES,
    OFFICER_OBSERVED_ETHNICITY,
    SELF_DEFINED_ETHNICITY,
    SUBSTANCES,
    ReferralStatus,
    Role,
)
from divert_tui.demo import data
from divert_tui.demo.cohort import DEFAULT_TODAY, DemoRefused, fill_demo
from divert_tui.demo.scenarios import SCENARIOS
from tests.demo.helpers import dicts, dump, empty, rows

LONDON = ZoneInfo("Europe/London")
N = 600


@pytest.fixture
def cohort(db: Database):
    summary = fill_demo(db, N)
    return db, summary


def local_day(moment) -> date:
    return moment.astimezone(LONDON).date()


def test_same_seed_same_rows_other_seed_other_rows(db: Database) -> None:
    fill_demo(db, 300, seed=7)
    first = dump(db)
    empty(db)
    fill_demo(db, 300, seed=7)
    assert dump(db) == first
    empty(db)
    fill_demo(db, 300, seed=8)
    other = dump(db)
    assert other["person"] != first["person"]
    assert other["referral"] != first["referral"]


def test_shape_of_the_cohort(cohort) -> None:
    db, summary = cohort
    referrals = dicts(db, "referral")
    assert len(referrals) == N == summary.tables["referral"]
    mains = Counter(r["main_substance"] for r in referrals)
    assert 0.80 <= mains["cannabis"] / N <= 0.85
    assert 0.05 <= mains["cocaine"] / N <= 0.10
    assert {"crack_cocaine", "nitrous_oxide", "ketamine", "mdma"} <= set(mains)
    two = sum(1 for r in referrals if ";" in r["substances"])
    assert 0.03 <= two / N <= 0.15
    for r in referrals:
        assert all(code in SUBSTANCES for code in r["substances"].split(";"))
        assert r["substances"].split(";")[0] == r["main_substance"]

    forces = Counter(r["force_code"] for r in referrals)
    order = [code for code, _ in forces.most_common()]
    assert order == ["west_midlands", "west_mercia", "staffordshire", "warwickshire"]

    statuses = Counter(r["status"] for r in referrals)
    assert set(statuses) == set(ReferralStatus)
    assert summary.statuses == dict(statuses)
    old = [r for r in referrals if local_day(r["referred_at"]) < DEFAULT_TODAY - timedelta(120)]
    old_statuses = Counter(r["status"] for r in old)
    assert set(old_statuses) <= set(CLOSED_STATUSES)
    assert 0.50 <= old_statuses["completed"] / len(old) <= 0.62
    assert 0.12 <= old_statuses["non_compliant"] / len(old) <= 0.20
    assert old_statuses["withdrawn"] and old_statuses["ineligible"]
    days = [local_day(r["referred_at"]) for r in referrals]
    assert min(days) >= DEFAULT_TODAY - timedelta(days=730)
    assert max(days) == DEFAULT_TODAY
    assert any(r["status"] == "received" and r["assigned_worker_id"] is None for r in referrals)

    pattern = {
        force: re.compile(rf"^{prefix}/20\d\d/\d{{6}}$")
        for force, prefix in data.FORCE_PREFIX.items()
    }
    assert all(pattern[r["force_code"]].match(r["police_reference"]) for r in referrals)
    keys = [(r["force_code"], r["police_reference"]) for r in referrals]
    assert len(set(keys)) == len(keys)


def test_people(cohort) -> None:
    db, _ = cohort
    people = {p["id"]: p for p in dicts(db, "person")}
    referrals = dicts(db, "referral")
    first_referral: dict[int, date] = {}
    for r in referrals:
        day = local_day(r["referred_at"])
        first_referral[r["person_id"]] = min(day, first_referral.get(r["person_id"], day))
    sexes = Counter(p["sex"] for p in people.values())
    assert 0.80 <= sexes["male"] / len(people) <= 0.90
    ages = []
    for pid, day in first_referral.items():
        born = people[pid]["date_of_birth"]
        ages.append(day.year - born.year - ((day.month, day.day) < (born.month, born.day)))
    assert min(ages) >= 18 and max(ages) <= 60
    assert sum(1 for a in ages if a <= 30) / len(ages) >= 0.6
    for p in people.values():
        assert p["self_defined_ethnicity"] in SELF_DEFINED_ETHNICITY
        assert p["officer_observed_ethnicity"] in OFFICER_OBSERVED_ETHNICITY
        assert p["phone"] is None or re.fullmatch(r"\+447700900\d{3}", p["phone"])
        if p["postcode"]:
            area = re.match(r"[A-Z]+", p["postcode"]).group()
            assert area in {"B", "CV", "WS", "WV", "DY", "ST", "WR", "HR", "TF", "SY", "DE"}
            assert re.fullmatch(r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}", p["postcode"])
        assert p["first_name_key"] == re.sub(r"[^a-z]", "", p["first_name"].lower())
    white_british = sum(1 for p in people.values() if p["self_defined_ethnicity"] == "W1")
    assert 0.45 <= white_british / len(people) <= 0.70
    per_person = Counter(r["person_id"] for r in referrals)
    assert max(per_person.values()) in (2, 3)
    assert sum(1 for n in per_person.values() if n > 1) >= 10

    for scenario in SCENARIOS:
        (person,) = [
            p
            for p in people.values()
            if (p["first_name"], p["last_name"]) == (scenario.first_name, scenario.last_name)
        ]
        (referral,) = [r for r in referrals if r["person_id"] == person["id"]]
        assert referral["status"] == "received"
        assert local_day(referral["referred_at"]) == DEFAULT_TODAY
    staff = dicts(db, "staff")
    first_wm_worker = staff[0]
    assert first_wm_worker["role"] == "worker"
    assert {r["assigned_worker_id"] for r in referrals[-len(SCENARIOS) :]} == {
        first_wm_worker["id"]
    }


def test_staff(cohort) -> None:
    db, _ = cohort
    staff = dicts(db, "staff")
    links = defaultdict(set)
    for staff_id, force_code in rows(db, "staff_force"):
        links[staff_id].add(force_code)
    roles = Counter(s["role"] for s in staff)
    assert roles["team_lead"] == 4 and roles["trainer"] == 1 and roles["admin"] == 1
    for force in data.FORCE_WEIGHTS:
        workers = [s for s in staff if s["role"] == "worker" and links[s["id"]] == {force}]
        assert 2 <= len(workers) <= 3
    hasher = PasswordHasher()
    for s in staff:
        assert re.fullmatch(r"[a-z]\.[a-z]+\d*", s["username"])
        assert s["password_hash"].startswith("$argon2id$")
        with pytest.raises(VerificationError):
            hasher.verify(s["password_hash"], "password")
    assert is_demo_database(db)
    with db.read() as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert actions == ["demo.fill"]


def test_history_is_consistent(cohort) -> None:
    db, _ = cohort
    referrals = {r["id"]: r for r in dicts(db, "referral")}
    by_referral = {
        name: defaultdict(list)
        for name in (
            "status_change",
            "contact_attempt",
            "allocation",
            "booking",
            "intelligence_log",
            "assessment",
        )
    }
    for name, groups in by_referral.items():
        for row in dicts(db, name):
            groups[row["referral_id"]].append(row)
    sessions = {s["id"]: s for s in dicts(db, "course_session")}
    groups = {g["id"]: g for g in dicts(db, "course_group")}
    assert {g["code"] for g in groups.values()} >= {
        "cannabis",
        "cocaine",
        "nitrous_oxide",
        "general",
    }
    bar_seen = False
    on_time: list[bool] = []
    for rid, r in referrals.items():
        changes = sorted(by_referral["status_change"][rid], key=lambda c: (c["at"], c["id"]))
        assert changes[0]["from_status"] is None and changes[0]["to_status"] == "received"
        for before, after in zip(changes, changes[1:], strict=False):
            assert after["from_status"] == before["to_status"]
            assert after["to_status"] in MOVES[ReferralStatus(before["to_status"])]
        assert changes[-1]["to_status"] == r["status"]
        assert r["first_contact_due"] == first_contact_due(local_day(r["referred_at"]), 2)
        attempts = by_referral["contact_attempt"][rid]
        if attempts:
            first = min(a["attempted_at"] for a in attempts)
            assert r["first_contact_at"] == first
            assert working_days_between(local_day(r["referred_at"]), local_day(first)) <= 5
            on_time.append(local_day(first) <= r["first_contact_due"])
        else:
            assert r["first_contact_at"] is None
        assert (r["closed_at"] is not None) == (r["status"] in CLOSED_STATUSES)
        logs = by_referral["intelligence_log"][rid]
        bookings = by_referral["booking"][rid]
        if r["status"] == "non_compliant":
            (log,) = logs
            assert log["bar_until"] == bar_end(local_day(r["closed_at"]), 12)
            assert log["person_id"] == r["person_id"]
        else:
            assert not logs
        if r["status"] in ("allocated", "booked", "completed"):
            (allocation,) = by_referral["allocation"][rid]
            (assessment,) = by_referral["assessment"][rid]
            assert assessment["completed_at"] is not None
            if allocation["chosen"] != "one_to_one":
                for booking in bookings:
                    group = groups[sessions[booking["session_id"]]["group_id"]]
                    assert group["path"] == allocation["chosen"]
        if r["status"] == "completed":
            assert [b["status"] for b in bookings][-1] == "completed"
        if r["status"] == "booked":
            assert bookings[-1]["status"] == "booked"
        if r["status"] in ("received", "contacting"):
            assert not bookings and not by_referral["allocation"][rid]
        if r["eligibility_note"] and r["eligibility_note"].startswith("not eligible until"):
            bar_seen = True
            assert r["status"] == "ineligible"
            earlier = [
                o
                for o in referrals.values()
                if o["person_id"] == r["person_id"] and o["status"] == "non_compliant"
            ]
            assert earlier and min(o["referred_at"] for o in earlier) < r["referred_at"]
    assert bar_seen, "a barred person referred again and found ineligible"
    assert sum(on_time) / len(on_time) >= 0.75
    one_to_one = sum(1 for a in dicts(db, "allocation") if a["chosen"] == "one_to_one")
    assert 0.10 <= one_to_one / len(dicts(db, "allocation")) <= 0.22
    outcomes = Counter(a["outcome"] for a in dicts(db, "contact_attempt"))
    assert {"answered", "no_answer", "voicemail", "declined"} <= set(outcomes)
    places = Counter(b["session_id"] for b in dicts(db, "booking"))
    assert all(places[sid] <= s["capacity"] for sid, s in sessions.items())


def test_app_can_add_rows_after_a_fill(cohort) -> None:
    """Ids were set by the fill: later inserts (PostgreSQL sequences too) must not collide."""
    db, _ = cohort
    with db.write() as session:
        session.add(Note(referral_id=1, text="after the fill", created_at=utcnow()))
    with db.read() as session:
        assert session.execute(select(func.count()).select_from(Note)).scalar_one() > 1


def test_refuses_a_database_with_staff(db: Database, admin) -> None:
    add_staff(db, admin, "real.admin", Role.ADMIN, "a long enough password")
    with pytest.raises(DemoRefused, match="holds real data"):
        fill_demo(db, 50)
    assert not is_demo_database(db)
    assert dump(db)["referral"] == []


def test_refuses_a_second_fill(db: Database) -> None:
    fill_demo(db, 50)
    before = dump(db)
    with pytest.raises(DemoRefused, match="already filled"):
        fill_demo(db, 50)
    assert dump(db) == before


def test_refuses_a_silly_size(db: Database) -> None:
    with pytest.raises(DemoRefused):
        fill_demo(db, 0)


def test_small_cohorts_skip_the_scripted_people(db: Database) -> None:
    summary = fill_demo(db, 5)
    assert summary.tables["referral"] == 5
    names = {(p["first_name"], p["last_name"]) for p in dicts(db, "person")}
    assert not names & {(s.first_name, s.last_name) for s in SCENARIOS}
