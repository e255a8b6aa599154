"""The team lead's caseload: every referral of their forces, filtered, sorted and searched in
SQL one page at a time, with the count of matches and the counts by status above the table.

A caseload of 100,000 referrals opens as fast as one of 100: nothing here reads more than
one page of rows, and every filter is a WHERE clause the indexes of migration 0008 serve.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Assessment,
    ContactAttempt,
    IntelligenceLog,
    Person,
    Referral,
    SafeguardingConcern,
    Staff,
)
from divert_tui.core.rules.matching import normalise_name
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, ValidationError, require
from divert_tui.core.services.paging import clamp_page
from divert_tui.core.vocab import OPEN_STATUSES, ReferralStatus

UK = ZoneInfo("Europe/London")
AWAITING_FIRST_CONTACT = (ReferralStatus.RECEIVED.value, ReferralStatus.CONTACTING.value)
OPEN_VALUES = tuple(sorted(s.value for s in OPEN_STATUSES))


class SortKey(StrEnum):
    """The columns a lead may sort by, in the words of the table's headings."""

    REFERRED = "referred"
    REFERENCE = "police reference"
    NAME = "name"
    FORCE = "force"
    SUBSTANCE = "substance"
    STATUS = "status"
    WORKER = "worker"
    FIRST_CONTACT_DUE = "first contact due"


class WorkerChoice(StrEnum):
    ANY = "any"
    UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class CaseloadFilter:
    """What the lead asked to see. Every field narrows; the defaults show everything."""

    force: str | None = None
    worker_id: int | None = None
    unassigned: bool = False
    status: str | None = None
    open_only: bool = False
    substance: str | None = None
    older_than_days: int | None = None
    first_contact_overdue: bool = False
    concern_open: bool = False
    barred: bool = False
    call_back_due: bool = False
    search: str = ""
    sort: SortKey = SortKey.REFERRED
    descending: bool = True

    def describe(self, worker_name: str | None = None) -> list[str]:
        """The active filters in words, for the line above the table."""
        words: list[str] = []
        if self.force:
            words.append(self.force.replace("_", " ").title())
        if self.unassigned:
            words.append("unassigned")
        elif self.worker_id is not None:
            words.append(f"worker {worker_name or self.worker_id}")
        if self.status:
            words.append(self.status.replace("_", " "))
        elif self.open_only:
            words.append("open")
        if self.substance:
            words.append(self.substance.replace("_", " "))
        if self.older_than_days:
            words.append(f"older than {self.older_than_days} days")
        if self.first_contact_overdue:
            words.append("first contact overdue")
        if self.concern_open:
            words.append("safeguarding concern open")
        if self.barred:
            words.append("person barred")
        if self.call_back_due:
            words.append("call-back due")
        if self.search.strip():
            words.append(f"matching {self.search.strip()!r}")
        return words

    def cleared(self) -> CaseloadFilter:
        return CaseloadFilter(sort=self.sort, descending=self.descending)


@dataclass(frozen=True)
class CaseloadRow:
    referral_id: int
    police_reference: str
    force_code: str
    person_name: str
    referred_at: datetime
    main_substance: str
    status: str
    worker_id: int | None
    worker: str | None
    first_contact_due: date | None
    first_contact_at: datetime | None
    attempts: int
    version: int

    def contact_flag(self, today: date) -> str:
        """'overdue' or 'due today' while the first contact is still to be made."""
        if self.first_contact_at is not None or self.status not in AWAITING_FIRST_CONTACT:
            return ""
        if self.first_contact_due is None or self.attempts:
            return ""
        if self.first_contact_due < today:
            return "overdue"
        if self.first_contact_due == today:
            return "due today"
        return ""


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    total: int
    page: int
    page_size: int
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _scope(actor: Actor) -> Any:
    if actor.sees_all_forces:
        return True
    return col(Referral.force_code).in_(sorted(actor.forces))


