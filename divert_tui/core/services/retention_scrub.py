"""What anonymising a batch of people changes, table by table, inside the caller's transaction.

Kept: every figure the reports read (force, dates, statuses, substances, sex, ethnicity
codes, scores and bands, needs and safeguarding types, allocations, bookings, the fact of
an intelligence log) and the age in whole years on each referral day, so the age band of
a past report does not move when the date of birth is cut to 1 January of its year.

Removed: names, the rest of the date of birth, phone, postcode, interpreter language,
the police reference (a link to police records), officer and place, and every piece of
free text (feed notes, typed reasons, call notes, notes, free-text answers, safeguarding
details, intelligence reasons). The history of contact-detail changes, which holds old
phones and postcodes, is deleted. The audit trail holds no personal data by design and,
being hash-chained, is not touched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, case, cast, delete, literal, select, update
from sqlmodel import Session, col

from divert_tui.core.models import (
    Allocation,
    Assessment,
    Booking,
    ContactAttempt,
    InstrumentResponse,
    IntelligenceLog,
    Need,
    Note,
    Person,
    PersonChange,
    Referral,
    SafeguardingConcern,
    StatusChange,
)
from divert_tui.core.rules.eligibility import REASON_WORDS
from divert_tui.core.rules.metrics.queries import day_number
from divert_tui.forms import load_instrument

ANONYMISED_NAME = "(anonymised)"
REFERENCE_PREFIX = "anonymised-"
REMOVED = "removed"  # an intelligence log's typed reason, once it is no longer kept
_OPTION_WORDS = {"yes", "no", "dont_know"}


def _free_text_items(instrument_id: str, version: str) -> set[str] | None:
    """The items typed as free text, or None when the form is not known to this version."""
    try:
        inst = load_instrument(instrument_id, version)
    except (KeyError, ValueError, FileNotFoundError):
        return None
    return {item.id for item in inst.items if item.kind == "text"}


def _scrub_answers(answers: dict[str, Any], typed: set[str] | None) -> dict[str, Any]:
    if typed is None:  # an unknown form: keep only what cannot be typed words
        return {k: v for k, v in answers.items() if not isinstance(v, str) or v in _OPTION_WORDS}
    return {k: v for k, v in answers.items() if k not in typed}


def anonymise_people(session: Session, person_ids: Sequence[int], now: datetime) -> Counter[str]:
    """Anonymise these people (already checked as due) and everything hanging from them."""
    ids = list(person_ids)
    counts: Counter[str] = Counter(people=len(ids))
    referral_ids = list(
        session.execute(select(Referral.id).where(col(Referral.person_id).in_(ids))).scalars()
    )
    counts["referrals"] = len(referral_ids)
    of_referrals = col(Referral.id).in_(referral_ids)

    # The age in whole years on each referral day, computed exactly as the report does.
    age = (
        select(
            (day_number(col(Referral.referred_at)) - day_number(col(Person.date_of_birth))) // 10000
        )
        .where(col(Person.id) == col(Referral.person_id))
        .scalar_subquery()
    )
    session.execute(
        update(Referral)
        .where(of_referrals, col(Referral.age_at_referral).is_(None))
        .values(age_at_referral=age)
    )
    for person in session.execute(select(Person).where(col(Person.id).in_(ids))).scalars():
        person.first_name = person.last_name = ANONYMISED_NAME
        person.first_name_key = person.last_name_key = ""
        person.date_of_birth = date(person.date_of_birth.year, 1, 1)
        person.phone = person.postcode = person.interpreter_language = None
        person.anonymised_at = now
        person.version += 1
        session.add(person)
    session.flush()

    session.execute(
        update(Referral)
        .where(of_referrals)
        .values(
            police_reference=literal(REFERENCE_PREFIX) + cast(col(Referral.id), String),
            officer=None,
            location=None,
            feed_notes=None,
            status_reason=None,
            eligibility_note=None,
            bar_override_reason=None,
            version=col(Referral.version) + 1,
        )
    )
    session.execute(
        update(StatusChange)
        .where(col(StatusChange.referral_id).in_(referral_ids))
        .values(reason=None)
    )
    session.execute(
        update(ContactAttempt)
        .where(col(ContactAttempt.referral_id).in_(referral_ids))
        .values(note=None)
    )
    session.execute(
        update(SafeguardingConcern)
        .where(col(SafeguardingConcern.referral_id).in_(referral_ids))
        .values(detail="", referred_to=None)
    )
    session.execute(
        update(Allocation)
        .where(col(Allocation.referral_id).in_(referral_ids))
        .values(override_reason=None)
    )
    session.execute(
        update(Booking).where(col(Booking.referral_id).in_(referral_ids)).values(cancel_reason=None)
    )
    assessment_ids = list(
        session.execute(
            select(Assessment.id).where(col(Assessment.referral_id).in_(referral_ids))
        ).scalars()
    )
    session.execute(
        update(Assessment)
        .where(col(Assessment.id).in_(assessment_ids))
        .values(ended_early_reason=None)
    )
    session.execute(
        update(Need).where(col(Need.assessment_id).in_(assessment_ids)).values(reason="")
    )
    counts["answers_cleared"] = _scrub_responses(session, assessment_ids)
    counts["notes_deleted"] = _deleted(
        session, delete(Note).where(col(Note.referral_id).in_(referral_ids))
    )
    counts["contact_changes_deleted"] = _deleted(
        session, delete(PersonChange).where(col(PersonChange.person_id).in_(ids))
    )
    counts["intel_reasons_removed"] = strip_intel(
        session, select(IntelligenceLog.id).where(col(IntelligenceLog.person_id).in_(ids)), now
    )
    return counts


def _deleted(session: Session, statement: Any) -> int:
    return int(session.execute(statement).rowcount or 0)


def _scrub_responses(session: Session, assessment_ids: list[int]) -> int:
    """Drop the free-text answers; scored answers, totals, bands and flags stay."""
    cleared = 0
    forms: dict[tuple[str, str], set[str] | None] = {}
    responses = session.execute(
        select(InstrumentResponse).where(col(InstrumentResponse.assessment_id).in_(assessment_ids))
    ).scalars()
    for response in responses:
        key = (response.instrument_id, response.instrument_version)
        if key not in forms:
            forms[key] = _free_text_items(*key)
        kept = _scrub_answers(dict(response.answers or {}), forms[key])
        if kept != response.answers:
            cleared += len(response.answers) - len(kept)
            response.answers = kept
            session.add(response)
    session.flush()
    return cleared


def strip_intel(session: Session, which: Any, now: datetime) -> int:
    """Remove the typed reason of the intelligence logs ``which`` selects (their ids): the
    app's own reason codes (``non_compliance``...) say no more than the referral's status
    and stay. The row stays, so the reports still count the referral as barred."""
    reason = col(IntelligenceLog.reason)
    return _deleted(
        session,
        update(IntelligenceLog)
        .where(col(IntelligenceLog.id).in_(which), col(IntelligenceLog.reason_removed_at).is_(None))
        .values(
            reason=case((reason.in_(sorted(REASON_WORDS)), reason), else_=literal(REMOVED)),
            reason_removed_at=now,
        ),
    )
