"""The commissioner report on a hand-built cohort whose every figure is known."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from divert_tui.core.database import Database, upgrade
from divert_tui.core.models import AuditEvent
from divert_tui.core.rules.metrics import Period
from divert_tui.core.services.base import PermissionDenied, ValidationError
from divert_tui.core.services.reports import commissioner_report, evaluation_extract
from divert_tui.core.services.settings import sync_forces
from divert_tui.core.vocab import Role
from tests.conftest import make_actor
from tests.services.referral_helpers import staff
from tests.services.report_cohort import PERIOD, build_cohort


@pytest.fixture
def cohort(db: Database) -> Database:
    build_cohort(db)
    return db


def west_midlands(db, schemes, admin):
    published = commissioner_report(db, admin, schemes, PERIOD, force="west_midlands")
    (figures,) = published.figures
    return published, figures


def test_every_count_matches_the_cohort(cohort, schemes, admin):
    _, f = west_midlands(cohort, schemes, admin)
    assert f.referrals == 7  # R7 falls on 31 Dec 2025; R8 is West Mercia's; R10 is 2025's
    assert f.counts == {
        "referrals": 7,
        "first_contact_attempted": 4,  # R1 R2 R3 R5
        "contacted": 3,  # R1 and R2 answered, R5 declined; R3 only voicemails
        "assessed": 2,
        "booked": 2,  # R9's only booking was cancelled
        "attended": 2,
        "completed": 1,
        "non_compliant": 2,
        "barred": 2,
        "ineligible": 1,
        "repeat_referrals": 2,  # R4 (A had R1) and R6 (E had R10 in 2025)
        "first_contact_within_standard": 3,  # all but R3
    }


def test_breakdowns_match_the_cohort(cohort, schemes, admin):
    _, f = west_midlands(cohort, schemes, admin)
    b = f.breakdowns
    nonzero = {name: {k: v for k, v in parts.items() if v} for name, parts in b.items()}
    assert nonzero["by_substance"] == {
        "cannabis": 4,
        "cocaine": 1,
        "nitrous_oxide": 1,
        "ketamine": 1,
    }
    # C is 18 the day before the 19th birthday; H is 22 the day before turning 23.
    assert nonzero["by_age_band"] == {"18_24": 2, "25_34": 1, "35_44": 3, "55_plus": 1}
    assert nonzero["by_sex"] == {"male": 4, "female": 2, "not_stated": 1}
    assert nonzero["by_ethnicity"] == {"White": 4, "Black": 1, "Asian": 1, "not_stated": 1}
    assert nonzero["by_ethnicity_detail"] == {"W1": 3, "W9": 1, "B1": 1, "A2": 1, "not_stated": 1}
    assert nonzero["by_officer_observed"] == {"IC1": 4, "IC3": 1, "IC4": 1, "not_recorded": 1}
    assert nonzero["allocations_by_route"] == {"group_cannabis": 1, "one_to_one": 1}
    assert nonzero["onward_referrals_by_need"] == {"mental_health": 2, "drug_treatment": 1}
    assert nonzero["safeguarding_by_type"] == {"children": 2, "self_harm": 1}


def test_timings_count_working_days_across_bank_holidays(cohort, schemes, admin):
    _, f = west_midlands(cohort, schemes, admin)
    # R1 1 day; R2 24 Dec -> 30 Dec is 2 (Christmas, Boxing Day moved to Monday 28th);
    # R5 2 Apr -> 8 Apr is 2 (Good Friday, Easter Monday); R3 Sunday -> Thursday is 4.
    assert sorted(f.days_to_first_contact) == [1, 2, 2, 4]
    assert f.median_working_days_to_first_contact == 2.0
    assert f.days_to_completion == [18]
    assert f.commissioned_places == 5000
    assert f.hours_saved == pytest.approx(6 * 4.25)  # seven referrals less one ineligible


def test_the_published_report_suppresses_every_small_count(cohort, schemes, admin):
    published, _ = west_midlands(cohort, schemes, admin)
    (entry,) = published.to_json()["forces"]
    assert entry["referrals"] == 7
    assert entry["contacted"] == "<5"
    assert entry["by_substance"]["cannabis"] == "<5"
    assert entry["by_substance"]["heroin"] == 0
    # 7 referrals of which one is ineligible: the hours would give the 1 away.
    assert entry["ineligible"] == "<5"
    assert entry["hours_saved"] == "[c]"
    assert entry["share_assessed"] == "[c]"
    assert entry["median_working_days_to_first_contact"] == "[c]"


def test_all_forces_come_last_and_each_force_counts_the_same_way(cohort, schemes, admin):
    published = commissioner_report(cohort, admin, schemes, PERIOD)
    forces = [f.force for f in published.figures]
    assert forces == [*sorted(schemes), "all"]
    by_force = {f.force: f.referrals for f in published.figures}
    assert by_force["west_midlands"] == 7 and by_force["west_mercia"] == 1
    assert by_force["all"] == 8
    document = published.to_json()
    assert document["forces"][-1]["force"] == "all"
    assert set(document) == {"from", "to", "forces", "disproportionality", "definitions"}
    assert document["from"] == "2026-01-01" and document["to"] == "2026-12-31"
    assert "referrals" in document["definitions"]


def test_a_lead_sees_only_their_forces(cohort, schemes, admin):
    lead = staff(cohort, admin, "lead1", Role.TEAM_LEAD, ("west_midlands",))
    published = commissioner_report(cohort, lead, schemes, PERIOD)
    assert [f.force for f in published.figures] == ["west_midlands"]
    with pytest.raises(PermissionDenied):
        commissioner_report(cohort, lead, schemes, PERIOD, force="west_mercia")
    with pytest.raises(PermissionDenied):
        evaluation_extract(cohort, lead, schemes, PERIOD, force="west_mercia")


def test_workers_and_trainers_on_live_data_see_no_reports(cohort, schemes):
    for actor in (make_actor(Role.WORKER), make_actor(Role.TRAINER)):
        with pytest.raises(PermissionDenied):
            commissioner_report(cohort, actor, schemes, PERIOD)


def test_an_unknown_force_is_named(cohort, schemes, admin):
    with pytest.raises(ValidationError, match="unknown force 'gotham'"):
        commissioner_report(cohort, admin, schemes, PERIOD, force="gotham")


def test_each_report_is_audited_once(cohort, schemes, admin):
    commissioner_report(cohort, admin, schemes, PERIOD, force="west_midlands")
    commissioner_report(cohort, admin, schemes, PERIOD, output="json", deliver=lambda _: "x.json")
    with cohort.read() as session:
        events = session.exec(
            select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
        ).all()
    assert [action for action, _ in events] == ["report.view", "report.export"]
    assert "forces=west_midlands" in events[0][1]
    assert "output=json" in events[1][1] and "file=x.json" in events[1][1]


def test_a_failed_delivery_leaves_no_export_event(cohort, schemes, admin):
    def broken(_published):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        commissioner_report(cohort, admin, schemes, PERIOD, output="csv", deliver=broken)
    with cohort.read() as session:
        assert session.exec(select(AuditEvent.id)).all() == []


def test_the_evaluation_extract_has_initials_never_names(cohort, schemes, admin):
    extract = evaluation_extract(cohort, admin, schemes, PERIOD, force="west_midlands")
    assert extract.count == 7
    first = extract.rows[0]
    assert first[1:8] == ("F", "L", "1990-05-01", "male", "west_midlands", "W1", "IC1")
    assert first[9:] == (
        "2026-03-02",
        "2026-03-03",
        "2026-03-03",
        "2026-03-20",
        "completed",
        "2026-03-20",
    )
    text = repr(extract.rows)
    assert "FirstA" not in text and "LastA" not in text and "07700" not in text
    assert "B1 1AA" not in text


def test_the_json_report_is_the_same_on_every_database(cohort, schemes, admin, tmp_path: Path):
    """The fixture database (PostgreSQL when DIVERT_TEST_DATABASE_URL is set) against SQLite."""
    sqlite = Database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        upgrade(sqlite)
        sync_forces(sqlite, schemes)
        build_cohort(sqlite)
        for period in (PERIOD, Period(PERIOD.start, PERIOD.start.replace(month=6, day=30))):
            here = commissioner_report(cohort, admin, schemes, period).to_json()
            there = commissioner_report(sqlite, admin, schemes, period).to_json()
            assert here == there
    finally:
        sqlite.dispose()


def _sums(entry):
    """The sums a reader can form from one force's entry: each breakdown of its referrals,
    referrals less ineligible ones behind the hours, ethnic detail within each group."""
    from divert_tui.core.rules.metrics.disparity import TOP_LEVEL_GROUPS
    from divert_tui.core.rules.metrics.figures import OF_REFERRALS

    for name in OF_REFERRALS:
        yield entry["referrals"], list(entry[name].values())
    for group, codes in TOP_LEVEL_GROUPS.items():
        yield entry["by_ethnicity"][group], [entry["by_ethnicity_detail"][c] for c in codes]


def test_no_published_sum_gives_a_withheld_number_away(cohort, schemes, admin):
    document = commissioner_report(cohort, admin, schemes, PERIOD).to_json()
    forces, everyone = document["forces"][:-1], document["forces"][-1]
    sums = [s for entry in document["forces"] for s in _sums(entry)]
    for key in ("referrals", "contacted", "assessed", "completed", "barred", "ineligible"):
        sums.append((everyone[key], [f[key] for f in forces]))
    for total, parts in sums:
        hidden = [p for p in parts if isinstance(p, str)]
        if isinstance(total, str):
            continue
        assert len(hidden) != 1, (total, parts)
        if hidden:  # what the hidden parts hold together must not be a small number
            assert total - sum(p for p in parts if isinstance(p, int)) >= 5, (total, parts)