def _conditions(actor: Actor, chosen: CaseloadFilter, today: date) -> list[Any]:
    conditions: list[Any] = [_scope(actor)]
    if chosen.force:
        if not actor.covers(chosen.force):
            raise ValidationError({"force": f"you do not work for the force {chosen.force!r}"})
        conditions.append(Referral.force_code == chosen.force)
    if chosen.unassigned:
        conditions.append(col(Referral.assigned_worker_id).is_(None))
    elif chosen.worker_id is not None:
        conditions.append(Referral.assigned_worker_id == chosen.worker_id)
    if chosen.status:
        conditions.append(Referral.status == chosen.status)
    elif chosen.open_only:
        conditions.append(col(Referral.status).in_(OPEN_VALUES))
    if chosen.substance:
        conditions.append(Referral.main_substance == chosen.substance)
    if chosen.older_than_days:
        cutoff = datetime.combine(
            today - timedelta(days=chosen.older_than_days), datetime.min.time(), UTC
        )
        conditions.append(col(Referral.referred_at) < cutoff)
    if chosen.first_contact_overdue:
        conditions.append(overdue_condition(today))
    if chosen.concern_open:
        conditions.append(
            exists().where(
                SafeguardingConcern.referral_id == Referral.id,
                col(SafeguardingConcern.closed_at).is_(None),
            )
        )
    if chosen.barred:
        conditions.append(
            exists().where(
                IntelligenceLog.person_id == Referral.person_id,
                col(IntelligenceLog.bar_until) >= today,
            )
        )
    if chosen.call_back_due:
        conditions.append(_call_back_due_condition(today))
    needle = chosen.search.strip().lower()
    if needle:
        conditions.append(_search_condition(needle))
    return conditions


def _search_condition(needle: str) -> Any:
    """Police reference, name or postcode containing what was typed.

    Names are matched on the stored match keys (letters only, accents and case folded), so
    "o'brien" finds O'Brien; two words are a first and a last name. Only a search with a
    digit (or a slash) in it looks at references and postcodes, and only one without looks
    at names: each clause left out is a scan of 100,000 rows saved.
    """
    clauses: list[Any] = []
    if any(ch.isdigit() for ch in needle) or "/" in needle:
        clauses.append(func.lower(Referral.police_reference).like(f"%{needle}%"))
        squashed = needle.replace(" ", "").upper()
        clauses.append(
            col(Referral.person_id).in_(
                select(Person.id).where(
                    func.replace(Person.postcode, " ", "").like(f"%{squashed}%")
                )
            )
        )
    else:
        words = [normalise_name(w) for w in needle.split()]
        words = [w for w in words if w]
        if len(words) == 1:
            names = or_(
                col(Person.first_name_key).like(f"%{words[0]}%"),
                col(Person.last_name_key).like(f"%{words[0]}%"),
            )
        elif words:
            names = and_(
                col(Person.first_name_key).like(f"%{words[0]}%"),
                col(Person.last_name_key).like(f"%{words[-1]}%"),
            )
        else:
            names = None
        if names is not None:
            # The people matched once, as a subquery: the counts never join person.
            clauses.append(col(Referral.person_id).in_(select(Person.id).where(names)))
    return or_(*clauses) if clauses else false()


def _call_back_due_condition(today: date) -> Any:
    """An open call agreed to be called back today or earlier (UK day)."""
    end_of_today = datetime.combine(today + timedelta(days=1), datetime.min.time(), UK)
    return exists().where(
        Assessment.referral_id == Referral.id,
        col(Assessment.completed_at).is_(None),
        col(Assessment.call_back_at) < end_of_today.astimezone(UTC),
    )


def overdue_condition(today: date) -> Any:
    """First contact not made, no attempt logged, and the due date passed."""
    return and_(
        col(Referral.status).in_(AWAITING_FIRST_CONTACT),
        col(Referral.first_contact_at).is_(None),
        col(Referral.first_contact_due) < today,
        ~exists().where(ContactAttempt.referral_id == Referral.id),
    )


def _order(chosen: CaseloadFilter, worker: Any) -> list[Any]:
    columns: dict[SortKey, Any] = {
        SortKey.REFERRED: col(Referral.referred_at),
        SortKey.REFERENCE: col(Referral.police_reference),
        SortKey.NAME: func.lower(Person.last_name),
        SortKey.FORCE: col(Referral.force_code),
        SortKey.SUBSTANCE: col(Referral.main_substance),
        SortKey.STATUS: col(Referral.status),
        SortKey.WORKER: func.coalesce(worker.display_name, ""),
        SortKey.FIRST_CONTACT_DUE: col(Referral.first_contact_due),
    }
    first = columns[chosen.sort]
    tie = col(Referral.id)
    if chosen.descending:
        return [first.desc(), tie.desc()]
    return [first.asc(), tie.asc()]


