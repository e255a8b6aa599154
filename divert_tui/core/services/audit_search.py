"""Searching the audit trail: who saw or changed what about a person, by staff member,
action and date range, one page at a time in SQL.

A person is found by a police reference (tried first, since some look like ids), a
referral id (``referral 12``), their person id, or their name; every event about them is
then found through the records that belong to them (their referrals, assessments, needs,
safeguarding concerns, bookings, intelligence logs), through booking events that name one
of their referrals in the detail (``offered_to_referral=12``) and through searches that
listed one of their referrals, and through bulk exports whose event lists one of their
referrals (``referrals=3-7,12``: rosters, reminders, outcomes, intelligence logs, the
evaluation extract). The search itself is audited, with the person ids it was
about, never the name typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Assessment,
    AuditEvent,
    Booking,
    IntelligenceLog,
    Need,
    Person,
    Referral,
    SafeguardingConcern,
    Staff,
)
from divert_tui.core.rules.call_back import UK
from divert_tui.core.rules.id_ranges import REFERRALS_KEY, lists_any
from divert_tui.core.rules.matching import normalise_name
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, ValidationError, require
from divert_tui.core.services.paging import Page, clamp_page

PAGE_SIZE = 50
_REFERRAL_ID = re.compile(r"^(?:referral|ref|r)\s*[#:]?\s*(\d+)$", re.IGNORECASE)
_PERSON_ID = re.compile(r"^(?:person|p)?\s*[#:]?\s*(\d+)$", re.IGNORECASE)

#: The use cases; the other public names are helpers shared with the CLI and screens.
__all__ = ["AuditFilter", "AuditPage", "AuditRow", "search"]


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; every field left empty matches everything."""

    person: str = ""  # a person id, "referral 12", a police reference, or a name
    staff: str = ""  # a user name, a display name, or part of one
    action: str = ""  # "referral.view", or a part: "export" finds every *.export
    date_from: date | None = None  # UK dates, both ends included
    date_to: date | None = None

    def in_words(self, person_ids: Iterable[int] | None) -> str:
        """The filter as the audit event about the search records it: ids, never names."""
        parts = []
        if person_ids is not None:
            ids = sorted(person_ids)
            parts.append("persons=" + (",".join(map(str, ids)) if ids else "none"))
        if self.staff:
            parts.append(f"staff={self.staff}")
        if self.action:
            parts.append(f"action={self.action}")
        if self.date_from:
            parts.append(f"from={self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"to={self.date_to.isoformat()}")
        return " ".join(parts) or "everything"


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # aware UTC
    username: str
    staff_name: str
    action: str
    entity: str
    entity_id: str
    detail: str

    @property
    def about(self) -> str:
        """'referral 12', or '' for events about no one record."""
        if not self.entity:
            return ""
        return f"{self.entity.replace('_', ' ')} {self.entity_id}".strip()

    @property
    def who(self) -> str:
        if self.staff_name and self.staff_name != self.username:
            return f"{self.staff_name} ({self.username})"
        return self.username


@dataclass(frozen=True)
class AuditPage:
    page: Page[AuditRow]
    person_ids: tuple[int, ...] | None  # the people the person filter found (None: no filter)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)


def _find_people(session: Session, text: str) -> set[int]:
    """The person ids a person filter names (see the module docstring)."""
    text = text.strip()
    if not text:
        return set()
    by_reference = session.exec(
        select(Referral.person_id).where(func.lower(Referral.police_reference) == text.lower())
    ).all()
    if by_reference:
        return set(by_reference)
    by_referral = _REFERRAL_ID.match(text)
    if by_referral:
        referral = session.get(Referral, int(by_referral.group(1)))
        return {referral.person_id} if referral is not None else set()
    by_person = _PERSON_ID.match(text)
    if by_person:
        person = session.get(Person, int(by_person.group(1)))
        return {person.id} if person is not None and person.id is not None else set()
    keys = [normalise_name(word) for word in text.split()]
    keys = [key for key in keys if key]
    if not keys:
        return set()
    query = select(Person.id)
    for key in keys:
        query = query.where(
            or_(
                col(Person.first_name_key).like(f"{key}%"),
                col(Person.last_name_key).like(f"{key}%"),
            )
        )
    return {pid for pid in session.exec(query.limit(500)).all() if pid is not None}


#: The bulk exports (and lists of people) whose audit event lists its referrals.
EXPORT_ACTIONS = (
    "evaluation.export",
    "intel.export",
    "outcome.export",
    "reminders.list",
    "sessions.roster",
)


def _exports_holding(session: Session, referral_ids: list[int]) -> list[int]:
    """The ids of the export events whose referral list holds any of these referrals.

    The action index narrows the read to exports, which are few; the ranges are then
    read here, since SQL cannot look inside "3-7,12"."""
    if not referral_ids:
        return []
    rows = session.exec(
        select(AuditEvent.id, AuditEvent.detail).where(
            col(AuditEvent.action).in_(EXPORT_ACTIONS),
            col(AuditEvent.detail).like(f"%{REFERRALS_KEY}%"),
        )
    ).all()
    return [event_id for event_id, detail in rows if event_id and lists_any(detail, referral_ids)]


#: Retention batches list the people (or intelligence logs) they anonymised, never names.
RETENTION_LISTS = (("person", "person_ids="), ("intelligence_log", "intelligence_log_ids="))


def _retention_batches_holding(session: Session, owned: dict[str, list[str]]) -> list[int]:
    """The ids of the retention batches that anonymised any of these people or their logs."""
    rows = session.exec(
        select(AuditEvent.id, AuditEvent.entity, AuditEvent.detail).where(
            col(AuditEvent.action) == "retention.apply"
        )
    ).all()
    found: list[int] = []
    for event_id, entity, detail in rows:
        for kind, key in RETENTION_LISTS:
            ids = [int(i) for i in owned.get(kind, [])]
            if event_id and entity == kind and lists_any(detail, ids, key):
                found.append(event_id)
    return found


def _ids(session: Session, query) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(value) for value in session.exec(query).all() if value is not None]


