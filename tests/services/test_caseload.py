"""The team lead's caseload: filters, sort, search and paging in SQL; worker load; reassigning."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, func, select

from divert_tui.core.database import Database
from divert_tui.core.models import (
    AuditEvent,
    ContactAttempt,
    IntelligenceLog,
    Person,
    Referral,
    SafeguardingConcern,
)
from divert_tui.core.rules.matching import normalise_name
from divert_tui.core.services import caseload, workload
from divert_tui.core.services.base import Actor, PermissionDenied, ValidationError
from divert_tui.core.services.caseload import CaseloadFilter, SortKey
from divert_tui.core.vocab import Role
from tests.services.referral_helpers import staff

TODAY = date(2026, 11, 30)


def _referral(
    db: Database,
    n: int,
    *,
    force: str = "west_midlands",
    worker: int | None = None,
    status: str = "received",
    substance: str = "cannabis",
    postcode: str = "B1 1AA",
    days_ago: int = 1,
    due_in: int = 2,
    names: tuple[str, str] | None = None,
) -> int:
    with db.write() as session:
        first, last = names or (f"First{n:03d}", f"Last{n:03d}")
        person = Person(
            first_name=first,
            last_name=last,
            first_name_key=normalise_name(first),
            last_name_key=normalise_name(last),
            date_of_birth=date(1990, 1, 1) + timedelta(days=n),
            postcode=postcode,
        )
        session.add(person)
        session.flush()
        referral = Referral(
            force_code=force,
            police_reference=f"REF{n:04d}",
            person_id=person.id,
            referred_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC) - timedelta(days=days_ago),
            offence_date=TODAY,
            substances=substance,
            main_substance=substance,
            status=status,
            assigned_worker_id=worker,
            first_contact_due=TODAY + timedelta(days=due_in),
        )
        session.add(referral)
        session.flush()
        return referral.id


@pytest.fixture
def team(db: Database, admin: Actor):
    lead = staff(db, admin, "lead", Role.TEAM_LEAD, ("west_midlands",))
    ann = staff(db, admin, "ann", Role.WORKER, ("west_midlands",))
    bob = staff(db, admin, "bob", Role.WORKER, ("west_midlands",))
    mercia = staff(db, admin, "mercia", Role.WORKER, ("west_mercia",))
    mercia_lead = staff(db, admin, "mlead", Role.TEAM_LEAD, ("west_mercia",))
    return lead, ann, bob, mercia, mercia_lead


def _page(db, actor, **filters):
    return caseload.caseload_page(db, actor, CaseloadFilter(**filters), today=TODAY, page_size=10)


def test_filters_count_and_status_counts(db: Database, team) -> None:
    lead, ann, bob, *_ = team
    for n in range(6):
        _referral(db, n, worker=ann.staff_id, status="contacting")
    for n in range(6, 9):
        _referral(db, n, worker=bob.staff_id, substance="cocaine", status="assessed")
    _referral(db, 9)  # unassigned, received
    _referral(db, 10, force="west_mercia")  # another force: never in this lead's list

    every = _page(db, lead)
    assert every.total == 10
    assert every.by_status == {"contacting": 6, "assessed": 3, "received": 1}
    assert _page(db, lead, worker_id=ann.staff_id).total == 6
    assert _page(db, lead, unassigned=True).total == 1
    assert _page(db, lead, substance="cocaine").total == 3
    assert _page(db, lead, status="assessed", worker_id=bob.staff_id).total == 3
    assert _page(db, lead, status="assessed", worker_id=ann.staff_id).total == 0
    with pytest.raises(ValidationError, match="force"):
        _page(db, lead, force="west_mercia")


def test_overdue_concern_barred_and_age_filters(db: Database, team, admin: Actor) -> None:
    lead, *_ = team
    overdue = _referral(db, 1, due_in=-2)
    tried = _referral(db, 2, due_in=-2)
    _referral(db, 3, due_in=3)
    old = _referral(db, 4, days_ago=40)
    with db.write() as session:
        session.add(ContactAttempt(referral_id=tried, outcome="no_answer"))
        session.add(SafeguardingConcern(referral_id=old, type="children"))
        closed = SafeguardingConcern(referral_id=overdue, type="adult_at_risk")
        closed.closed_at = datetime(2026, 11, 29, tzinfo=UTC)
        session.add(closed)
        person_id = session.get(Referral, old).person_id
        session.add(
            IntelligenceLog(
                person_id=person_id,
                referral_id=old,
                force_code="west_midlands",
                reason="no_engagement",
                bar_until=TODAY + timedelta(days=100),
            )
        )
    assert [r.referral_id for r in _page(db, lead, first_contact_overdue=True).rows] == [overdue]
    assert [r.referral_id for r in _page(db, lead, concern_open=True).rows] == [old]
    assert [r.referral_id for r in _page(db, lead, barred=True).rows] == [old]
    assert [r.referral_id for r in _page(db, lead, older_than_days=30).rows] == [old]


def test_search_by_name_reference_and_postcode(db: Database, team) -> None:
    lead, *_ = team
    _referral(db, 1, postcode="B15 2TT", names=("Siobhan", "O'Brien-Smith"))
    _referral(db, 2, postcode="WS1 1AA", names=("Sean", "Smith"))
    _referral(db, 3, postcode="CV1 5FB", names=("Amira", "Qureshi"))

    def found(text: str) -> list[str]:
        return sorted(r.police_reference for r in _page(db, lead, search=text).rows)

    assert found("ref0002") == ["REF0002"]
    assert found("smith") == ["REF0001", "REF0002"]
    assert found("obrien") == ["REF0001"]
    assert found("O'Brien") == ["REF0001"]
    assert found("siobhan smith") == ["REF0001"]
    assert found("amira") == ["REF0003"]
    assert found("nobody") == []
    assert found("b152tt") == ["REF0001"]
    assert found("ws1 1") == ["REF0002"]


def test_sort_every_column_and_turn_round(db: Database, team) -> None:
    lead, ann, bob, *_ = team
    _referral(db, 1, worker=bob.staff_id, substance="cocaine", days_ago=3)
    _referral(db, 2, worker=ann.staff_id, substance="cannabis", days_ago=1)
    _referral(db, 3, substance="nitrous_oxide", days_ago=2)
    newest = _page(db, lead)
    assert [r.police_reference for r in newest.rows] == ["REF0002", "REF0003", "REF0001"]
    chosen = caseload.with_sort(CaseloadFilter(), SortKey.SUBSTANCE)
    by_substance = caseload.caseload_page(db, lead, chosen, today=TODAY)
    assert [r.main_substance for r in by_substance.rows] == ["cannabis", "cocaine", "nitrous_oxide"]
    turned = caseload.with_sort(chosen, SortKey.SUBSTANCE)
    assert turned.descending
    for key in SortKey:
        page = caseload.caseload_page(db, lead, CaseloadFilter(sort=key), today=TODAY)
        assert page.total == 3


def test_paging_reaches_any_page_and_finds_a_referral(db: Database, team) -> None:
    lead, *_ = team
    ids = [_referral(db, n, days_ago=n) for n in range(25)]
    last = caseload.caseload_page(db, lead, CaseloadFilter(), today=TODAY, page=99, page_size=10)
    assert last.page == 2 and last.pages == 3 and len(last.rows) == 5
    # Newest first: ids[0] is on page 0, ids[24] on the last page.
    assert caseload.page_of(db, lead, CaseloadFilter(), ids[24], today=TODAY, page_size=10) == 2
    assert caseload.page_of(db, lead, CaseloadFilter(), ids[12], today=TODAY, page_size=10) == 1
    assert (
        caseload.page_of(db, lead, CaseloadFilter(status="completed"), ids[1], today=TODAY) is None
    )
    assert len(caseload.matching_ids(db, lead, CaseloadFilter(), today=TODAY)) == 25
    with pytest.raises(ValidationError, match="narrow the filter"):
        caseload.matching_ids(db, lead, CaseloadFilter(), today=TODAY, limit=10)


def test_worker_cannot_see_the_caseload(db: Database, team) -> None:
    _, ann, *_ = team
    with pytest.raises(PermissionDenied):
        _page(db, ann)


def test_worker_loads_against_the_target(db: Database, team) -> None:
    lead, ann, bob, mercia, _ = team
    for n in range(3):
        _referral(db, n, worker=ann.staff_id, status="contacting")
    _referral(db, 3, worker=ann.staff_id, due_in=-1)
    _referral(db, 4, worker=ann.staff_id, status="completed")
    workload.set_caseload_target(db, lead, 3)
    loads = {w.username: w for w in workload.worker_loads(db, lead, today=TODAY)}
    assert "mercia" not in loads  # another force
    assert loads["ann"].open_referrals == 4
    assert loads["ann"].first_contacts_overdue == 1
    assert loads["ann"].over_target and loads["ann"].share_of_target == "133%"
    assert loads["bob"].open_referrals == 0 and not loads["bob"].over_target
    with pytest.raises(ValidationError, match="target"):
        workload.set_caseload_target(db, lead, 0)
    with pytest.raises(PermissionDenied):
        workload.worker_loads(db, ann, today=TODAY)


def _events(db: Database, action: str) -> int:
    with db.read() as session:
        return session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).one()


def test_reassign_moves_all_or_nothing_with_one_event_each(db: Database, team) -> None:
    lead, ann, bob, mercia, mercia_lead = team
    mine = [_referral(db, n, worker=ann.staff_id) for n in range(3)]
    closed = _referral(db, 3, worker=ann.staff_id, status="completed")
    other_force = _referral(db, 4, force="west_mercia")

    assert workload.reassign(db, lead, mine, bob.staff_id, reason="Ann on leave") == 3
    assert _events(db, "referral.reassign") == 3
    bob_page = _page(db, lead, worker_id=bob.staff_id)
    assert sorted(r.referral_id for r in bob_page.rows) == sorted(mine)

    # A closed referral in the selection refuses the whole move.
    with pytest.raises(ValidationError, match="nothing was moved.*completed"):
        workload.reassign(db, lead, [mine[0], closed], ann.staff_id)
    # Another force's referral, or a receiver who does not work for the force.
    with pytest.raises(PermissionDenied, match="not in your forces"):
        workload.reassign(db, lead, [other_force], bob.staff_id)
    with pytest.raises(ValidationError, match="does not work for that force"):
        workload.reassign(db, lead, [mine[0]], mercia.staff_id)
    with pytest.raises(PermissionDenied):
        workload.reassign(db, ann, [mine[0]], ann.staff_id)
    with pytest.raises(PermissionDenied, match="not in your forces"):
        workload.reassign(db, mercia_lead, [mine[0]], mercia.staff_id)
    with pytest.raises(ValidationError, match="at least one"):
        workload.reassign(db, lead, [], bob.staff_id)
    assert _events(db, "referral.reassign") == 3
    with db.read() as session:
        holders = session.exec(
            select(Referral.assigned_worker_id).where(col(Referral.id).in_(mine))
        ).all()
    assert set(holders) == {bob.staff_id}


def test_a_leaver_hands_on_everything_open(db: Database, team) -> None:
    lead, ann, bob, *_ = team
    for n in range(4):
        _referral(db, n, worker=ann.staff_id, status="contacting")
    _referral(db, 4, worker=ann.staff_id, status="completed")
    assert workload.reassign_all_of(db, lead, ann.staff_id, bob.staff_id) == 4
    loads = {w.username: w for w in workload.worker_loads(db, lead, today=TODAY)}
    assert loads["ann"].open_referrals == 0 and loads["bob"].open_referrals == 4
    assert workload.reassign_all_of(db, lead, ann.staff_id, bob.staff_id) == 0
    with pytest.raises(ValidationError):
        workload.reassign_all_of(db, lead, bob.staff_id, bob.staff_id)


def test_call_back_due_filter(db: Database, team) -> None:
    from divert_tui.core.models import Assessment

    lead, ann, *_ = team
    due = _referral(db, 1, worker=ann.staff_id, status="contacting")
    later = _referral(db, 2, worker=ann.staff_id, status="contacting")
    done = _referral(db, 3, worker=ann.staff_id, status="assessed")
    with db.write() as session:
        # 23:30 UK time today is still today (BST or not); tomorrow 09:00 is not yet due.
        session.add(
            Assessment(referral_id=due, call_back_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
        )
        session.add(
            Assessment(referral_id=later, call_back_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
        )
        session.add(
            Assessment(
                referral_id=done,
                call_back_at=datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
                completed_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
            )
        )
    assert [r.referral_id for r in _page(db, lead, call_back_due=True).rows] == [due]


def test_each_page_shown_is_audited_without_names(db: Database, team) -> None:
    lead, *_ = team
    _referral(db, 1, names=("Siobhan", "Smith"))
    _page(db, lead, search="smith")
    with db.read() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "caseload.list")).all()
        details = [e.detail for e in events]
    assert details == ["page 1, 1 of 1, filtered"]
    assert "Smith" not in " ".join(details) and "smith" not in " ".join(details)
