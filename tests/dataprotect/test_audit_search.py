"""Issue 13 item 2: the audit trail searched by person, staff member, action and dates,
paged in SQL, on the command line as on the screen."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from divert_tui.cli import main
from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent, Person, Referral
from divert_tui.core.services import audit, audit_search, referral_view, search
from divert_tui.core.services.audit_search import AuditFilter
from divert_tui.core.services.base import Actor, PermissionDenied, ValidationError
from divert_tui.core.vocab import Role
from tests.assessment.helpers import seed_referral, worker


def _set_time(db: Database, event_id: int, at: datetime) -> None:
    """Move an event in time (the chain is not checked by these tests)."""
    with db.write() as session:
        event = session.get(AuditEvent, event_id)
        assert event is not None
        event.at = at
        session.add(event)


def _actions(found: audit_search.AuditPage) -> list[str]:
    return [row.action for row in found.page.rows]


@pytest.fixture
def trail(db: Database, admin: Actor, schemes) -> dict[str, object]:
    """Two people, two workers: wendy opens Sam1's referral, vera opens Sam2's."""
    wendy = worker(db, admin, "wendy")
    vera = worker(db, admin, "vera")
    first = seed_referral(db, n=1)
    second = seed_referral(db, n=2)
    with db.write() as session:
        other = session.get(Person, session.get(Referral, second).person_id)
        other.first_name, other.first_name_key = "Robin", "robin"
        other.last_name, other.last_name_key = "Other", "other"
        session.add(other)
    referral_view.open_referral(db, wendy, first, schemes)
    referral_view.open_referral(db, vera, second, schemes)
    search.find(db, vera, "sam1")
    return {"wendy": wendy, "vera": vera, "first": first, "second": second}


def test_by_person_id_referral_reference_and_name(db: Database, admin: Actor, trail) -> None:
    with db.read() as session:
        person_of_first = session.get(Referral, trail["first"]).person_id
    for text in (
        str(person_of_first),
        f"referral {trail['first']}",
        "WM/TEST/0001",
        "Sam1 Example",
    ):
        found = audit_search.search(db, admin, AuditFilter(person=text))
        assert found.person_ids == (person_of_first,), text
        # wendy's read of the record, and vera's search that listed it; nothing of Sam2's
        assert "referral.view" in _actions(found), text
        assert "search" in _actions(found), text
        assert all(r.username != "vera" or r.action == "search" for r in found.page.rows)
    nobody = audit_search.search(db, admin, AuditFilter(person="Nobody Here"))
    assert nobody.person_ids == () and nobody.page.total == 0


def test_by_staff_action_and_dates(db: Database, admin: Actor, trail) -> None:
    by_vera = audit_search.search(db, admin, AuditFilter(staff="vera"))
    assert _actions(by_vera) == ["search", "referral.view"]
    views = audit_search.search(db, admin, AuditFilter(action="referral.view"))
    assert [r.username for r in views.page.rows] == ["vera", "wendy"]
    # a part of an action finds the group
    assert audit_search.search(db, admin, AuditFilter(action="staff")).page.total == 2
    # dates are UK days, both ends included
    first_view = views.page.rows[1].id
    _set_time(db, first_view, datetime(2026, 3, 3, 23, 30, tzinfo=UTC))  # 3 March, 23:30 UK
    march = audit_search.search(
        db, admin, AuditFilter(date_from=date(2026, 3, 3), date_to=date(2026, 3, 3))
    )
    assert [r.id for r in march.page.rows] == [first_view]
    assert audit_search.search(db, admin, AuditFilter(date_to=date(2026, 3, 2))).page.total == 0
    with pytest.raises(ValidationError, match="after"):
        audit_search.search(
            db, admin, AuditFilter(date_from=date(2026, 3, 4), date_to=date(2026, 3, 3))
        )


def test_pages_come_from_sql(db: Database, admin: Actor) -> None:
    with db.write() as session:
        for n in range(23):
            audit.record(session, admin, "test.event", "thing", n)
    first = audit_search.search(db, admin, AuditFilter(action="test.event"), page_size=10)
    assert (first.page.total, first.page.pages, len(first.page.rows)) == (23, 3, 10)
    assert first.page.rows[0].entity_id == "22"  # newest first
    last = audit_search.search(db, admin, AuditFilter(action="test.event"), page=2, page_size=10)
    assert [r.entity_id for r in last.page.rows] == ["2", "1", "0"]
    beyond = audit_search.search(db, admin, AuditFilter(action="test.event"), page=9, page_size=10)
    assert beyond.page.page == 2


def test_the_search_is_audited_without_the_name_typed(db: Database, admin: Actor, trail) -> None:
    audit_search.search(db, admin, AuditFilter(person="Sam1 Example", action="view"))
    with db.read() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
        assert last is not None and last.action == "audit.search"
        assert last.entity == "person" and "Sam1" not in last.detail
        assert "action=view" in last.detail


def test_only_an_admin_searches(db: Database, trail) -> None:
    wendy = trail["wendy"]
    lead = Actor(wendy.staff_id, wendy.username, Role.TEAM_LEAD, wendy.forces, "Lead")
    for actor in (wendy, lead):
        with pytest.raises(PermissionDenied):
            audit_search.search(db, actor, AuditFilter())


def test_the_command_line(db_url: str, db: Database, admin: Actor, trail) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["audit", "search", "--person", "WM/TEST/0001", "--format", "json", "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {e["action"] for e in data["events"]} >= {"referral.view", "search"}
    table = runner.invoke(main, ["audit", "search", "--staff", "wendy", "--db", db_url])
    assert table.exit_code == 0 and "referral.view" in table.stdout
    csv_out = runner.invoke(
        main, ["audit", "search", "--action", "referral.view", "--format", "csv", "--db", db_url]
    )
    assert csv_out.stdout.splitlines()[0] == "id,at_uk,staff,action,about,detail"
    assert len(csv_out.stdout.splitlines()) == 3
    bad = runner.invoke(main, ["audit", "search", "--from", "not a day", "--db", db_url])
    assert bad.exit_code == 2
    limited = runner.invoke(main, ["audit", "search", "--limit", "1", "--db", db_url])
    assert limited.exit_code == 0 and "showing the newest 1" in limited.stderr


def test_a_police_reference_that_looks_like_an_id_is_a_reference(
    db: Database, admin: Actor
) -> None:
    referral_id = seed_referral(db, n=3)
    with db.write() as session:
        referral = session.get(Referral, referral_id)
        referral.police_reference = "REF00007"
        session.add(referral)
        person_id = referral.person_id
    found = audit_search.search(db, admin, AuditFilter(person="ref00007"))
    assert found.person_ids == (person_id,)


def test_a_place_offered_to_their_referral_is_about_them(db: Database, admin: Actor) -> None:
    referral_id = seed_referral(db, n=4)
    with db.write() as session:
        audit.record(
            session, admin, "booking.cancel", "booking", 999,
            f"referral=77 session=3 offered_to_referral={referral_id}",
        )  # fmt: skip
        audit.record(session, admin, "booking.cancel", "booking", 998, f"referral={referral_id}7")
        person_id = session.get(Referral, referral_id).person_id
    found = audit_search.search(db, admin, AuditFilter(person=str(person_id)))
    assert [r.entity_id for r in found.page.rows] == ["999"]


def test_a_person_search_reads_the_indexes_not_the_whole_trail(db: Database, admin: Actor) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's query plan")
    referral_id = seed_referral(db, n=5)
    with db.read() as session:
        person_id = session.get(Referral, referral_id).person_id
        condition = audit_search.person_condition(session, {person_id})
        query = select(AuditEvent.id).where(condition)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
    steps = " | ".join(str(row[-1]) for row in plan)
    assert "SCAN audit_event" not in steps, steps
