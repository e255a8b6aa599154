"""Reading an assessment into plain objects: the shared half of the assessment services.

Kept apart from the use cases so that each of them (answers, safety, outcome) reads the
same facts the same way, inside its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from divert_tui.core import feed_fields
from divert_tui.core.models import (
    AdviceGiven,
    Assessment,
    InstrumentResponse,
    Person,
    Referral,
    SafeguardingConcern,
    Staff,
    SubstanceUse,
)
from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.services.base import (
    Actor,
    ConflictError,
    NotFound,
    Permission,
    ServiceError,
    require,
)
from divert_tui.core.vocab import SafeguardingType


class AssessmentClosed(ServiceError):
    """The assessment is completed: its answers can no longer change."""


@dataclass(frozen=True)
class AssessmentView:
    """Everything a screen needs to draw the call, with no session attached."""

    id: int
    referral_id: int
    force_code: str
    police_reference: str
    person_name: str
    referral_status: str
    started_at: datetime
    completed_at: datetime | None
    ended_early_reason: str | None
    current_step: str
    facts: flow.Facts
    advice_given: frozenset[str]
    call_back_at: datetime | None = None  # agreed when the call ended early (aware UTC)

    @property
    def substances(self) -> tuple[str, ...]:
        return self.facts.substances

    @property
    def main_substance(self) -> str:
        return self.facts.main_substance

    @property
    def steps(self) -> list[flow.StepState]:
        return flow.states(self.facts)

    @property
    def has_answers(self) -> bool:
        return any(s.answers for s in self.facts.responses.values())

    @property
    def resumable(self) -> bool:
        """Unfinished with something already recorded: offer to resume where it stopped."""
        return self.completed_at is None and (self.has_answers or bool(self.ended_early_reason))

    def stored(self, instrument: str, subject: str = "") -> flow.Stored | None:
        return self.facts.responses.get((instrument, subject))


@dataclass(frozen=True)
class ConcernRow:
    """A safeguarding concern raised in the call, as the summary and the tests see it."""

    id: int
    type: str
    detail: str
    referred_to: str | None
    follow_up_due: date | None
    closed_at: datetime | None


def concern_rows(session: Session, assessment_id: int) -> list[ConcernRow]:
    rows = session.exec(
        select(SafeguardingConcern)
        .where(SafeguardingConcern.assessment_id == assessment_id)
        .order_by(col(SafeguardingConcern.id))
    ).all()
    return [
        ConcernRow(r.id or 0, r.type, r.detail, r.referred_to, r.follow_up_due, r.closed_at)
        for r in rows
    ]


def uk_today() -> date:
    return datetime.now(feed_fields.UK_TIME).date()


def load_pair(
    session: Session, actor: Actor, assessment_id: int, permission: Permission
) -> tuple[Assessment, Referral]:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound(f"no assessment {assessment_id}")
    referral = session.get(Referral, assessment.referral_id)
    if referral is None:
        raise NotFound(f"no referral {assessment.referral_id}")
    require(actor, permission, force=referral.force_code)
    if permission is Permission.WORK_REFERRALS:
        _check_owner(session, actor, assessment)
    return assessment, referral


class NotYourCall(ConflictError):
    """The open assessment belongs to the worker on the call, and that is someone else."""


def _check_owner(session: Session, actor: Actor, assessment: Assessment) -> None:
    """Answers of an open assessment are written only by the worker on the call, so a
    stale screen elsewhere can never overwrite them."""
    if assessment.completed_at is not None or assessment.worker_id in (None, actor.staff_id):
        return
    worker = session.get(Staff, assessment.worker_id)
    who = worker.display_name if worker is not None else "another worker"
    raise NotYourCall(
        f"{who} is on this call now, so this assessment is theirs to change; "
        "nothing was saved. Open the referral again to see their answers."
    )


def open_for_changes(assessment: Assessment) -> None:
    if assessment.completed_at is not None:
        raise AssessmentClosed("this assessment is completed; its answers can no longer change")


def _stored_of(row: InstrumentResponse) -> flow.Stored:
    return flow.Stored(
        instrument=row.instrument_id,
        version=row.instrument_version,
        subject=row.subject,
        answers=dict(row.answers or {}),
        context=dict(row.context or {}),
        marked=tuple(row.marked or ()),
        completed=row.completed,
        flags=frozenset(row.flags or ()),
    )


def responses(session: Session, assessment_id: int) -> dict[tuple[str, str], InstrumentResponse]:
    rows = session.exec(
        select(InstrumentResponse).where(InstrumentResponse.assessment_id == assessment_id)
    ).all()
    return {(r.instrument_id, r.subject): r for r in rows}


def substance_rows(session: Session, assessment_id: int) -> list[SubstanceUse]:
    return list(
        session.exec(
            select(SubstanceUse)
            .where(SubstanceUse.assessment_id == assessment_id)
            .order_by(col(SubstanceUse.id))
        ).all()
    )


def self_harm_recorded(session: Session, assessment_id: int) -> bool:
    found = session.exec(
        select(SafeguardingConcern.id).where(
            SafeguardingConcern.assessment_id == assessment_id,
            SafeguardingConcern.type == SafeguardingType.SELF_HARM.value,
        )
    ).first()
    return found is not None


def facts_of(session: Session, assessment: Assessment, referral: Referral) -> flow.Facts:
    subs = substance_rows(session, assessment.id or 0)
    person = session.get(Person, referral.person_id)
    main = next((s.substance for s in subs if s.is_main), referral.main_substance)
    return flow.Facts(
        substances=tuple(s.substance for s in subs),
        main_substance=main,
        responses={k: _stored_of(r) for k, r in responses(session, assessment.id or 0).items()},
        marks=dict(assessment.steps or {}),
        self_harm_recorded=self_harm_recorded(session, assessment.id or 0),
        completed=assessment.completed_at is not None,
        skip_reasons=dict(assessment.skip_reasons or {}),
        advice_ticked=len(_advice_ids(session, assessment.id or 0)),
        sex=person.sex or "" if person is not None else "",
        age=feed_fields.age_on(person.date_of_birth, uk_today()) if person is not None else None,
    )


def _advice_ids(session: Session, assessment_id: int) -> list[str]:
    return list(
        session.exec(
            select(AdviceGiven.advice_id).where(AdviceGiven.assessment_id == assessment_id)
        ).all()
    )


def view_of(session: Session, assessment: Assessment, referral: Referral) -> AssessmentView:
    person = session.get(Person, referral.person_id)
    name = f"{person.first_name} {person.last_name}" if person else ""
    given = _advice_ids(session, assessment.id or 0)
    return AssessmentView(
        id=assessment.id or 0,
        referral_id=referral.id or 0,
        force_code=referral.force_code,
        police_reference=referral.police_reference,
        person_name=name,
        referral_status=referral.status,
        started_at=assessment.started_at,
        completed_at=assessment.completed_at,
        ended_early_reason=assessment.ended_early_reason,
        current_step=assessment.current_step,
        facts=facts_of(session, assessment, referral),
        advice_given=frozenset(given),
        call_back_at=assessment.call_back_at,
    )
