"""What a worker sees when they open a referral: the person, the facts, the eligibility in
words, the person's earlier referrals and the timeline. Opening is a read of a person's
record, so it is audited (DESIGN section 9); the values returned are plain dataclasses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from divert_tui.core import feed_fields
from divert_tui.core.database import Database
from divert_tui.core.models import (
    ContactAttempt,
    IntelligenceLog,
    Note,
    Person,
    PersonChange,
    Referral,
    SafeguardingConcern,
    Staff,
)
from divert_tui.core.models import StatusChange as StatusRow
from divert_tui.core.rules import contact
from divert_tui.core.rules.calendar import first_contact_state, state_for_due
from divert_tui.core.rules.conflicts import Seen
from divert_tui.core.rules.eligibility import fmt_date, scheme_label
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit
from divert_tui.core.services.assessment_record import CallBrief, brief_of
from divert_tui.core.services.base import Actor, NotFound, Permission, ValidationError, require
from divert_tui.core.services.contact_safety import ContactCaution, contact_cautions
from divert_tui.core.services.referral_conflicts import snapshot
from divert_tui.core.services.referrals import attempts_of, decide_for
from divert_tui.core.vocab import CONTACT_OUTCOME_LABELS, ContactOutcome


@dataclass(frozen=True)
class PersonView:
    id: int
    first_name: str
    last_name: str
    date_of_birth: date
    age: int
    sex: str
    self_defined_ethnicity: str | None
    officer_observed_ethnicity: str | None
    phone: str | None
    postcode: str | None
    needs_interpreter: bool


@dataclass(frozen=True)
class EarlierReferral:
    """Another referral of the same person (earlier or later than the one open)."""

    referral_id: int
    force_code: str
    police_reference: str
    referred_at: datetime
    status: str
    outcome: str
    relation: str = "earlier"  # "earlier" or "later" than the referral open


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # UK local time
    kind: str  # "status", "contact", "note", "intelligence", "contact details"
    who: str
    text: str


@dataclass(frozen=True)
class ReferralDetail:
    referral_id: int
    version: int
    force_code: str
    scheme: str
    police_reference: str
    referred_at: datetime
    offence_date: date
    substances: tuple[str, ...]
    officer: str
    location: str
    feed_notes: str
    source: str
    status: str
    status_reason: str
    assigned_worker: str | None
    first_contact_due: date | None
    first_contact: str  # "done", "overdue", "due_today", "due"
    eligible: bool
    eligibility: str
    bar_until: date | None
    bar_override: str
    possible_match: PersonView | None
    person: PersonView
    earlier: tuple[EarlierReferral, ...]
    timeline: tuple[TimelineEntry, ...]
    contact: contact.ContactVerdict
    open_concerns: tuple[OpenConcern, ...] = ()
    first_contact_at: datetime | None = None  # UK local time of the first attempt
    contact_caution: ContactCaution | None = None  # the number is not safe to call or message
    call: CallBrief | None = None  # the latest assessment in one line (assessment_record)
    seen: Seen | None = None  # what a save compares with if someone else saved meanwhile


@dataclass(frozen=True)
class OpenConcern:
    type: str
    summary: str
    follow_up_due: date | None


def open_concerns(session: Session, referral_id: int) -> list[OpenConcern]:
    """The referral's safeguarding concerns still open, soonest follow-up first."""
    rows = session.exec(
        select(SafeguardingConcern)
        .where(
            SafeguardingConcern.referral_id == referral_id,
            col(SafeguardingConcern.closed_at).is_(None),
        )
        .order_by(col(SafeguardingConcern.follow_up_due))
    ).all()
    return [OpenConcern(r.type, (r.detail.splitlines() or [""])[0], r.follow_up_due) for r in rows]


def _uk(moment: datetime) -> datetime:
    return moment.astimezone(feed_fields.UK_TIME)


