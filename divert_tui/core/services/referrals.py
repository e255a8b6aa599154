"""Working a referral: claim it, phone the person, move it through its life, close it.

Every status change goes through ``rules.lifecycle.check_move`` with facts read from the
database, and leaves a StatusChange row (the timeline) and an audit event. Closing as
non-compliant writes the intelligence log with its bar date in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from divert_tui.core import feed_fields
from divert_tui.core.database import Database
from divert_tui.core.models import (
    Allocation,
    Assessment,
    Booking,
    ContactAttempt,
    IntelligenceLog,
    Person,
    Referral,
    StatusChange,
    utcnow,
)
from divert_tui.core.rules import attendance, contact, eligibility
from divert_tui.core.rules.calendar import first_contact_due
from divert_tui.core.rules.lifecycle import check_move
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    Actor,
    ConflictError,
    NotFound,
    Permission,
    PermissionDenied,
    ServiceError,
    ValidationError,
    check_version,
    get_for_update,
    require,
)
from divert_tui.core.services.intake_store import intel_facts, local_day
from divert_tui.core.vocab import (
    OPEN_STATUSES,
    BookingStatus,
    ContactOutcome,
    ReferralStatus,
    Role,
)

S = ReferralStatus
_OPEN = frozenset(s.value for s in OPEN_STATUSES)


class MoveRefused(ServiceError):
    """The lifecycle rules refuse this status change; ``str()`` says why."""


@dataclass(frozen=True)
class ContactLogged:
    attempt_id: int
    status: str
    version: int
    verdict: contact.ContactVerdict


@dataclass(frozen=True)
class Closed:
    referral_id: int
    status: str
    version: int
    intelligence_log_id: int | None = None
    bar_until: date | None = None


def _load(session: Session, actor: Actor, referral_id: int, permission: Permission) -> Referral:
    """The referral a write is about, locked for the rest of the transaction.

    Two claims must not both "succeed" (see ``get_for_update``).
    """
    referral = get_for_update(session, Referral, referral_id)
    if referral is None:
        raise NotFound(f"no referral {referral_id}")
    require(actor, permission, force=referral.force_code)
    return referral


def _bump(referral: Referral) -> None:
    referral.version += 1
    referral.updated_at = utcnow()


def attempts_of(session: Session, referral_id: int) -> list[contact.AttemptFact]:
    rows = session.exec(
        select(ContactAttempt.attempted_at, ContactAttempt.outcome).where(
            ContactAttempt.referral_id == referral_id
        )
    ).all()
    return [
        contact.AttemptFact(at.astimezone(feed_fields.UK_TIME), outcome) for at, outcome in rows
    ]


def _facts(
    session: Session, referral: Referral, actor: Actor, scheme: Scheme, reason: str
) -> dict[str, object]:
    """What the lifecycle rule needs to know, read from the database and the scheme."""
    rid = referral.id
    verdict = contact.assess_contact(attempts_of(session, rid or 0), scheme)
    completed = session.exec(
        select(func.count())
        .select_from(Assessment)
        .where(Assessment.referral_id == rid, col(Assessment.completed_at).is_not(None))
    ).one()
    bookings = session.exec(select(Booking.status).where(Booking.referral_id == rid)).all()
    allocated = session.exec(select(Allocation.id).where(Allocation.referral_id == rid)).first()
    return {
        "reason": reason,
        "actor_role": actor.role.value,
        "assessment_completed": completed > 0,
        "allocation_chosen": allocated is not None,
        "has_booking": any(b == BookingStatus.BOOKED.value for b in bookings),
        "course_completed": any(b == BookingStatus.COMPLETED.value for b in bookings),
        "missed_sessions": attendance.assess_missed(bookings, scheme).propose_non_compliant,
        "booking_cancelled": bool(bookings)
        and all(b == BookingStatus.CANCELLED.value for b in bookings),
        "contact_policy_exhausted": verdict.propose_non_compliant and not verdict.declined,
        "declined": verdict.declined,
    }


def _move(
    session: Session,
    actor: Actor,
    referral: Referral,
    target: str,
    reason: str,
    facts: Mapping[str, object],
) -> None:
    refused = check_move(referral.status, target, **facts)
    if refused is not None:
        raise MoveRefused(refused)
    session.add(
        StatusChange(
            referral_id=referral.id or 0,
            from_status=referral.status,
            to_status=target,
            staff_id=actor.staff_id,
            reason=reason or None,
        )
    )
    referral.status = target
    referral.status_reason = reason or None
    referral.closed_at = utcnow() if target not in _OPEN else None
    _bump(referral)
    session.add(referral)


def claim(
    db: Database, actor: Actor, referral_id: int, *, expected_version: int | None = None
) -> int:
    """Take an unassigned referral onto the actor's caseload; returns the new version."""
    with db.write() as session:
        referral = _load(session, actor, referral_id, Permission.WORK_REFERRALS)
        check_version(referral.version, expected_version, "referral")
        if actor.staff_id is None:
            raise ValidationError({"worker": "only a staff member can claim a referral"})
        if actor.role is Role.ADMIN:
            raise PermissionDenied(
                "an admin account cannot take referrals on: working referrals needs a drug "
                "worker or team lead account"
            )
        if referral.assigned_worker_id not in (None, actor.staff_id):
            raise ConflictError("this referral is already claimed by another worker")
        if referral.status not in _OPEN:
            raise MoveRefused(f"a {referral.status.replace('_', ' ')} referral cannot be claimed")
        referral.assigned_worker_id = actor.staff_id
        _bump(referral)
        session.add(referral)
        audit.record(session, actor, "referral.claim", "referral", referral_id)
        return referral.version


