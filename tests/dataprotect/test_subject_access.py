"""Issue 13 item 3: a subject-access export of a hand-built person with every kind of
record: JSON with each, a letter in plain words, third-party free text under review,
owner-only files, an audit event."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from divert_tui.cli import main
from divert_tui.core.database import Database
from divert_tui.core.models import (
    AdviceGiven,
    Allocation,
    Assessment,
    AuditEvent,
    Booking,
    ContactAttempt,
    CourseGroup,
    CourseSession,
    InstrumentResponse,
    IntelligenceLog,
    Need,
    NeedService,
    Note,
    Person,
    PersonChange,
    Referral,
    SafeguardingConcern,
    Service,
    StatusChange,
    SubstanceUse,
)
from divert_tui.core.services import referral_view, subject_access
from divert_tui.core.services.base import Actor, PermissionDenied, ValidationError
from divert_tui.core.services.settings import mark_demo
from divert_tui.core.vocab import Role
from tests.assessment.helpers import worker

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
THIRD_PARTY = {
    "feed": "Found with her partner Jordan Blake, who drove off",
    "call": "Spoke to her mother Pat, who will pass on the message",
    "concern": "Two children at home, Mia (4) and Leo (7)",
    "note": "Her ex-partner Jordan Blake calls the house",
    "exploitation": "Older man called Dean asks her to hold packages",
    "status": "Withdrawn for now: staying with her sister Kim in Leeds",
}


def _build(db: Database, wendy: Actor) -> tuple[int, int]:
    """Dana Example with one referral holding one of everything."""
    with db.write() as s:
        person = Person(
            first_name="Dana", last_name="Example", first_name_key="dana", last_name_key="example",
            date_of_birth=date(1999, 4, 1), sex="female", self_defined_ethnicity="W1",
            officer_observed_ethnicity="IC1", phone="07700900123", postcode="B1 1AA",
        )  # fmt: skip
        s.add(person)
        s.flush()
        pid = person.id or 0
        referral = Referral(
            force_code="west_midlands", police_reference="WM/SAR/0001", person_id=pid,
            referred_at=datetime(2026, 3, 3, 10, tzinfo=UTC), offence_date=date(2026, 3, 2),
            substances="cannabis;cocaine", main_substance="cannabis", officer="PC Patel",
            location="New Street", feed_notes=THIRD_PARTY["feed"], status="booked",
            assigned_worker_id=wendy.staff_id,
        )  # fmt: skip
        s.add(referral)
        s.flush()
        rid = referral.id or 0
        s.add(PersonChange(person_id=pid, referral_id=rid, field="phone", old_value="07700900000",
                           new_value="07700900123", source="feed", changed_at=NOW))  # fmt: skip
        s.add(StatusChange(referral_id=rid, from_status="received", to_status="contacting",
                           at=datetime(2026, 3, 4, 9, tzinfo=UTC), staff_id=wendy.staff_id))  # fmt: skip
        s.add(StatusChange(referral_id=rid, from_status=None, to_status="received",
                           at=datetime(2026, 3, 3, 10, tzinfo=UTC), reason="referral received from the officer"))  # fmt: skip
        s.add(StatusChange(referral_id=rid, from_status="contacting", to_status="withdrawn",
                           at=datetime(2026, 3, 4, 12, tzinfo=UTC), reason=THIRD_PARTY["status"]))  # fmt: skip
        s.add(ContactAttempt(referral_id=rid, staff_id=wendy.staff_id, outcome="no_answer",
                             attempted_at=datetime(2026, 3, 4, 9, tzinfo=UTC), note=THIRD_PARTY["call"]))  # fmt: skip
        assessment = Assessment(referral_id=rid, worker_id=wendy.staff_id,
                                started_at=datetime(2026, 3, 5, 14, tzinfo=UTC),
                                completed_at=datetime(2026, 3, 5, 15, tzinfo=UTC), consent_given=True)  # fmt: skip
        s.add(assessment)
        s.flush()
        aid = assessment.id or 0
        s.add(SubstanceUse(assessment_id=aid, substance="cannabis", is_main=True, days_used_28=20,
                           route="smoked", age_first_used=15))  # fmt: skip
        s.add(InstrumentResponse(assessment_id=aid, instrument_id="audit_c", instrument_version="2",
                                 answers={"q1": 2, "q2": 1, "q3": 1}, context={"q3_threshold": "female"}, total=4, band="increasing_risk",
                                 positive=True, completed=True))  # fmt: skip
        s.add(InstrumentResponse(assessment_id=aid, instrument_id="dash", instrument_version="1",
                                 answers={"q1": "yes", "q2": "no"}, total=1, band="below_threshold",
                                 completed=False))  # fmt: skip
        s.add(InstrumentResponse(assessment_id=aid, instrument_id="exploitation", instrument_version="1",
                                 answers={"q1": "yes", "q9": THIRD_PARTY["exploitation"]}, completed=True))  # fmt: skip
        s.add(AdviceGiven(assessment_id=aid, advice_id="cannabis.smoking", given_by=wendy.staff_id))
        service = s.exec(select(Service).where(Service.code == "samaritans")).first()
        need = Need(assessment_id=aid, domain="mental_health", level="medium", reason="low mood")
        s.add(need)
        s.flush()
        s.add(NeedService(need_id=need.id or 0, action="signposted",
                          service_id=service.id if service else None, status="made"))  # fmt: skip
        s.add(SafeguardingConcern(referral_id=rid, type="children", detail=THIRD_PARTY["concern"],
                                  referred_to="MASH", raised_by=wendy.staff_id, assessment_id=aid))  # fmt: skip
        s.add(Allocation(referral_id=rid, suggested="group_cannabis", chosen="group_cannabis",
                         reasons=["cannabis was found"], decided_by=wendy.staff_id))  # fmt: skip
        group = s.exec(select(CourseGroup).where(CourseGroup.code == "cannabis")).first()
        if group is None:
            group = CourseGroup(
                code="cannabis", name="Cannabis awareness course", path="group_cannabis"
            )
            s.add(group)
            s.flush()
        course = CourseSession(group_id=group.id or 0, starts_at=datetime(2026, 3, 12, 18, tzinfo=UTC),
                               force_code="west_midlands", mode="video")  # fmt: skip
        s.add(course)
        s.flush()
        s.add(Booking(session_id=course.id or 0, referral_id=rid, status="completed"))
        s.add(IntelligenceLog(person_id=pid, referral_id=rid, force_code="west_midlands",
                              reason="no engagement after 3 calls", bar_until=date(2027, 3, 20)))  # fmt: skip
        s.add(Note(referral_id=rid, staff_id=wendy.staff_id, text=THIRD_PARTY["note"]))
    return pid, rid


@pytest.fixture
def dana(db: Database, admin: Actor, schemes) -> tuple[int, int]:
    wendy = worker(db, admin, "wendy")
    pid, rid = _build(db, wendy)
    referral_view.open_referral(db, wendy, rid, schemes)  # a read that must be listed
    return pid, rid


def test_everything_held_is_in_the_json(db: Database, admin: Actor, dana, tmp_path: Path) -> None:
    pid, _ = dana
    made = subject_access.export_person(db, admin, pid, tmp_path, now=NOW)
    data = json.loads(made.json_path.read_text(encoding="utf-8"))
    assert data["person"]["first_name"] == "Dana"
    assert data["person"]["contact_detail_changes"][0]["new_value"] == "07700900123"
    (ref,) = data["referrals"]
    assert ref["police_reference"] == "WM/SAR/0001"
    assert [c["to"] for c in ref["status_changes"]] == ["received", "contacting", "withdrawn"]
    # the app's own words stay in place; what someone typed goes to review
    assert ref["status_changes"][0]["reason"] == "referral received from the officer"
    assert ref["contact_attempts"][0]["outcome"] == "no_answer"
    (assessment,) = ref["assessments"]
    forms = {f["instrument"]: f for f in assessment["questionnaires"]}
    assert forms["audit_c"]["version"] == "2" and forms["audit_c"]["total"] == 4
    assert forms["audit_c"]["answers"][0]["question"].lower().startswith("how often")
    assert assessment["substance_use"][0]["days_used_in_last_28"] == 20
    assert assessment["advice_given"][0]["advice_id"] == "cannabis.smoking"
    assert assessment["needs"][0]["actions"][0]["action"] == "signposted"
    assert ref["safeguarding_concerns"][0]["referred_to"] == "MASH"
    assert ref["allocation"]["chosen"] == "group_cannabis"
    assert ref["bookings"][0]["status"] == "completed"
    assert data["intelligence_logs"][0]["bar_until"] == "2027-03-20"
    assert ref["notes"][0]["text"]["review_item"] >= 1
    assert "referral.view" in {e["action"] for e in data["audit_events"]}


def test_third_party_text_is_for_review_never_dropped(
    db: Database, admin: Actor, dana, tmp_path: Path
) -> None:
    pid, _ = dana
    made = subject_access.export_person(db, admin, pid, tmp_path, now=NOW)
    data = json.loads(made.json_path.read_text(encoding="utf-8"))
    reviewed = {item["text"] for item in data["review_items"]}
    assert set(THIRD_PARTY.values()) <= reviewed
    assert any("Dash" in item["where"] for item in data["review_items"])  # about the abuser
    assert made.review_items == len(data["review_items"])
    letter = made.text_path.read_text(encoding="utf-8")
    review, _, body = letter.partition("\nYOUR DETAILS\n")
    assert "REVIEW BEFORE RELEASE" in review
    for text in THIRD_PARTY.values():
        assert text in review, text  # listed under review, with where it comes from
        assert text not in body, text  # never printed in place
    assert "referral WM/SAR/0001: the note of a call on 4 March 2026 at 09:00" in review
    assert " ".join(body.split()).count("[held back for review: item") > len(THIRD_PARTY)


def test_the_letter_reads_in_plain_words(db: Database, admin: Actor, dana, tmp_path: Path) -> None:
    pid, _ = dana
    letter = subject_access.export_person(db, admin, pid, tmp_path, now=NOW).text_path.read_text(
        encoding="utf-8"
    )
    flat = " ".join(letter.split())
    assert (
        "On 3 March 2026 a police officer (PC Patel) from West Midlands Police referred you" in flat
    )
    assert "cannabis and cocaine (powder)" in flat
    assert "wendy (drug worker) called you: no answer" in flat
    assert (
        "went through an assessment with you by telephone, and finished it on 5 March 2026" in flat
    )
    assert "Until 20 March 2027 you could not be offered diversion again" in flat
    assert "opened your referral" in flat
    assert "How often have you had 6 or more units on a single occasion" in flat
    assert "no_answer" not in letter and "group_cannabis" not in letter
    assert max(len(line) for line in letter.splitlines()) <= 80


def test_files_are_owner_only_and_the_export_is_audited(
    db: Database, admin: Actor, dana, tmp_path: Path
) -> None:
    pid, _ = dana
    made = subject_access.export_person(db, admin, pid, tmp_path, now=NOW)
    for path in (made.json_path, made.text_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with db.read() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
        assert last is not None
        assert (last.action, last.entity, last.entity_id) == ("person.export", "person", str(pid))
        assert "Dana" not in last.detail and "review_items=" in last.detail


def test_a_demo_export_says_demo(db: Database, admin: Actor, dana, tmp_path: Path) -> None:
    mark_demo(db)
    made = subject_access.export_person(db, admin, dana[0], tmp_path, now=NOW)
    assert made.json_path.name.startswith("DEMO-") and made.text_path.name.startswith("DEMO-")
    assert made.text_path.read_text(encoding="utf-8").startswith("DEMO")


def test_only_an_admin_exports(db: Database, dana, tmp_path: Path) -> None:
    lead = Actor(1, "lead", Role.TEAM_LEAD, frozenset({"west_midlands"}), "Lead")
    with pytest.raises(PermissionDenied):
        subject_access.export_person(db, lead, dana[0], tmp_path)
    assert not list(tmp_path.glob("*subject-access*"))
    with pytest.raises(ValidationError, match="folder"):
        subject_access.export_person(db, Actor.system("t"), dana[0], tmp_path / "missing")


def test_the_command_line(db_url: str, dana, tmp_path: Path) -> None:
    runner = CliRunner()
    by_id = runner.invoke(
        main, ["export-person", str(dana[0]), "--output", str(tmp_path), "--db", db_url]
    )
    assert by_id.exit_code == 0, by_id.output
    assert "REVIEW BEFORE RELEASE" in by_id.stdout
    assert (tmp_path / f"person-{dana[0]}-subject-access.txt").exists()
    by_reference = runner.invoke(
        main,
        ["export-person", "--reference", "WM/SAR/0001", "--output", str(tmp_path), "--db", db_url],
    )
    assert by_reference.exit_code == 0, by_reference.output
    unknown = runner.invoke(
        main, ["export-person", "999", "--output", str(tmp_path), "--db", db_url]
    )
    assert unknown.exit_code == 1 and "no person 999" in unknown.stderr
    neither = runner.invoke(main, ["export-person", "--db", db_url])
    assert neither.exit_code == 2
