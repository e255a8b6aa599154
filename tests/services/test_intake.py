"""Importing the feed and typing referrals in: all-or-nothing, re-import, matching, bars."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from divert_tui.core.models import AuditEvent, IntelligenceLog, Person, Referral, StatusChange
from divert_tui.core.services.base import PermissionDenied, ValidationError
from divert_tui.core.services.intake import (
    FeedRejected,
    create_referral,
    import_feed,
    resolve_possible_match,
)
from divert_tui.core.vocab import Role
from tests.services.referral_helpers import TODAY, row, staff, write_feed

DATA = Path(__file__).parents[1] / "feed" / "data"


def count(db, model) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_good_feed_imports_and_reimport_adds_nothing(db, admin, schemes):
    first = import_feed(db, admin, DATA / "good.csv", schemes, today=TODAY)
    assert (first.rows_read, first.imported, first.already_present) == (5, 5, 0)
    second = import_feed(db, admin, DATA / "good.csv", schemes, today=TODAY)
    assert (second.rows_read, second.imported, second.already_present) == (5, 0, 5)
    assert count(db, Referral) == 5 and count(db, Person) == 5
    with db.read() as session:
        referral = session.exec(
            select(Referral).where(Referral.police_reference == "WM/2026/0001")
        ).one()
        person = session.get(Person, referral.person_id)
        assert referral.status == "received"
        assert referral.substances == "cannabis;cocaine" and referral.main_substance == "cannabis"
        assert referral.first_contact_due == date(2026, 3, 17)  # Sat 14 Mar + 2 working days
        assert person.phone == "+447700900123" and person.postcode == "B15 2TT"
        assert person.last_name_key == "obrien"
        actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("feed.import") == 2


def test_one_bad_row_imports_nothing(db, admin, schemes):
    with pytest.raises(FeedRejected) as caught:
        import_feed(db, admin, DATA / "bad_rows.csv", schemes, today=TODAY)
    assert "row 2: police_reference: missing" in [str(p) for p in caught.value.problems]
    assert len(caught.value.problems) == 14
    assert count(db, Referral) == 0 and count(db, Person) == 0


def test_skip_invalid_imports_the_good_rows_and_returns_rejects(db, admin, schemes):
    summary = import_feed(db, admin, DATA / "bad_rows.csv", schemes, skip_invalid=True, today=TODAY)
    assert summary.imported == 1
    assert [r.row for r in summary.rejected] == list(range(2, 15))
    assert summary.rejected[0].values["first_name"] == "No"
    assert summary.rejected[0].reasons == ("police_reference: missing",)
    assert count(db, Referral) == 1


def test_malformed_file_is_a_validation_error_and_changes_nothing(db, admin, schemes):
    with pytest.raises(ValidationError) as caught:
        import_feed(db, admin, DATA / "object.json", schemes, today=TODAY)
    assert "one object" in caught.value.errors["file"]
    assert count(db, AuditEvent) == 0


def test_only_admin_imports(db, admin, schemes):
    worker = staff(db, admin, "worker1", Role.WORKER)
    with pytest.raises(PermissionDenied):
        import_feed(db, worker, DATA / "good.csv", schemes, today=TODAY)


def test_under_age_is_imported_as_ineligible_and_counted(db, admin, schemes):
    summary = import_feed(db, admin, DATA / "under_age.csv", schemes, today=TODAY)
    assert (summary.imported, summary.outside_scheme, summary.barred) == (2, 1, 0)
    assert summary.notices == (
        "row 1: date_of_birth: outside the scheme: aged 15 on 14 Mar 2026; the West Midlands "
        "scheme accepts people aged 18 and over; imported as ineligible",
    )
    with db.read() as session:
        statuses = dict(session.exec(select(Referral.police_reference, Referral.status)).all())
        changes = session.exec(select(StatusChange.to_status)).all()
    assert statuses == {"WM/2026/0201": "ineligible", "WM/2026/0202": "received"}
    assert changes == ["ineligible"]


def test_same_person_later_is_linked_and_a_bar_applies(db, admin, schemes, tmp_path):
    import_feed(db, admin, write_feed(tmp_path / "a.csv", [row()]), schemes, today=TODAY)
    with db.write() as session:
        referral = session.exec(select(Referral)).one()
        session.add(
            IntelligenceLog(
                person_id=referral.person_id,
                referral_id=referral.id,
                force_code="west_midlands",
                reason="non_compliance",
                created_at=referral.referred_at.replace(day=20),
                bar_until=date(2027, 3, 20),
            )
        )
    later = row(
        police_reference="WM/2026/0002",
        first_name="JO ",
        last_name="bloggs",
        referred_at="01/06/2026",
        offence_date="01/06/2026",
        phone="07700 900999",
    )
    summary = import_feed(db, admin, write_feed(tmp_path / "b.csv", [later]), schemes, today=TODAY)
    assert (summary.imported, summary.matched, summary.barred) == (1, 1, 1)
    assert count(db, Person) == 1
    with db.read() as session:
        second = session.exec(
            select(Referral).where(Referral.police_reference == "WM/2026/0002")
        ).one()
        person = session.get(Person, second.person_id)
        assert second.status == "ineligible"
        assert second.status_reason.startswith("not eligible until 20 Mar 2027: intelligence log 1")
        assert person.phone == "+447700900999"  # the latest number to ring


def test_swapped_names_are_flagged_then_confirmed(db, admin, schemes, tmp_path):
    import_feed(db, admin, write_feed(tmp_path / "a.csv", [row()]), schemes, today=TODAY)
    swapped = row(police_reference="WM/2026/0009", first_name="Bloggs", last_name="Jo")
    summary = import_feed(
        db, admin, write_feed(tmp_path / "b.csv", [swapped]), schemes, today=TODAY
    )
    assert (summary.matched, summary.possible_matches) == (0, 1)
    assert count(db, Person) == 2
    with db.read() as session:
        flagged = session.exec(
            select(Referral).where(Referral.police_reference == "WM/2026/0009")
        ).one()
        assert flagged.possible_match_person_id == 1 and flagged.person_id == 2
        assert "possible match with person 1" in flagged.eligibility_note
        flagged_id = flagged.id
    worker = staff(db, admin, "worker1", Role.WORKER)
    words = resolve_possible_match(db, worker, flagged_id, same_person=True, schemes=schemes)
    assert words.startswith("eligible")
    with db.read() as session:
        again = session.get(Referral, flagged_id)
        assert (again.person_id, again.possible_match_person_id) == (1, None)
    assert count(db, Person) == 1
    with pytest.raises(ValidationError):
        resolve_possible_match(db, worker, flagged_id, same_person=True, schemes=schemes)


def test_possible_match_rejected_keeps_two_people(db, admin, schemes, tmp_path):
    rows = [row(), row(police_reference="WM/2026/0009", first_name="Bloggs", last_name="Jo")]
    summary = import_feed(db, admin, write_feed(tmp_path / "a.csv", rows), schemes, today=TODAY)
    assert summary.possible_matches == 1
    worker = staff(db, admin, "worker1", Role.WORKER)
    resolve_possible_match(db, worker, 2, same_person=False, schemes=schemes)
    with db.read() as session:
        assert session.get(Referral, 2).possible_match_person_id is None
    assert count(db, Person) == 2


def test_same_person_twice_in_one_file_is_one_person(db, admin, schemes, tmp_path):
    rows = [row(), row(police_reference="WM/2026/0002", first_name="jo", last_name="BLOGGS")]
    summary = import_feed(db, admin, write_feed(tmp_path / "a.csv", rows), schemes, today=TODAY)
    assert summary.imported == 2 and count(db, Person) == 1


def test_manual_referral_uses_the_same_checks(db, admin, schemes):
    worker = staff(db, admin, "worker1", Role.WORKER)
    with pytest.raises(ValidationError) as caught:
        create_referral(
            db, worker, row(phone="123", postcode="nowhere", date_of_birth=""), schemes, today=TODAY
        )
    assert set(caught.value.errors) == {"phone", "postcode", "date_of_birth"}
    made = create_referral(db, worker, row(), schemes, today=TODAY)
    assert made.status == "received" and made.eligibility.startswith("eligible")
    with pytest.raises(ValidationError) as duplicate:
        create_referral(db, worker, row(), schemes, today=TODAY)
    assert "already recorded" in duplicate.value.errors["police_reference"]
    with db.read() as session:
        assert session.get(Referral, made.referral_id).source == "phone"


def test_manual_referral_for_another_force_is_refused(db, admin, schemes):
    worker = staff(db, admin, "worker1", Role.WORKER)
    with pytest.raises(PermissionDenied):
        create_referral(db, worker, row(force="staffordshire"), schemes, today=TODAY)
