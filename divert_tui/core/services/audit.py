"""The append-only, hash-chained audit trail: who did what, when, to which record.

Each event's hash covers its own fields and the previous event's hash, so changing or
removing any row breaks the chain from there on, and ``verify`` names the first break.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from divert_tui.core.database import Database
from divert_tui.core.models import AuditEvent, utcnow
from divert_tui.core.services.base import Actor, Permission, require

_PG_AUDIT_LOCK = 0x0D1E_A0D1  # serialises appends on PostgreSQL; SQLite writers already queue


def event_hash(
    prev_hash: str,
    at: datetime,
    staff_id: int | None,
    username: str,
    action: str,
    entity: str,
    entity_id: str,
    detail: str,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at.isoformat(timespec="microseconds"),
            staff_id,
            username,
            action,
            entity,
            entity_id,
            detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str = "",
    entity_id: object = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_AUDIT_LOCK})
    prev = session.exec(
        select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
    ).first()
    at = utcnow()
    event = AuditEvent(
        at=at,
        staff_id=actor.staff_id,
        username=actor.username,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        detail=detail,
        prev_hash=prev or "",
        hash=event_hash(
            prev or "", at, actor.staff_id, actor.username, action, entity, str(entity_id), detail
        ),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_broken_id: int | None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def _iter_events(session: Session, batch: int = 2000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.id) > last_id)
            .order_by(col(AuditEvent.id))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id or last_id


def verify(db: Database, actor: Actor) -> ChainReport:
    """Walk the whole chain in order and report the first event that does not fit."""
    require(actor, Permission.VERIFY_AUDIT)
    checked = 0
    prev_hash = ""
    with db.read() as session:
        for event in _iter_events(session):
            checked += 1
            if event.prev_hash != prev_hash:
                return ChainReport(
                    checked,
                    event.id,
                    "its link to the event before it is broken (an event was removed or changed)",
                )
            expected = event_hash(
                event.prev_hash,
                event.at,
                event.staff_id,
                event.username,
                event.action,
                event.entity,
                event.entity_id,
                event.detail,
            )
            if event.hash != expected:
                return ChainReport(
                    checked, event.id, "its contents were changed after it was written"
                )
            prev_hash = event.hash
    with db.write() as session:
        record(session, actor, "audit.verify", detail=f"{checked} events, intact")
    return ChainReport(checked, None)