def caseload_page(
    db: Database,
    actor: Actor,
    chosen: CaseloadFilter,
    *,
    today: date,
    page: int = 0,
    page_size: int = 50,
) -> CaseloadPage:
    """One page of the caseload and the counts above it, in one read transaction."""
    require(actor, Permission.VIEW_CASELOADS)
    conditions = _conditions(actor, chosen, today)
    worker = aliased(Staff)
    attempts = (
        select(func.count())
        .where(ContactAttempt.referral_id == Referral.id)
        .correlate(Referral)
        .scalar_subquery()
    )
    # One audit event per page shown: what was listed, never the names on it.
    with db.write() as session:
        counted = (
            select(Referral.status, func.count())
            .select_from(Referral)
            .where(*conditions)
            .group_by(Referral.status)
        )
        by_status = {status: count for status, count in session.exec(counted).all()}
        total = sum(by_status.values())
        page = clamp_page(page, total, page_size)
        statement = (
            select(
                Referral.id,
                Referral.police_reference,
                Referral.force_code,
                Person.first_name,
                Person.last_name,
                Referral.referred_at,
                Referral.main_substance,
                Referral.status,
                Referral.assigned_worker_id,
                worker.display_name,
                Referral.first_contact_due,
                Referral.first_contact_at,
                attempts,
                Referral.version,
            )
            .join(Person, col(Person.id) == Referral.person_id)
            .outerjoin(worker, col(worker.id) == Referral.assigned_worker_id)
            .where(*conditions)
            .order_by(*_order(chosen, worker))
            .offset(page * page_size)
            .limit(page_size)
        )
        rows = [
            CaseloadRow(
                referral_id=r[0],
                police_reference=r[1],
                force_code=r[2],
                person_name=f"{r[3]} {r[4]}",
                referred_at=r[5],
                main_substance=r[6],
                status=r[7],
                worker_id=r[8],
                worker=r[9],
                first_contact_due=r[10],
                first_contact_at=r[11],
                attempts=r[12] or 0,
                version=r[13],
            )
            for r in session.exec(statement).all()
        ]
        shown = f"page {page + 1}, {len(rows)} of {total}"
        if chosen.search.strip() or chosen.describe():
            shown += ", filtered"
        audit.record(session, actor, "caseload.list", "referral", "", shown)
    return CaseloadPage(rows, total, page, page_size, by_status)


def page_of(
    db: Database,
    actor: Actor,
    chosen: CaseloadFilter,
    referral_id: int,
    *,
    today: date,
    page_size: int = 50,
) -> int | None:
    """The page on which a referral stands under this filter and sort (None if it left it),
    so that the cursor can follow the referral acted on."""
    require(actor, Permission.VIEW_CASELOADS)
    conditions = _conditions(actor, chosen, today)
    worker = aliased(Staff)
    with db.read() as session:
        numbered = (
            select(
                Referral.id.label("rid"),  # type: ignore[attr-defined]
                func.row_number().over(order_by=_order(chosen, worker)).label("n"),
            )
            .join(Person, col(Person.id) == Referral.person_id)
            .outerjoin(worker, col(worker.id) == Referral.assigned_worker_id)
            .where(*conditions)
            .subquery()
        )
        position = session.exec(select(numbered.c.n).where(numbered.c.rid == referral_id)).first()
    if position is None:
        return None
    return (int(position) - 1) // page_size


def matching_ids(
    db: Database, actor: Actor, chosen: CaseloadFilter, *, today: date, limit: int = 5000
) -> list[int]:
    """The ids of every referral the filter matches (for "select all matching"), at most
    ``limit`` so that a careless filter cannot move the whole service at once."""
    require(actor, Permission.VIEW_CASELOADS)
    conditions = _conditions(actor, chosen, today)
    with db.read() as session:
        ids = session.exec(
            select(Referral.id).where(*conditions).order_by(col(Referral.id)).limit(limit + 1)
        ).all()
    if len(ids) > limit:
        raise ValidationError(
            {
                "selection": f"more than {limit:,} referrals match: narrow the filter "
                "(for example by force or status) before selecting them all"
            }
        )
    return [int(i) for i in ids if i is not None]


def with_sort(chosen: CaseloadFilter, key: SortKey) -> CaseloadFilter:
    """Sorting by the same column again turns the order round."""
    if chosen.sort is key:
        return replace(chosen, descending=not chosen.descending)
    return replace(chosen, sort=key, descending=key is SortKey.REFERRED)
