"""The append-only, hash-chained audit trail: who did what, when, to which record.

Each event's hash covers its own fields and the previous event's hash, so changing or
removing any row breaks the chain from there on, and ``verify`` names the first break.

The chain's head is anchored: each append also updates this computer's row of
``audit_anchor``, signed (HMAC) with the audit key kept owner-only in the config folder.
Cutting events off the end, emptying the trail or rewriting it with recomputed hashes then
no longer matches the signed head, and without the key the head cannot be signed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from divert_tui.core.audit_key import AuditKey, AuditKeyError
from divert_tui.core.database import Database
from divert_tui.core.models import AuditAnchor, AuditEvent, Referral, Staff, utcnow
from divert_tui.core.services.base import Actor, Permission, overwrite_note, require

log = logging.getLogger(__name__)
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
    overwrite = overwrite_note()
    if overwrite:
        detail = f"{detail} {overwrite}".strip()
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
    # What was done, for whoever reads the log; never to whom (the trail says that).
    log.info("%s (%s) by staff %s", action, entity or "no record", actor.staff_id or "cli")
    key = session.info.get("audit_key")
    if isinstance(key, AuditKey):
        _move_anchor(session, key, event)
    return event


def _still_holds(session: Session, key: AuditKey, anchor: AuditAnchor, new: AuditEvent) -> bool:
    """Whether the signed head is genuine and still in the chain, unchanged, below ``new``."""
    if not key.signed(anchor.last_id, anchor.last_hash, anchor.mac):
        return False
    if anchor.last_id >= (new.id or 0):
        return False  # the signed event was removed and its id handed out again
    signed = session.exec(
        select(AuditEvent.hash).where(col(AuditEvent.id) == anchor.last_id)
    ).first()
    return signed == anchor.last_hash


def _move_anchor(session: Session, key: AuditKey, event: AuditEvent) -> None:
    """Sign the new head of the chain in this key's anchor row, in the same transaction.

    Only a chain that still holds the head signed last time moves on: after a cut or a
    rewrite the checkpoint stays where it was, so that the next save cannot sign over the
    damage and ``verify`` keeps reporting it.
    """
    assert event.id is not None
    anchor = session.get(AuditAnchor, key.key_id)
    if anchor is None:
        anchor = AuditAnchor(key_id=key.key_id, last_id=0, last_hash="", mac="")
    elif not _still_holds(session, key, anchor, event):
        log.warning("audit chain does not hold its signed head; the checkpoint is kept")
        return
    anchor.last_id = event.id
    anchor.last_hash = event.hash
    anchor.mac = key.sign(event.id, event.hash)
    session.add(anchor)


def anchor_existing_trail(db: Database) -> bool:
    """Sign the head of a trail written before checkpoints existed (right after migration
    0005 made their table): from then on its end is checked like any other. True if signed."""
    try:
        key = db.audit_key()
    except AuditKeyError:
        return False
    with db.write() as session:
        if session.exec(select(AuditAnchor.key_id).limit(1)).first() is not None:
            return False
        head = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
        if head is None or head.id is None:
            return False
        session.add(
            AuditAnchor(
                key_id=key.key_id,
                last_id=head.id,
                last_hash=head.hash,
                mac=key.sign(head.id, head.hash),
            )
        )
    return True


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_broken_id: int | None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None and not self.problem


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
    """Walk the whole chain in order and report the first event that does not fit; then check
    the signed head: the trail must still reach the event this computer last signed."""
    require(actor, Permission.VERIFY_AUDIT)
    try:
        key: AuditKey | None = db.audit_key()
        key_problem = ""
    except AuditKeyError as exc:
        key, key_problem = None, str(exc)
    checked = 0
    prev_hash = ""
    with db.read() as session:
        anchor = session.get(AuditAnchor, key.key_id) if key is not None else None
        anchors = len(session.exec(select(AuditAnchor.key_id)).all())
        anchored_hash: str | None = None
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
            if anchor is not None and event.id == anchor.last_id:
                anchored_hash = event.hash
            prev_hash = event.hash
        broken = _check_head(session, key, key_problem, anchor, anchors, anchored_hash, checked)
    if broken is not None:
        return broken
    with db.write() as session:
        record(session, actor, "audit.verify", detail=f"{checked} events, intact")
    return ChainReport(checked, None)


def _check_head(
    session: Session,
    key: AuditKey | None,
    key_problem: str,
    anchor: AuditAnchor | None,
    anchors: int,
    anchored_hash: str | None,
    checked: int,
) -> ChainReport | None:
    """The chain's links are sound; is its end still the end this computer signed?"""
    if key is None:
        return ChainReport(checked, None, f"the end of the trail cannot be checked: {key_problem}")
    if anchor is not None:
        if not key.signed(anchor.last_id, anchor.last_hash, anchor.mac):
            return ChainReport(
                checked,
                anchor.last_id,
                "the signed checkpoint of the trail's end was altered (its signature does "
                "not match the audit key)",
            )
        if anchored_hash is None:
            return ChainReport(
                checked,
                anchor.last_id,
                f"the trail ends before event {anchor.last_id}, the last one signed on this "
                "computer: events were removed from the end or the trail was emptied",
            )
        if anchored_hash != anchor.last_hash:
            return ChainReport(
                checked,
                anchor.last_id,
                "the trail was rewritten: the event this computer last signed now holds "
                "something else",
            )
        return None
    if checked:
        return ChainReport(
            checked,
            None,
            "the trail carries no checkpoint signed with this computer's audit key "
            f"({key.path}): the checkpoint was removed, or the trail was written with "
            "another key (verify on the computer that wrote it)",
        )
    if anchors or _holds_records(session):
        return ChainReport(
            0, None, "the audit trail is empty but the database holds records: it was emptied"
        )
    return None


def _holds_records(session: Session) -> bool:
    """Whether anything was ever written whose writing is audited."""
    staff = session.exec(select(Staff.id).limit(1)).first()
    referral = session.exec(select(Referral.id).limit(1)).first()
    return staff is not None or referral is not None
