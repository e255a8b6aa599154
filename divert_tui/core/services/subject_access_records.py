"""Reading one person's records for a subject-access export, as plain data.

Every field that is free text someone else wrote, and that may name or describe other
people, is put under review (``Review``) instead of being left in place: its place holds
the number of the review item, and the item says where the text comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from divert_tui.core.models import (
    AdviceGiven,
    Allocation,
    Assessment,
    AuditEvent,
    Booking,
    ContactAttempt,
    CourseGroup,
    CourseSession,
    Force,
    InstrumentResponse,
    IntelligenceLog,
    Need,
    NeedService,
    Note,
    Person,
    PersonChange,
    Referral,
    SafeguardingConcern,
    Service,
    Staff,
    StatusChange,
    SubstanceUse,
    WaitingEntry,
)
from divert_tui.core.rules.advice import catalogue
from divert_tui.core.services.audit_search import person_condition
from divert_tui.core.services.base import NotFound
from divert_tui.forms import load_instrument

#: Instruments whose answers are about someone else as much as the person (the Dash asks
#: about the abuser): the whole response is reviewed before release.
ABOUT_OTHERS = frozenset({"dash"})
#: Reasons the app writes itself when a referral moves on; anything else was typed.
SYSTEM_REASONS = frozenset(
    {
        "referral received from the officer",
        "assessment completed",
        "booked onto a session",
        "one-to-one booked",
        "non_compliance",
        "course completed",
        "left the session early; to be booked again",
        "did not attend; to be booked again",
    }
)
SYSTEM_REASON_STARTS = ("allocated: ", "session cancelled (", "not eligible", "eligible")


def iso(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        return aware.astimezone(UTC).isoformat(timespec="seconds")
    return moment.isoformat()


def _words(moment: datetime | None) -> str:
    """A moment as staff and the person read it: 4 March 2026 at 09:00 (UK time)."""
    from divert_tui.core.services.subject_access_letter import when_in_words

    return when_in_words(iso(moment))


@dataclass
class Review:
    """The free texts to be read by a person before release, numbered as found."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def flag(self, text: str | None, where: str, why: str) -> dict[str, Any] | None:
        """Put ``text`` under review; what the record holds in its place (None if empty)."""
        if text is None or not str(text).strip():
            return None
        number = len(self.items) + 1
        self.items.append({"item": number, "where": where, "why": why, "text": str(text)})
        return {"review_item": number, "text": str(text)}


TYPED = "typed by staff: may name or describe other people"
FROM_POLICE = "written by the police: may name or describe other people"


def _typed_reason(reason: str | None, eligibility_note: str | None = None) -> bool:
    """Whether a status reason was typed by someone (the app's own words are not)."""
    if not reason or reason == eligibility_note:
        return False
    return reason not in SYSTEM_REASONS and not reason.startswith(SYSTEM_REASON_STARTS)