def person_condition(session: Session, person_ids: set[int]) -> ColumnElement[bool]:
    """Every event about these people, as one SQL condition on ``audit_event``."""
    people = sorted(person_ids)
    referral_ids = _ids(session, select(Referral.id).where(col(Referral.person_id).in_(people)))
    assessment_ids = _ids(
        session, select(Assessment.id).where(col(Assessment.referral_id).in_(referral_ids))
    )
    need_ids = _ids(session, select(Need.id).where(col(Need.assessment_id).in_(assessment_ids)))
    concern_ids = _ids(
        session,
        select(SafeguardingConcern.id).where(
            col(SafeguardingConcern.referral_id).in_(referral_ids)
        ),
    )
    booking_ids = _ids(
        session, select(Booking.id).where(col(Booking.referral_id).in_(referral_ids))
    )
    log_ids = _ids(
        session, select(IntelligenceLog.id).where(col(IntelligenceLog.person_id).in_(people))
    )
    owned = {
        "person": [str(p) for p in people],
        "referral": [str(r) for r in referral_ids],
        "assessment": [str(i) for i in assessment_ids],
        "need": [str(i) for i in need_ids],
        "safeguarding_concern": [str(i) for i in concern_ids],
        "booking": [str(i) for i in booking_ids],
        "intelligence_log": [str(i) for i in log_ids],
    }
    entity, entity_id, detail = (
        col(AuditEvent.entity),
        col(AuditEvent.entity_id),
        col(AuditEvent.detail),
    )
    terms: list[ColumnElement[bool]] = [
        and_(entity == kind, entity_id.in_(ids)) for kind, ids in owned.items() if ids
    ]
    for rid in referral_ids:
        # Booking events name the referral in the detail (a place offered to it, say);
        # the action range keeps the term on the action index.
        terms.append(
            and_(
                col(AuditEvent.action) >= "booking.",
                col(AuditEvent.action) < "booking/",
                or_(detail.like(f"%referral={rid} %"), detail.like(f"%referral={rid}")),
            )
        )
        terms.append(
            and_(
                col(AuditEvent.action) == "search",
                or_(
                    detail.like(f"% found: {rid}"),
                    detail.like(f"% found: {rid},%"),
                    detail.like(f"%,{rid},%"),
                    detail.like(f"%,{rid}"),
                ),
            )
        )
    exports = _exports_holding(session, referral_ids) + _retention_batches_holding(session, owned)
    if exports:
        terms.append(col(AuditEvent.id).in_(exports))
    return or_(*terms) if terms else (col(AuditEvent.id) < 0)


