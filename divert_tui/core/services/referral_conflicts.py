"""A referral saved by two people: what the other changed, and keeping one's own change.

The referral screen keeps ``snapshot`` of what it showed. A save that meets a newer version
(``StaleVersion``) reads ``what_changed``; the person then reloads (their change is not
saved), or ``keep_mine`` repeats the same use case on top of the version they have now
seen, its audit event marked as an overwrite. Notes and contact attempts are added rows, so
nothing anyone wrote is lost either way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, func, select

from divert_tui.core import feed_fields
from divert_tui.core.database import Database
from divert_tui.core.models import (
    Assessment,
    AuditEvent,
    Booking,
    ContactAttempt,
    CourseSession,
    Note,
    Person,
    Referral,
    SafeguardingConcern,
    Staff,
)
from divert_tui.core.rules import conflicts
from divert_tui.core.rules.conflicts import Conflict, Seen
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    Actor,
    NotFound,
    Permission,
    overwriting,
    require,
)
from divert_tui.core.vocab import CONTACT_OUTCOME_LABELS, ContactOutcome

T = TypeVar("T")

__all__ = ["keep_mine", "what_changed"]


def _words(value: str | None) -> str:
    return (value or "").replace("_", " ")


def _moment(value: datetime | None) -> str:
    if value is None:
        return "none"
    return f"{value.astimezone(feed_fields.UK_TIME):%d/%m/%Y %H:%M}"


def _count(session: Session, model: type, *where: Any) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _calls(session: Session, referral_id: int) -> str:
    rows = session.exec(
        select(ContactAttempt.attempted_at, ContactAttempt.outcome)
        .where(ContactAttempt.referral_id == referral_id)
        .order_by(col(ContactAttempt.attempted_at).desc(), col(ContactAttempt.id).desc())
    ).all()
    if not rows:
        return "none"
    at, outcome = rows[0]
    label = CONTACT_OUTCOME_LABELS.get(ContactOutcome(outcome), outcome)
    return f"{len(rows)} (last: {label}, {_moment(at)})"


def _booking(session: Session, referral_id: int) -> str:
    row = session.exec(
        select(Booking.status, CourseSession.starts_at)
        .join(CourseSession, col(CourseSession.id) == Booking.session_id)
        .where(Booking.referral_id == referral_id)
        .order_by(col(Booking.id).desc())
    ).first()
    if row is None:
        return "none"
    status, starts = row
    return f"{_words(status)}, session {_moment(starts)}"


def _call_back(session: Session, referral_id: int) -> str:
    due = session.exec(
        select(Assessment.call_back_at)
        .where(Assessment.referral_id == referral_id)
        .order_by(col(Assessment.id).desc())
    ).first()
    return _moment(due) if due else "none"


def snapshot(session: Session, referral: Referral) -> Seen:
    """The referral's fields in plain words, as a screen shows them (inside a read)."""
    rid = referral.id or 0
    person = session.get(Person, referral.person_id)
    worker = (
        session.get(Staff, referral.assigned_worker_id) if referral.assigned_worker_id else None
    )
    fields = {
        "status": _words(referral.status),
        "reason": referral.status_reason or "none",
        "worker": worker.display_name if worker else "unassigned",
        "phone": (person.phone if person else None) or "none",
        "postcode": (person.postcode if person else None) or "none",
        "interpreter": "needed" if person and person.needs_interpreter else "not needed",
        "calls logged": _calls(session, rid),
        "call-back": _call_back(session, rid),
        "bar": (referral.bar_override_reason or "").replace("|", " ") or "not set aside",
        "possible match": "to check" if referral.possible_match_person_id else "none",
        "booking": _booking(session, rid),
        "open concerns": str(
            _count(
                session,
                SafeguardingConcern,
                SafeguardingConcern.referral_id == rid,
                col(SafeguardingConcern.closed_at).is_(None),
            )
        ),
        "notes": str(_count(session, Note, Note.referral_id == rid)),
    }
    return Seen(rid, referral.version, conflicts.ordered(fields))


def _savers_since(session: Session, referral_id: int) -> tuple[str, ...]:
    """Who wrote to the referral lately (its audit events other than reads), newest first."""
    rows = session.exec(
        select(AuditEvent.username, Staff.display_name)
        .join(Staff, col(Staff.id) == col(AuditEvent.staff_id), isouter=True)
        .where(
            AuditEvent.entity == "referral",
            AuditEvent.entity_id == str(referral_id),
            col(AuditEvent.action).not_in(("referral.view", "referral.conflict")),
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(10)
    ).all()
    names: list[str] = []
    for username, display in rows:
        name = display or username
        if name not in names:
            names.append(name)
    return tuple(names[:3])


def what_changed(db: Database, actor: Actor, seen: Seen) -> Conflict:
    """The referral now against what ``seen`` showed, field by field (a read: audited)."""
    with db.write() as session:
        referral = session.get(Referral, seen.referral_id)
        if referral is None:
            raise NotFound(f"no referral {seen.referral_id}")
        require(actor, Permission.VIEW_REFERRALS, force=referral.force_code)
        now = snapshot(session, referral)
        found = conflicts.changes(seen.as_dict(), now.as_dict())
        savers = _savers_since(session, seen.referral_id)
        audit.record(
            session,
            actor,
            "referral.conflict",
            "referral",
            seen.referral_id,
            f"seen=v{seen.version} now=v{now.version} fields="
            + (",".join(c.field.replace(" ", "_") for c in found) or "none"),
        )
        return Conflict(seen, now, found, savers)


def keep_mine(conflict: Conflict, service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """The same save again, deliberately on top of the version now stored.

    Only the version the person has just been shown is overwritten: if someone saved again
    meanwhile, ``base.StaleVersion`` is raised once more and they see the new changes."""
    kwargs["expected_version"] = conflict.version
    fields = [change.field for change in conflict.changes]
    with overwriting(conflicts.overwrite_detail(conflict.seen.version, conflict.version, fields)):
        return service(*args, **kwargs)
