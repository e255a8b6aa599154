"""Issue 9 item 9: an import that changes a known person's phone or postcode keeps the old
value in the person's history, bumps the person's version, says so, and shows it on the
referral."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import Person, PersonChange, Referral
from divert_tui.core.services.base import Actor
from divert_tui.core.services.intake import import_feed
from divert_tui.core.services.referral_view import open_referral
from tests.services.referral_helpers import row, write_feed

TODAY = date(2026, 11, 29)


def _import(db: Database, admin: Actor, schemes, path: Path, **values: str):  # type: ignore[no-untyped-def]
    return import_feed(db, admin, write_feed(path, [row(**values)]), schemes, today=TODAY)


def _person(db: Database) -> Person:
    with db.read() as session:
        person = session.exec(select(Person)).one()
        session.expunge(person)
        return person


def test_a_newer_referral_changing_the_phone_is_kept_and_shown(
    db: Database, admin: Actor, schemes, tmp_path: Path
) -> None:
    _import(db, admin, schemes, tmp_path / "a.csv")
    assert _person(db).version == 1
    summary = _import(
        db, admin, schemes, tmp_path / "b.csv",
        police_reference="WM/2026/0002", referred_at="2026-06-01T09:00",
        offence_date="2026-06-01", phone="07700 900999",
    )  # fmt: skip
    assert summary.imported == 1
    assert "row 1: phone of a known person changed; the old value is kept in their history" in (
        summary.notices
    )
    person = _person(db)
    assert person.phone == "+447700900999" and person.postcode == "B15 2TT"
    assert person.version == 2
    with db.read() as session:
        changes = session.exec(select(PersonChange).order_by(col(PersonChange.id))).all()
        second = session.exec(
            select(Referral).where(Referral.police_reference == "WM/2026/0002")
        ).one()
        assert [(c.field, c.old_value, c.new_value, c.referral_id) for c in changes] == [
            ("phone", "+447700900123", "+447700900999", second.id)
        ]
        second_id, first_id = second.id or 0, (second.id or 0) - 1

    worker = Actor(None, "cli:tests", admin.role, frozenset(), "tests")
    for referral_id in (first_id, second_id):  # shown on every referral of the person
        shown = [
            e.text
            for e in open_referral(db, worker, referral_id, schemes, today=TODAY).timeline
            if e.kind == "contact details"
        ]
        assert shown == ["phone changed from +447700900123 to +447700900999 (officer app)"]


def test_the_same_details_again_change_nothing(
    db: Database, admin: Actor, schemes, tmp_path: Path
) -> None:
    _import(db, admin, schemes, tmp_path / "a.csv")
    summary = _import(db, admin, schemes, tmp_path / "b.csv", police_reference="WM/2026/0002")
    assert not any("known person changed" in line for line in summary.notices)
    assert _person(db).version == 1


def test_a_changed_postcode_alone_is_kept_alone(
    db: Database, admin: Actor, schemes, tmp_path: Path
) -> None:
    _import(db, admin, schemes, tmp_path / "a.csv")
    _import(
        db, admin, schemes, tmp_path / "b.csv", police_reference="WM/2026/0002", postcode="B1 1AA"
    )
    person = _person(db)
    assert person.phone == "+447700900123" and person.postcode == "B1 1AA"
    with db.read() as session:
        changes = session.exec(select(PersonChange)).all()
        assert [(c.field, c.old_value, c.new_value) for c in changes] == [
            ("postcode", "B15 2TT", "B1 1AA")
        ]