def _staff_condition(text: str) -> ColumnElement[bool]:
    word = text.strip().lower()
    staff_ids = select(Staff.id).where(
        or_(
            func.lower(Staff.username).like(f"%{word}%"),
            func.lower(Staff.display_name).like(f"%{word}%"),
        )
    )
    return or_(
        func.lower(AuditEvent.username).like(f"%{word}%"),
        col(AuditEvent.staff_id).in_(staff_ids),
    )


def _action_condition(text: str) -> ColumnElement[bool]:
    action = text.strip().lower()
    if "." in action:
        return func.lower(AuditEvent.action) == action
    return or_(
        func.lower(AuditEvent.action) == action,
        func.lower(AuditEvent.action).like(f"{action}.%"),
        func.lower(AuditEvent.action).like(f"%.{action}"),
    )


def _check_filter(wanted: AuditFilter) -> None:
    if wanted.date_from and wanted.date_to and wanted.date_from > wanted.date_to:
        raise ValidationError(
            {
                "from": f"{wanted.date_from:%d/%m/%Y} is after the 'to' date {wanted.date_to:%d/%m/%Y}: swap them"
            }
        )


def _conditions(session: Session, wanted: AuditFilter) -> tuple[list, set[int] | None]:  # type: ignore[type-arg]
    conditions: list[ColumnElement[bool]] = []
    person_ids: set[int] | None = None
    if wanted.person.strip():
        person_ids = _find_people(session, wanted.person)
        conditions.append(person_condition(session, person_ids))
    if wanted.staff.strip():
        conditions.append(_staff_condition(wanted.staff))
    if wanted.action.strip():
        conditions.append(_action_condition(wanted.action))
    if wanted.date_from:
        conditions.append(col(AuditEvent.at) >= _uk_midnight(wanted.date_from))
    if wanted.date_to:
        conditions.append(col(AuditEvent.at) < _uk_midnight(wanted.date_to + timedelta(days=1)))
    return conditions, person_ids


def _events_matching(
    session: Session, wanted: AuditFilter, *, page: int, page_size: int
) -> tuple[Page[AuditRow], set[int] | None]:
    """One page of the events that match, newest first (inside the caller's transaction)."""
    conditions, person_ids = _conditions(session, wanted)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    page = clamp_page(page, total, page_size)
    rows = session.exec(
        select(AuditEvent, Staff.display_name)
        .join(Staff, col(Staff.id) == col(AuditEvent.staff_id), isouter=True)
        .where(*conditions)
        .order_by(col(AuditEvent.id).desc())
        .offset(page * page_size)
        .limit(page_size)
    ).all()
    found = [
        AuditRow(
            event.id or 0,
            _as_utc(event.at),
            event.username,
            name or "",
            event.action,
            event.entity,
            event.entity_id,
            event.detail,
        )
        for event, name in rows
    ]
    return Page(found, total, page, page_size), person_ids


def search(
    db: Database,
    actor: Actor,
    wanted: AuditFilter,
    *,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> AuditPage:
    """A page of the audit trail for an admin; the search is itself an audit event."""
    require(actor, Permission.SEARCH_AUDIT)
    _check_filter(wanted)
    with db.write() as session:
        found, person_ids = _events_matching(session, wanted, page=page, page_size=page_size)
        audit.record(
            session,
            actor,
            "audit.search",
            "person" if person_ids is not None and len(person_ids) == 1 else "",
            next(iter(person_ids)) if person_ids is not None and len(person_ids) == 1 else "",
            f"{wanted.in_words(person_ids)} page={found.page + 1} found={found.total}",
        )
    return AuditPage(found, tuple(sorted(person_ids)) if person_ids is not None else None)


def uk_time(moment: datetime) -> str:
    """An event's time as UK staff read it: 27/11/2026 09:05:12."""
    return f"{_as_utc(moment).astimezone(UK):%d/%m/%Y %H:%M:%S}"