class _Reader:
    """Reads one person's records inside one session, staff names looked up once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.review = Review()
        self._staff: dict[int, dict[str, str]] = {}

    def staff(self, staff_id: int | None) -> dict[str, str] | None:
        if staff_id is None:
            return None
        if staff_id not in self._staff:
            row = self.session.get(Staff, staff_id)
            self._staff[staff_id] = (
                {"name": row.display_name, "role": row.role}
                if row is not None
                else {"name": "a former member of staff", "role": ""}
            )
        return self._staff[staff_id]

    def all(self, query):  # type: ignore[no-untyped-def]
        return list(self.session.exec(query).all())

    # --- the person -----------------------------------------------------------------------

    def person(self, person: Person) -> dict[str, Any]:
        changes = self.all(
            select(PersonChange)
            .where(PersonChange.person_id == person.id)
            .order_by(col(PersonChange.changed_at))
        )
        return {
            "id": person.id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_of_birth": iso(person.date_of_birth),
            "sex": person.sex,
            "self_defined_ethnicity": person.self_defined_ethnicity,
            "officer_observed_ethnicity": person.officer_observed_ethnicity,
            "phone": person.phone,
            "postcode": person.postcode,
            "needs_interpreter": person.needs_interpreter,
            "interpreter_language": person.interpreter_language,
            "first_recorded_at": iso(person.created_at),
            "contact_detail_changes": [
                {
                    "at": iso(c.changed_at),
                    "field": c.field,
                    "old_value": c.old_value,
                    "new_value": c.new_value,
                    "source": c.source,
                    "referral_id": c.referral_id,
                }
                for c in changes
            ],
        }

    # --- a referral and everything hanging from it -------------------------------------------

    def referral(self, referral: Referral) -> dict[str, Any]:
        rid = referral.id or 0
        ref = referral.police_reference
        force = self.session.get(Force, referral.force_code)
        where = f"referral {ref}"
        status_changes = self.all(
            select(StatusChange)
            .where(StatusChange.referral_id == rid)
            .order_by(col(StatusChange.at))
        )
        return {
            "id": rid,
            "police_reference": ref,
            "force": force.name if force else referral.force_code,
            "referred_at": iso(referral.referred_at),
            "offence_date": iso(referral.offence_date),
            "substances": [s for s in referral.substances.split(";") if s],
            "main_substance": referral.main_substance,
            "officer": referral.officer,
            "location": referral.location,
            "source": referral.source,
            "notes_from_police": self.review.flag(
                referral.feed_notes, f"{where}: the officer's notes", FROM_POLICE
            ),
            "status": referral.status,
            "status_reason": self.review.flag(
                referral.status_reason, f"{where}: reason for its status", TYPED
            )
            if _typed_reason(referral.status_reason, referral.eligibility_note)
            else referral.status_reason,
            "eligibility_note": referral.eligibility_note,
            "bar_override_reason": self.review.flag(
                referral.bar_override_reason, f"{where}: why the bar was set aside", TYPED
            ),
            "assigned_worker": self.staff(referral.assigned_worker_id),
            "first_contact_at": iso(referral.first_contact_at),
            "closed_at": iso(referral.closed_at),
            "outcome_sent_to_police_at": iso(referral.outcome_sent_at),
            "status_changes": [
                {
                    "at": iso(s.at),
                    "from": s.from_status,
                    "to": s.to_status,
                    "by": self.staff(s.staff_id),
                    "reason": self.review.flag(
                        s.reason, f"{where}: reason for a change of status on {_words(s.at)}", TYPED
                    )
                    if _typed_reason(s.reason, referral.eligibility_note)
                    else s.reason,
                }
                for s in status_changes
            ],
            "contact_attempts": self._contacts(rid, where),
            "assessments": [
                self._assessment(a, where)
                for a in self.all(
                    select(Assessment)
                    .where(Assessment.referral_id == rid)
                    .order_by(col(Assessment.id))
                )
            ],
            "safeguarding_concerns": self._concerns(rid, where),
            "allocation": self._allocation(rid, where),
            "bookings": self._bookings(rid, where),
            "waiting_list": [
                {
                    "added_at": iso(w.added_at),
                    "group": self._group_name(w.group_id),
                    "closed_at": iso(w.closed_at),
                    "closed_reason": w.closed_reason,
                }
                for w in self.all(select(WaitingEntry).where(WaitingEntry.referral_id == rid))
            ],
            "notes": [
                {
                    "at": iso(n.created_at),
                    "by": self.staff(n.staff_id),
                    "text": self.review.flag(
                        n.text, f"{where}: a note written {_words(n.created_at)}", TYPED
                    ),
                }
                for n in self.all(
                    select(Note).where(Note.referral_id == rid).order_by(col(Note.created_at))
                )
            ],
        }

    def _contacts(self, rid: int, where: str) -> list[dict[str, Any]]:
        rows = self.all(
            select(ContactAttempt)
            .where(ContactAttempt.referral_id == rid)
            .order_by(col(ContactAttempt.attempted_at))
        )
        return [
            {
                "at": iso(c.attempted_at),
                "by": self.staff(c.staff_id),
                "outcome": c.outcome,
                "note": self.review.flag(
                    c.note, f"{where}: the note of a call on {_words(c.attempted_at)}", TYPED
                ),
            }
            for c in rows
        ]

    def _assessment(self, assessment: Assessment, where: str) -> dict[str, Any]:
        aid = assessment.id or 0
        here = f"{where}: the assessment of {_words(assessment.started_at)}"
        responses = self.all(
            select(InstrumentResponse)
            .where(InstrumentResponse.assessment_id == aid)
            .order_by(col(InstrumentResponse.id))
        )
        advice_items = catalogue().by_id()
        advice = self.all(
            select(AdviceGiven)
            .where(AdviceGiven.assessment_id == aid)
            .order_by(col(AdviceGiven.given_at))
        )
        return {
            "id": aid,
            "worker": self.staff(assessment.worker_id),
            "started_at": iso(assessment.started_at),
            "completed_at": iso(assessment.completed_at),
            "ended_early_reason": self.review.flag(
                assessment.ended_early_reason, f"{here}: why the call ended early", TYPED
            ),
            "call_back_at": iso(assessment.call_back_at),
            "identity_confirmed": assessment.identity_confirmed,
            "safe_to_talk": assessment.safe_to_talk,
            "consent_given": assessment.consent_given,
            "privacy_notice_read": assessment.privacy_notice_read,
            "substance_use": [
                {
                    "substance": s.substance,
                    "main": s.is_main,
                    "days_used_in_last_28": s.days_used_28,
                    "route": s.route,
                    "typical_amount": s.typical_amount,
                    "amount_unit": s.amount_unit,
                    "age_first_used": s.age_first_used,
                }
                for s in self.all(select(SubstanceUse).where(SubstanceUse.assessment_id == aid))
            ],
            "questionnaires": [self._response(r, here) for r in responses],
            "advice_given": [
                {
                    "at": iso(a.given_at),
                    "advice_id": a.advice_id,
                    "title": advice_items[a.advice_id].title
                    if a.advice_id in advice_items
                    else a.advice_id,
                    "text": advice_items[a.advice_id].text if a.advice_id in advice_items else "",
                }
                for a in advice
            ],
            "needs": self._needs(aid),
        }

    def _response(self, response: InstrumentResponse, here: str) -> dict[str, Any]:
        try:
            inst = load_instrument(response.instrument_id, response.instrument_version)
        except (KeyError, ValueError, FileNotFoundError):
            inst = None
        title = inst.title if inst is not None else response.instrument_id
        about = f"{here}: {title} (version {response.instrument_version})"
        if response.subject:
            about += f", {response.subject.replace('_', ' ')}"
        answers: list[dict[str, Any]] = []
        for item_id, value in response.answers.items():
            question, words, free_text = item_id, str(value), False
            if inst is not None:
                try:
                    item = inst.item(item_id)
                except (KeyError, ValueError):
                    item = None
                if item is not None:
                    question = inst.render(item.text, response.context or {})
                    option = item.option(value) if item.has_options else None
                    words = option.label if option is not None else str(value)
                    free_text = item.kind == "text"
            entry: dict[str, Any] = {"item": item_id, "question": question, "answer": words}
            if free_text:
                entry["answer"] = self.review.flag(words, f"{about}: {question}", TYPED)
            answers.append(entry)
        record: dict[str, Any] = {
            "instrument": response.instrument_id,
            "version": response.instrument_version,
            "title": title,
            "subject": response.subject,
            "total": response.total,
            "band": response.band,
            "positive_screen": response.positive,
            "flags": list(response.flags),
            "completed": response.completed,
            "answers": answers,
        }
        if response.instrument_id in ABOUT_OTHERS and answers:
            lines = "\n".join(f"{a['question']}: {a['answer']}" for a in answers)
            record["answers"] = self.review.flag(
                lines, about, "answers about another person (the person who harms them)"
            )
        return record

    def _needs(self, aid: int) -> list[dict[str, Any]]:
        out = []
        for need in self.all(select(Need).where(Need.assessment_id == aid).order_by(col(Need.id))):
            done = self.all(select(NeedService).where(NeedService.need_id == need.id))
            out.append(
                {
                    "domain": need.domain,
                    "level": need.level,
                    "reason": need.reason,
                    "actions": [
                        {
                            "action": d.action,
                            "service": self._service_name(d.service_id),
                            "status": d.status,
                            "at": iso(d.created_at),
                        }
                        for d in done
                    ]
                    or (
                        [{"action": need.action, "service": self._service_name(need.service_id),
                          "status": need.status, "at": iso(need.updated_at)}]
                        if need.action
                        else []
                    ),
                }
            )  # fmt: skip
        return out

    def _service_name(self, service_id: int | None) -> str | None:
        if service_id is None:
            return None
        row = self.session.get(Service, service_id)
        return row.name if row is not None else None

    def _group_name(self, group_id: int | None) -> str | None:
        row = self.session.get(CourseGroup, group_id) if group_id is not None else None
        return row.name if row is not None else None

    def _concerns(self, rid: int, where: str) -> list[dict[str, Any]]:
        rows = self.all(
            select(SafeguardingConcern)
            .where(SafeguardingConcern.referral_id == rid)
            .order_by(col(SafeguardingConcern.raised_at))
        )
        return [
            {
                "type": c.type,
                "raised_at": iso(c.raised_at),
                "raised_by": self.staff(c.raised_by),
                "detail": self.review.flag(
                    c.detail, f"{where}: a safeguarding concern raised {_words(c.raised_at)}", TYPED
                ),
                "referred_to": c.referred_to,
                "follow_up_due": iso(c.follow_up_due),
                "closed_at": iso(c.closed_at),
            }
            for c in rows
        ]

    def _allocation(self, rid: int, where: str) -> dict[str, Any] | None:
        row = self.session.exec(select(Allocation).where(Allocation.referral_id == rid)).first()
        if row is None:
            return None
        return {
            "suggested": row.suggested,
            "chosen": row.chosen,
            "reasons": list(row.reasons),
            "override_reason": self.review.flag(
                row.override_reason, f"{where}: why the course was chosen otherwise", TYPED
            ),
            "decided_by": self.staff(row.decided_by),
            "decided_at": iso(row.decided_at),
        }

    def _bookings(self, rid: int, where: str) -> list[dict[str, Any]]:
        rows = self.session.exec(
            select(Booking, CourseSession)
            .join(CourseSession, col(CourseSession.id) == col(Booking.session_id))
            .where(Booking.referral_id == rid)
            .order_by(col(CourseSession.starts_at))
        ).all()
        return [
            {
                "group": self._group_name(course.group_id),
                "session_starts_at": iso(course.starts_at),
                "mode": course.mode,
                "status": booking.status,
                "booked_at": iso(booking.booked_at),
                "attendance_marked_at": iso(booking.attendance_at),
                "cancel_reason": self.review.flag(
                    booking.cancel_reason, f"{where}: why a booking was cancelled", TYPED
                ),
            }
            for booking, course in rows
        ]

    def intelligence_logs(self, person_id: int) -> list[dict[str, Any]]:
        rows = self.all(
            select(IntelligenceLog, Referral.police_reference)
            .join(Referral, col(Referral.id) == col(IntelligenceLog.referral_id))
            .where(IntelligenceLog.person_id == person_id)
            .order_by(col(IntelligenceLog.created_at))
        )
        return [
            {
                "police_reference": reference,
                "reason": log.reason,
                "created_at": iso(log.created_at),
                "bar_until": iso(log.bar_until),
                "sent_to_police_at": iso(log.sent_to_police_at),
            }
            for log, reference in rows
        ]

    def audit_events(self, person_id: int) -> list[dict[str, Any]]:
        condition = person_condition(self.session, {person_id})
        rows = self.session.exec(
            select(AuditEvent, Staff.display_name, Staff.role)
            .join(Staff, col(Staff.id) == col(AuditEvent.staff_id), isouter=True)
            .where(condition)
            .order_by(col(AuditEvent.id))
        ).all()
        return [
            {
                "at": iso(event.at),
                "by": name or event.username,
                "role": role or ("command line" if event.username.startswith("cli:") else ""),
                "action": event.action,
                "record": f"{event.entity} {event.entity_id}".strip(),
            }
            for event, name, role in rows
        ]


def read_person(session: Session, person_id: int) -> tuple[dict[str, Any], Review]:
    """Everything held about the person, as plain data, and the texts to review."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(
            f"no person {person_id}: give the person id shown on the referral, or use --reference"
        )
    reader = _Reader(session)
    referrals = reader.all(
        select(Referral).where(Referral.person_id == person_id).order_by(col(Referral.referred_at))
    )
    data: dict[str, Any] = {
        "person": reader.person(person),
        "referrals": [reader.referral(r) for r in referrals],
        "intelligence_logs": reader.intelligence_logs(person_id),
        "audit_events": reader.audit_events(person_id),
    }
    return data, reader.review