def add_contact_attempt(
    session: Session,
    actor: Actor,
    referral: Referral,
    outcome: str,
    scheme: Scheme,
    note: str = "",
    when: datetime | None = None,
) -> ContactAttempt:
    """The attempt inside the caller's transaction; the first moves received to contacting."""
    when = when or utcnow()
    attempt = ContactAttempt(
        referral_id=referral.id or 0,
        staff_id=actor.staff_id,
        attempted_at=when,
        outcome=outcome,
        note=note.strip() or None,
    )
    session.add(attempt)
    if referral.first_contact_at is None:
        referral.first_contact_at = when
    if referral.status == S.RECEIVED.value:
        facts = _facts(session, referral, actor, scheme, "")
        _move(session, actor, referral, S.CONTACTING.value, "first contact attempt", facts)
    else:
        _bump(referral)
        session.add(referral)
    session.flush()
    return attempt


def log_contact_attempt(
    db: Database,
    actor: Actor,
    referral_id: int,
    outcome: str,
    schemes: Mapping[str, Scheme],
    *,
    note: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> ContactLogged:
    """Record one call; the first one moves a received referral to contacting.

    The verdict says whether the contact policy is now exhausted (or the person declined),
    in which case the screen proposes ``close_non_compliant``.
    """
    try:
        outcome = ContactOutcome(outcome).value
    except ValueError:
        raise ValidationError(
            {"outcome": f"use one of {', '.join(o.value for o in ContactOutcome)}"}
        ) from None
    when = at or utcnow()
    if when.tzinfo is None:
        when = when.replace(tzinfo=feed_fields.UK_TIME)
    if when > utcnow():
        raise ValidationError({"at": "a contact attempt cannot be in the future"})
    with db.write() as session:
        referral = _load(session, actor, referral_id, Permission.WORK_REFERRALS)
        check_version(referral.version, expected_version, "referral")
        if referral.status not in (S.RECEIVED.value, S.CONTACTING.value):
            raise MoveRefused(
                f"contact attempts are logged while contacting; this referral is "
                f"{referral.status.replace('_', ' ')}"
            )
        scheme = schemes[referral.force_code]
        attempt = add_contact_attempt(session, actor, referral, outcome, scheme, note, when)
        verdict = contact.assess_contact(attempts_of(session, referral_id), scheme)
        audit.record(
            session,
            actor,
            "referral.contact_attempt",
            "referral",
            referral_id,
            f"outcome={outcome}",
        )
        return ContactLogged(attempt.id or 0, referral.status, referral.version, verdict)


def move_status(
    db: Database,
    actor: Actor,
    referral_id: int,
    target: str,
    schemes: Mapping[str, Scheme],
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> int:
    """Any lifecycle move other than closing as non-compliant; returns the new version."""
    with db.write() as session:
        referral = _load(session, actor, referral_id, Permission.WORK_REFERRALS)
        check_version(referral.version, expected_version, "referral")
        move_within(session, actor, referral, target, schemes, reason=reason)
        return referral.version


def move_within(
    session: Session,
    actor: Actor,
    referral: Referral,
    target: str,
    schemes: Mapping[str, Scheme],
    *,
    reason: str = "",
) -> None:
    """A lifecycle move inside the caller's transaction (for use cases that change more
    than the status, such as completing an assessment); checked, recorded and audited."""
    if target == S.NON_COMPLIANT.value:
        raise MoveRefused("use close as non-compliant, which also writes the intelligence log")
    if target == S.RECEIVED.value:
        raise MoveRefused("use the team lead override to set a bar aside")
    facts = _facts(session, referral, actor, schemes[referral.force_code], reason)
    if target == S.INELIGIBLE.value:
        facts["eligible"] = decide_for(session, referral, schemes).eligible
    previous = referral.status
    _move(session, actor, referral, target, reason.strip(), facts)
    audit.record(
        session, actor, "referral.status", "referral", referral.id or 0, f"{previous}->{target}"
    )


def close_non_compliant(
    db: Database,
    actor: Actor,
    referral_id: int,
    schemes: Mapping[str, Scheme],
    *,
    reason: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> Closed:
    """Close for non-engagement and write the intelligence log with its bar date."""
    with db.write() as session:
        referral = _load(session, actor, referral_id, Permission.WORK_REFERRALS)
        check_version(referral.version, expected_version, "referral")
        scheme = schemes[referral.force_code]
        facts = _facts(session, referral, actor, scheme, reason)
        verdict = contact.assess_contact(attempts_of(session, referral_id), scheme)
        words = reason.strip() or verdict.reason
        if facts["missed_sessions"] and not verdict.propose_non_compliant:
            statuses = session.exec(
                select(Booking.status).where(Booking.referral_id == referral_id)
            ).all()
            words = reason.strip() or attendance.assess_missed(statuses, scheme).reason
        _move(session, actor, referral, S.NON_COMPLIANT.value, words, facts)
        created = today or datetime.now(feed_fields.UK_TIME).date()
        bar_until = eligibility.bar_end(created, scheme.bar_months)
        log = IntelligenceLog(
            person_id=referral.person_id,
            referral_id=referral_id,
            force_code=referral.force_code,
            reason="non_compliance",
            bar_until=bar_until,
        )
        if today is not None:
            log.created_at = datetime(
                today.year, today.month, today.day, 12, tzinfo=feed_fields.UK_TIME
            )
        session.add(log)
        session.flush()
        audit.record(
            session,
            actor,
            "referral.non_compliant",
            "referral",
            referral_id,
            f"intelligence_log={log.id} bar_until={bar_until.isoformat()}",
        )
        return Closed(referral_id, referral.status, referral.version, log.id, bar_until)


def decide_for(
    session: Session, referral: Referral, schemes: Mapping[str, Scheme]
) -> eligibility.Eligibility:
    """Eligibility of a stored referral now, from the person's logs and earlier referrals."""
    scheme = schemes[referral.force_code]
    person = session.get(Person, referral.person_id)
    own = set(
        session.exec(
            select(IntelligenceLog.id).where(IntelligenceLog.referral_id == referral.id)
        ).all()
    )
    logs = intel_facts(session, [referral.person_id], schemes).get(referral.person_id, [])
    earlier = session.exec(
        select(Referral.id, Referral.referred_at, Referral.status).where(
            Referral.person_id == referral.person_id, Referral.id != referral.id
        )
    ).all()
    override = None
    if referral.bar_override_reason:
        override = eligibility.OverrideFact(*_split_override(referral.bar_override_reason))
    return eligibility.decide(
        referral.referred_at.astimezone(feed_fields.UK_TIME),
        scheme,
        date_of_birth=person.date_of_birth if person else None,
        logs=[log for log in logs if log.id not in own],
        earlier=[eligibility.EarlierReferralFact(i, local_day(r), s) for i, r, s in earlier],
        override=override,
    )


def _split_override(stored: str) -> tuple[str, date, str]:
    """Overrides are stored as "username|YYYY-MM-DD|reason" on the referral."""
    by, on, reason = (stored.split("|", 2) + ["", ""])[:3]
    return by, date.fromisoformat(on) if on[:1].isdigit() else date.min, reason


def override_bar(
    db: Database,
    actor: Actor,
    referral_id: int,
    reason: str,
    schemes: Mapping[str, Scheme],
    *,
    expected_version: int | None = None,
) -> str:
    """A team lead sets a bar aside for this referral with a recorded reason (audited).

    Only a bar can be overridden: a person outside the scheme's age stays outside it.
    Returns the new eligibility explanation.
    """
    if not reason.strip():
        raise ValidationError({"reason": "say why the bar is set aside"})
    if "|" in reason:
        reason = reason.replace("|", "/")
    with db.write() as session:
        referral = _load(session, actor, referral_id, Permission.OVERRIDE_BAR)
        check_version(referral.version, expected_version, "referral")
        scheme = schemes[referral.force_code]
        verdict = decide_for(session, referral, schemes)
        if verdict.rule != "bar":
            raise MoveRefused(f"there is no bar to set aside: {verdict.explanation}")
        today = datetime.now(feed_fields.UK_TIME).date()
        referral.bar_override_reason = f"{actor.username}|{today.isoformat()}|{reason.strip()}"
        # Nobody could call while the bar stood: the first-contact clock starts now.
        referral.first_contact_due = first_contact_due(today, scheme.first_contact_working_days)
        if referral.status == S.INELIGIBLE.value:
            facts = _facts(session, referral, actor, scheme, reason.strip())
            role = Role.TEAM_LEAD.value if actor.role is Role.TRAINER else actor.role.value
            facts["actor_role"] = role
            _move(session, actor, referral, S.RECEIVED.value, f"bar overridden: {reason}", facts)
        else:
            _bump(referral)
        after = decide_for(session, referral, schemes)
        referral.eligibility_note = after.explanation
        session.add(referral)
        audit.record(
            session,
            actor,
            "referral.bar_override",
            "referral",
            referral_id,
            f"intelligence_log={verdict.log_id}",
        )
        return after.explanation
