"""The worker's queue ("my work"): their open referrals and the unassigned ones of their
forces, a page at a time straight from SQL so that a caseload of any size opens at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import ContactAttempt, Person, Referral, Staff
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, require
from divert_tui.core.services.contact_safety import ContactCaution, contact_cautions
from divert_tui.core.services.paging import Page, clamp_page
from divert_tui.core.vocab import OPEN_STATUSES, ReferralStatus

UNCLAIMED_STATUSES = (ReferralStatus.RECEIVED.value, ReferralStatus.CONTACTING.value)


@dataclass(frozen=True)
class QueueRow:
    referral_id: int
    police_reference: str
    force_code: str
    person_name: str
    date_of_birth: date
    referred_at: datetime
    main_substance: str
    status: str
    worker: str | None
    first_contact_due: date | None
    attempts: int
    contact_caution: ContactCaution | None = None  # the number is not safe to call or message

    def contact_flag(self, today: date) -> str:
        """'overdue', 'due today' or '' for a referral still waiting for its first contact."""
        if self.first_contact_due is None or self.status not in UNCLAIMED_STATUSES:
            return ""
        if self.attempts:
            return ""
        if self.first_contact_due < today:
            return "overdue"
        if self.first_contact_due == today:
            return "due today"
        return ""


def _scope(actor: Actor) -> Any:
    open_values = [s.value for s in OPEN_STATUSES]
    mine = and_(
        Referral.assigned_worker_id == actor.staff_id, col(Referral.status).in_(open_values)
    )
    unassigned = and_(
        col(Referral.assigned_worker_id).is_(None), col(Referral.status).in_(UNCLAIMED_STATUSES)
    )
    if not actor.sees_all_forces:
        unassigned = and_(unassigned, col(Referral.force_code).in_(sorted(actor.forces)))
    return or_(mine, unassigned)


def _caseload_scope(actor: Actor, status: str | None) -> Any:
    condition: Any = col(Referral.status).in_([status]) if status else True
    if not actor.sees_all_forces:
        condition = and_(condition, col(Referral.force_code).in_(sorted(actor.forces)))
    return condition


def my_work(
    db: Database, actor: Actor, *, page: int = 0, page_size: int = 50, search: str = ""
) -> Page[QueueRow]:
    """One page of the actor's queue: their own open referrals first, then the unclaimed."""
    return _page(
        db, actor, Permission.VIEW_REFERRALS, "queue.my_work", _scope(actor),
        page, page_size, search, mine_first=True,
    )  # fmt: skip


def caseload(
    db: Database,
    actor: Actor,
    *,
    page: int = 0,
    page_size: int = 50,
    search: str = "",
    status: str | None = None,
) -> Page[QueueRow]:
    """One page of every referral in the actor's forces (a team lead's view), newest first."""
    return _page(
        db, actor, Permission.VIEW_CASELOADS, "queue.caseload", _caseload_scope(actor, status),
        page, page_size, search, mine_first=False, status=status,
    )  # fmt: skip


def _page(
    db: Database,
    actor: Actor,
    permission: Permission,
    action: str,
    condition: Any,
    page: int,
    page_size: int,
    search: str,
    *,
    mine_first: bool,
    status: str | None = None,
) -> Page[QueueRow]:
    """One page, with one audit event saying which list was shown (not every name on it)."""
    page = max(0, page)
    worker = aliased(Staff)
    order: list[Any] = [col(Referral.referred_at).desc(), col(Referral.id).desc()]
    if mine_first:
        order.insert(0, case((Referral.assigned_worker_id == actor.staff_id, 0), else_=1))
    if search.strip():
        needle = f"%{search.strip().lower()}%"
        condition = and_(
            condition,
            or_(
                func.lower(Referral.police_reference).like(needle),
                func.lower(Person.last_name).like(needle),
                func.lower(Person.first_name).like(needle),
            ),
        )
    attempts = (
        select(func.count())
        .where(ContactAttempt.referral_id == Referral.id)
        .correlate(Referral)
        .scalar_subquery()
    )
    with db.write() as session:
        require(actor, permission)
        total = session.exec(
            select(func.count())
            .select_from(Referral)
            .join(Person, col(Person.id) == Referral.person_id)
            .where(condition)
        ).one()
        page = clamp_page(page, total, page_size)
        statement = (
            select(
                Referral.id,
                Referral.police_reference,
                Referral.force_code,
                Person.first_name,
                Person.last_name,
                Person.date_of_birth,
                Referral.referred_at,
                Referral.main_substance,
                Referral.status,
                worker.display_name,
                Referral.first_contact_due,
                attempts,
                Referral.person_id,
            )
            .join(Person, col(Person.id) == Referral.person_id)
            .outerjoin(worker, col(worker.id) == Referral.assigned_worker_id)
            .where(condition)
            .order_by(*order)
            .offset(page * page_size)
            .limit(page_size)
        )
        found = session.exec(statement).all()
        cautions = contact_cautions(session, [r[12] for r in found])
        rows = [
            QueueRow(
                referral_id=r[0],
                police_reference=r[1],
                force_code=r[2],
                person_name=f"{r[3]} {r[4]}",
                date_of_birth=r[5],
                referred_at=r[6],
                main_substance=r[7],
                status=r[8],
                worker=r[9],
                first_contact_due=r[10],
                attempts=r[11] or 0,
                contact_caution=cautions.get(r[12]),
            )
            for r in found
        ]
        shown = f"page {page + 1}, {len(rows)} of {total}"
        if status:
            shown += f", status {status}"
        if search.strip():
            shown += ", filtered"
        audit.record(session, actor, action, "referral", "", shown)
    return Page(rows, total, page, page_size)
