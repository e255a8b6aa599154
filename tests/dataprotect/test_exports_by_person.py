"""Issue 13 item 2: every bulk export that held a person is found by searching the audit
trail for that person; the export's event lists referral ids (compactly), never names."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent, IntelligenceLog, Referral
from divert_tui.core.rules import id_ranges
from divert_tui.core.rules.metrics.timing import Period
from divert_tui.core.services import audit_search, intel, reports
from divert_tui.core.services.audit_search import AuditFilter
from divert_tui.core.services.base import Actor
from tests.assessment.helpers import seed_referral


def test_ids_fold_into_ranges_and_read_back() -> None:
    assert id_ranges.compact([7, 3, 4, 5, 12, 40, 41, 4]) == "3-5,7,12,40-41"
    assert id_ranges.compact([]) == "none"
    detail = "force=x logs=6" + id_ranges.referrals_detail([3, 4, 5, 7, 12, 40, 41])
    assert id_ranges.listed_referrals(detail) == [(3, 5), (7, 7), (12, 12), (40, 41)]
    assert id_ranges.lists_any(detail, [4]) and id_ranges.lists_any(detail, [41])
    assert not id_ranges.lists_any(detail, [6]) and not id_ranges.lists_any(detail, [1, 13])
    assert not id_ranges.lists_any("referrals=none", [1])


def _log(db: Database, referral_id: int) -> None:
    with db.write() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        session.add(
            IntelligenceLog(
                person_id=referral.person_id,
                referral_id=referral_id,
                force_code=referral.force_code,
                reason="non_compliance",
                bar_until=date(2027, 5, 1),
            )
        )


def test_an_intel_export_is_found_by_each_person_it_held(db: Database, admin: Actor) -> None:
    first, second, third = (seed_referral(db, n=n) for n in (1, 2, 3))
    _log(db, first)
    _log(db, third)
    export = intel.export_intel(db, admin, "west_midlands")
    assert export.count == 2
    with db.read() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "intel.export")).one()
        assert "Sam" not in event.detail
        assert id_ranges.listed_referrals(event.detail) == [(first, first), (third, third)]
    for referral_id, held in ((first, True), (second, False), (third, True)):
        found = audit_search.search(db, admin, AuditFilter(person=f"referral {referral_id}"))
        actions = [row.action for row in found.page.rows]
        assert ("intel.export" in actions) is held, referral_id


def test_the_evaluation_extract_lists_its_referrals(db: Database, admin: Actor, schemes) -> None:
    ids = [seed_referral(db, n=n) for n in (1, 2, 3)]
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    extract = reports.evaluation_extract(db, admin, schemes, period)
    assert extract.count == 3
    with db.read() as session:
        detail = session.exec(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "evaluation.export")
            .order_by(col(AuditEvent.id).desc())
        ).first()
    assert detail is not None and f"referrals={id_ranges.compact(ids)}" in detail
    found = audit_search.search(db, admin, AuditFilter(person="WM/TEST/0002"))
    assert "evaluation.export" in [row.action for row in found.page.rows]