def _person(session: Session, person_id: int, on: date) -> PersonView:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}")
    return PersonView(
        person.id or 0,
        person.first_name,
        person.last_name,
        person.date_of_birth,
        feed_fields.age_on(person.date_of_birth, on),
        person.sex,
        person.self_defined_ethnicity,
        person.officer_observed_ethnicity,
        person.phone,
        person.postcode,
        person.needs_interpreter,
    )


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(Staff.id, Staff.display_name).where(col(Staff.id).in_(wanted))).all()
    return {i: name for i, name in rows if i is not None}


def timeline(session: Session, referral_id: int) -> list[TimelineEntry]:
    """Status changes, contact attempts, notes and intelligence logs, oldest first."""
    moves = session.exec(select(StatusRow).where(StatusRow.referral_id == referral_id)).all()
    calls = session.exec(
        select(ContactAttempt).where(ContactAttempt.referral_id == referral_id)
    ).all()
    notes = session.exec(select(Note).where(Note.referral_id == referral_id)).all()
    logs = session.exec(
        select(IntelligenceLog).where(IntelligenceLog.referral_id == referral_id)
    ).all()
    names = _names(
        session,
        {m.staff_id for m in moves} | {c.staff_id for c in calls} | {n.staff_id for n in notes},
    )

    def who(staff_id: int | None) -> str:
        return names.get(staff_id or -1, "system")

    entries = []
    referral = session.get(Referral, referral_id)
    if referral is not None:
        entries.append(
            TimelineEntry(
                _uk(referral.referred_at),
                "status",
                "system",
                f"referral received ({referral.source.replace('_', ' ')}), recorded "
                f"{fmt_date(_uk(referral.created_at).date())}",
            )
        )
    entries += [
        TimelineEntry(
            _uk(m.at),
            "status",
            who(m.staff_id),
            f"{(m.from_status or 'new').replace('_', ' ')} -> {m.to_status.replace('_', ' ')}"
            + (f": {m.reason}" if m.reason else ""),
        )
        for m in moves
    ]
    entries += [
        TimelineEntry(
            _uk(c.attempted_at),
            "contact",
            who(c.staff_id),
            CONTACT_OUTCOME_LABELS[ContactOutcome(c.outcome)] + (f": {c.note}" if c.note else ""),
        )
        for c in calls
    ]
    entries += [TimelineEntry(_uk(n.created_at), "note", who(n.staff_id), n.text) for n in notes]
    entries += [
        TimelineEntry(
            _uk(log.created_at),
            "intelligence",
            "system",
            f"intelligence log {log.id} ({log.reason.replace('_', '-')}), bar until "
            f"{fmt_date(log.bar_until)}"
            + (
                f", sent to police {fmt_date(_uk(log.sent_to_police_at).date())}"
                if log.sent_to_police_at
                else ""
            ),
        )
        for log in logs
    ]
    if referral is not None:
        entries += _contact_history(session, referral.person_id)
    return sorted(entries, key=lambda e: e.at)


def _contact_history(session: Session, person_id: int) -> list[TimelineEntry]:
    """Changes to the person's phone and postcode (from any of their referrals), so that a
    number replaced by a newer feed is never replaced without a trace."""
    rows = session.exec(
        select(PersonChange)
        .where(PersonChange.person_id == person_id)
        .order_by(col(PersonChange.id))
    ).all()
    return [
        TimelineEntry(
            _uk(change.changed_at),
            "contact details",
            "system",
            f"{change.field} changed from {change.old_value or 'none'} to "
            f"{change.new_value or 'none'} ({change.source.replace('_', ' ')})",
        )
        for change in rows
    ]


def _earlier_referrals(
    session: Session, person_id: int, but: int, referred_at: datetime | None = None
) -> list[EarlierReferral]:
    """The person's other referrals in date order, each marked earlier or later than ``but``."""
    rows = session.exec(
        select(Referral)
        .where(Referral.person_id == person_id, Referral.id != but)
        .order_by(col(Referral.referred_at), col(Referral.id))
    ).all()
    pivot = _uk(referred_at) if referred_at is not None else None
    return [
        EarlierReferral(
            r.id or 0,
            r.force_code,
            r.police_reference,
            _uk(r.referred_at),
            r.status,
            r.status_reason or r.status.replace("_", " "),
            "later" if pivot is not None and _uk(r.referred_at) > pivot else "earlier",
        )
        for r in rows
    ]


def open_referral(
    db: Database,
    actor: Actor,
    referral_id: int,
    schemes: Mapping[str, Scheme],
    *,
    today: date | None = None,
) -> ReferralDetail:
    """Everything the referral screen shows, with the eligibility decided afresh."""
    today = today or datetime.now(feed_fields.UK_TIME).date()
    with db.write() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFound(f"no referral {referral_id}")
        require(actor, Permission.VIEW_REFERRALS, force=referral.force_code)
        scheme = schemes[referral.force_code]
        referred = _uk(referral.referred_at)
        verdict = decide_for(session, referral, schemes)
        worker = _names(session, {referral.assigned_worker_id}).get(
            referral.assigned_worker_id or -1
        )
        detail = ReferralDetail(
            referral_id=referral_id,
            version=referral.version,
            force_code=referral.force_code,
            scheme=scheme_label(scheme.name),
            police_reference=referral.police_reference,
            referred_at=referred,
            offence_date=referral.offence_date,
            substances=tuple(s for s in referral.substances.split(";") if s),
            officer=referral.officer or "",
            location=referral.location or "",
            feed_notes=referral.feed_notes or "",
            source=referral.source,
            status=referral.status,
            status_reason=referral.status_reason or "",
            assigned_worker=worker,
            first_contact_due=referral.first_contact_due,
            first_contact=(
                state_for_due(
                    referral.first_contact_due,
                    today,
                    contacted=referral.first_contact_at is not None,
                )
                if referral.first_contact_due is not None
                else first_contact_state(
                    referred,
                    scheme.first_contact_working_days,
                    today,
                    contacted=referral.first_contact_at is not None,
                )
            ),
            eligible=verdict.eligible,
            eligibility=verdict.explanation,
            bar_until=verdict.bar_until,
            bar_override=(referral.bar_override_reason or "").replace("|", " "),
            possible_match=(
                _person(session, referral.possible_match_person_id, referred.date())
                if referral.possible_match_person_id
                else None
            ),
            person=_person(session, referral.person_id, referred.date()),
            earlier=tuple(
                _earlier_referrals(session, referral.person_id, referral_id, referral.referred_at)
            ),
            timeline=tuple(timeline(session, referral_id)),
            contact=contact.assess_contact(attempts_of(session, referral_id), scheme),
            open_concerns=tuple(open_concerns(session, referral_id)),
            first_contact_at=(
                _uk(referral.first_contact_at) if referral.first_contact_at else None
            ),
            contact_caution=contact_cautions(session, [referral.person_id]).get(referral.person_id),
            call=brief_of(session, referral),
            seen=snapshot(session, referral),
        )
        audit.record(session, actor, "referral.view", "referral", referral_id)
        return detail


def add_note(db: Database, actor: Actor, referral_id: int, text: str) -> int:
    """A free-text note on the referral's timeline; returns the note id."""
    clean = text.strip()
    if not clean:
        raise ValidationError({"text": "the note is empty"})
    if len(clean) > 5000:
        raise ValidationError({"text": "a note may be at most 5000 characters"})
    with db.write() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFound(f"no referral {referral_id}")
        require(actor, Permission.WORK_REFERRALS, force=referral.force_code)
        note = Note(referral_id=referral_id, staff_id=actor.staff_id, text=clean)
        session.add(note)
        session.flush()
        audit.record(session, actor, "referral.note", "referral", referral_id, f"note={note.id}")
        return note.id or 0
