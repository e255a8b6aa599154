"""The telephone assessment, answer by answer (DESIGN sections 6 and 10).

Every answer is its own short transaction, so a killed process loses at most the field
being typed. Responses keep the instrument id and version and the derived score (never
typed). Each call checks the permission and appends an audit event without answer values.
Safety (self-harm, safeguarding) is in ``assessment_safety``; the summary, needs and
allocation in ``assessment_outcome``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from divert_tui.core import feed_fields
from divert_tui.core.database import Database
from divert_tui.core.models import (
    AdviceGiven,
    Assessment,
    InstrumentResponse,
    Note,
    Referral,
    Staff,
    SubstanceUse,
    utcnow,
)
from divert_tui.core.rules import advice as advice_rules
from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.rules.call_back import describe
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit, referrals
from divert_tui.core.services.assessment_safety import sync_concerns
from divert_tui.core.services.assessment_store import (
    AssessmentView,
    facts_of,
    load_pair,
    open_for_changes,
    responses,
    substance_rows,
    uk_today,
    view_of,
)
from divert_tui.core.services.base import (
    Actor,
    ConflictError,
    NotFound,
    Permission,
    ServiceError,
    ValidationError,
    require,
)
from divert_tui.core.services.referrals import MoveRefused
from divert_tui.core.vocab import SUBSTANCES, ReferralStatus
from divert_tui.forms import load_instrument
from divert_tui.forms.session import CONTEXT_PREFIX

S = ReferralStatus
W = Permission.WORK_REFERRALS
STARTABLE = (S.RECEIVED.value, S.CONTACTING.value)


def _latest(session: Session, referral_id: int) -> Assessment | None:
    return session.exec(
        select(Assessment)
        .where(Assessment.referral_id == referral_id)
        .order_by(col(Assessment.id).desc())
    ).first()


def find(db: Database, actor: Actor, referral_id: int) -> AssessmentView | None:
    """The referral's latest assessment, if any (to offer resuming it); the read is audited."""
    with db.write() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFound(f"no referral {referral_id}")
        require(actor, Permission.VIEW_REFERRALS, force=referral.force_code)
        found = _latest(session, referral_id)
        audit.record(
            session,
            actor,
            "assessment.find",
            "referral",
            referral_id,
            f"assessment {found.id}" if found else "none",
        )
        return view_of(session, found, referral) if found else None


class AlreadyOnTheCall(ConflictError):
    """Another worker has this referral's assessment open: say who, never start a second."""


def _on_the_call_message(session: Session, assessment: Assessment) -> str:
    worker = session.get(Staff, assessment.worker_id) if assessment.worker_id else None
    who = worker.display_name if worker is not None else "another worker"
    started = assessment.started_at.astimezone(feed_fields.UK_TIME)
    return (
        f"{who} is already on this call (assessment started {started:%d %b %Y at %H:%M}); "
        "only one assessment can be open per referral. Ask them, or take the call over "
        "if they have left it."
    )


def start_or_resume(
    db: Database,
    actor: Actor,
    referral_id: int,
    schemes: Mapping[str, Scheme],
    *,
    take_over: bool = False,
) -> AssessmentView:
    """The unfinished assessment of a referral, or a new one pre-filled with the officer's
    substances. Starting records the answered call (received -> contacting) first.

    The check and the insert are one transaction, and the database allows one open
    assessment per referral, so two workers starting at once never get two: the second is
    told who is on the call (``take_over`` hands an open call to this worker instead).
    """
    try:
        return _start_or_resume(db, actor, referral_id, schemes, take_over)
    except IntegrityError:
        # A concurrent start won the race on the unique index (PostgreSQL reads committed
        # rows only): look again, and find the other worker's open assessment.
        return _start_or_resume(db, actor, referral_id, schemes, take_over)


def _start_or_resume(
    db: Database,
    actor: Actor,
    referral_id: int,
    schemes: Mapping[str, Scheme],
    take_over: bool,
) -> AssessmentView:
    with db.write() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFound(f"no referral {referral_id}")
        require(actor, W, force=referral.force_code)
        latest = _latest(session, referral_id)
        if latest is not None and latest.completed_at is None:
            if latest.worker_id not in (None, actor.staff_id):
                if not take_over:
                    raise AlreadyOnTheCall(_on_the_call_message(session, latest))
                detail = f"taken over from staff {latest.worker_id}"
                latest.worker_id = actor.staff_id
                latest.version += 1
                session.add(latest)
                audit.record(
                    session, actor, "assessment.take_over", "assessment", latest.id, detail
                )
            else:
                if latest.worker_id is None and actor.staff_id is not None:
                    latest.worker_id = actor.staff_id
                    session.add(latest)
                audit.record(session, actor, "assessment.load", "assessment", latest.id)
            return view_of(session, latest, referral)
        if latest is not None and referral.status == S.ASSESSED.value:
            audit.record(session, actor, "assessment.load", "assessment", latest.id)
            return view_of(session, latest, referral)
        if referral.status not in STARTABLE:
            raise MoveRefused(f"a {referral.status.replace('_', ' ')} referral cannot be assessed")
        answered = referral.status == S.RECEIVED.value
        if answered:
            referrals.add_contact_attempt(
                session, actor, referral, "answered", schemes[referral.force_code],
                "assessment call",
            )  # fmt: skip
        assessment = Assessment(referral_id=referral_id, worker_id=actor.staff_id)
        session.add(assessment)
        session.flush()
        codes = [c for c in referral.substances.split(";") if c] or [referral.main_substance]
        for code in dict.fromkeys(codes):
            session.add(
                SubstanceUse(
                    assessment_id=assessment.id or 0,
                    substance=code,
                    is_main=code == referral.main_substance,
                )
            )
        if referral.assigned_worker_id is None and actor.staff_id is not None:
            referral.assigned_worker_id = actor.staff_id
            referral.version += 1
            session.add(referral)
        audit.record(
            session,
            actor,
            "assessment.start",
            "assessment",
            assessment.id or 0,
            "answered call logged" if answered else "",
        )
        return view_of(session, assessment, referral)


def load(db: Database, actor: Actor, assessment_id: int) -> AssessmentView:
    """One assessment with its answers (a read of a person's record, so it is audited)."""
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, W)
        audit.record(session, actor, "assessment.load", "assessment", assessment_id)
        return view_of(session, assessment, referral)


def _form_ref(facts: flow.Facts, instrument: str, subject: str) -> flow.FormRef:
    for step in flow.STEPS:
        for ref in flow.forms_for(step.id, facts):
            if ref.key == (instrument, subject):
                return ref
    raise ValidationError(
        {"instrument": f"{instrument} {subject}".strip() + " is not asked in this assessment now"}
    )


def _check_step(facts: flow.Facts, step: str) -> None:
    refused = flow.blocked(step, facts)
    if refused:
        raise ServiceError(refused)


def _response_row(session: Session, assessment_id: int, ref: flow.FormRef) -> InstrumentResponse:
    row = responses(session, assessment_id).get(ref.key)
    if row is None:
        inst = load_instrument(ref.instrument)
        row = InstrumentResponse(
            assessment_id=assessment_id,
            instrument_id=inst.id,
            instrument_version=inst.version,
            subject=ref.subject,
            answers=dict(ref.carried),
            context=dict(ref.context),
            marked=[],
        )
    return row


def _rescore(row: InstrumentResponse, answers: dict[str, Any], context: dict[str, Any]) -> None:
    """Store the answers with the score the engine derives from them (never typed)."""
    inst = load_instrument(row.instrument_id, row.instrument_version)
    try:
        result = inst.score_so_far(answers, **context)
    except ValueError as exc:
        raise ValidationError({row.instrument_id: str(exc)}) from None
    row.answers = answers
    row.context = dict(result.context)
    row.total = result.total
    row.band = result.band
    row.positive = result.positive
    row.flags = sorted(result.flags)
    row.completed = result.complete
    row.updated_at = utcnow()


def _copy_substance_use(session: Session, assessment_id: int, row: InstrumentResponse) -> None:
    """Keep the substance_use table in step with the drug-use form of that substance."""
    if row.instrument_id != "substance_use":
        return
    use = next(
        (s for s in substance_rows(session, assessment_id) if s.substance == row.subject), None
    )
    if use is None:
        return
    a = row.answers
    use.days_used_28 = a.get("q1")
    use.route = a.get("q2")
    use.typical_amount = a.get("q3")
    use.amount_unit = a.get("q4")
    use.age_first_used = a.get("q5")
    session.add(use)


def _open_response(
    session: Session, actor: Actor, assessment_id: int, instrument: str, subject: str
) -> tuple[Assessment, Referral, flow.FormRef, InstrumentResponse]:
    """The open assessment and the response row a form writes to, once the step is allowed."""
    assessment, referral = load_pair(session, actor, assessment_id, W)
    open_for_changes(assessment)
    facts = facts_of(session, assessment, referral)
    ref = _form_ref(facts, instrument, subject)
    _check_step(facts, ref.step)
    return assessment, referral, ref, _response_row(session, assessment_id, ref)


def save_answer(
    db: Database,
    actor: Actor,
    assessment_id: int,
    instrument: str,
    subject: str,
    item_id: str,
    value: Any,
    *,
    context: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> AssessmentView:
    """Commit one answer (or one context value such as ``context:substance``) at once."""
    with db.write() as session:
        assessment, referral, ref, row = _open_response(
            session, actor, assessment_id, instrument, subject
        )
        inst = load_instrument(row.instrument_id, row.instrument_version)
        answers = dict(row.answers or {})
        ctx = {**(row.context or {}), **dict(context or {}), **dict(ref.context)}
        if not item_id.startswith(CONTEXT_PREFIX):
            form = inst.title.split(":")[0]
            try:
                answers[item_id] = inst.check_answer(item_id, value)
            except (ValueError, KeyError) as exc:
                words = getattr(exc, "words", "") or "that answer is not one this form takes"
                raise ValidationError({form: words}) from None
            conflict = flow.known_conflict(
                inst.id, item_id, answers[item_id], facts_of(session, assessment, referral)
            )
            if conflict:
                raise ValidationError({form: conflict})
        _rescore(row, answers, ctx)
        row.marked = [m for m in (row.marked or []) if m != item_id]
        session.add(row)
        session.flush()
        _copy_substance_use(session, assessment_id, row)
        assessment.current_step = ref.step
        assessment.updated_at = utcnow()
        session.add(assessment)
        sync_concerns(session, actor, assessment, referral, today or uk_today())
        audit.record(
            session, actor, "assessment.answer", "assessment", assessment_id, f"{inst.id}/{item_id}"
        )
        return view_of(session, assessment, referral)


def mark_item(
    db: Database, actor: Actor, assessment_id: int, instrument: str, subject: str, item_id: str
) -> None:
    """Remember an item skipped to return to, so a resumed call still goes back to it."""
    with db.write() as session:
        _, _, _, row = _open_response(session, actor, assessment_id, instrument, subject)
        if item_id not in (row.marked or []):
            row.marked = [*(row.marked or []), item_id]
        row.updated_at = utcnow()
        session.add(row)
        audit.record(
            session,
            actor,
            "assessment.skip_item",
            "assessment",
            assessment_id,
            f"{instrument}/{item_id}",
        )


def go_to_step(
    db: Database,
    actor: Actor,
    assessment_id: int,
    step: str,
    *,
    mark: str | None = None,
    reason: str | None = None,
) -> AssessmentView:
    """Move the call to a step; ``mark`` records the step as skipped or done (or clears it).
    Skipping needs a ``reason`` (a key of ``assessment_flow.SKIP_REASONS``), stored with it."""
    if mark not in (None, "", "skipped", "done"):
        raise ValidationError({"mark": "use skipped or done"})
    if mark == "skipped" and reason not in flow.SKIP_REASONS:
        words = ", ".join(flow.SKIP_REASONS.values())
        raise ValidationError({"reason": f"say why the step is skipped: {words}"})
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, W)
        facts = facts_of(session, assessment, referral)
        _check_step(facts, step)
        if mark is not None and assessment.completed_at is None:
            marks = dict(assessment.steps or {})
            reasons = dict(assessment.skip_reasons or {})
            if mark:
                marks[step] = mark
            else:
                marks.pop(step, None)
            if mark == "skipped" and reason:
                reasons[step] = reason
            else:
                reasons.pop(step, None)
            assessment.steps = marks
            assessment.skip_reasons = reasons
        if assessment.completed_at is None:
            assessment.current_step = step
        assessment.updated_at = utcnow()
        session.add(assessment)
        detail = f"{step}:{mark or ''}" + (f":{reason}" if mark == "skipped" else "")
        audit.record(session, actor, "assessment.step", "assessment", assessment_id, detail)
        return view_of(session, assessment, referral)


def add_substance(
    db: Database, actor: Actor, assessment_id: int, substance: str, *, main: bool = False
) -> AssessmentView:
    """Add a substance the person names (and optionally make it the main one)."""
    if substance not in SUBSTANCES:
        raise ValidationError({"substance": f"use one of {', '.join(SUBSTANCES)}"})
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, W)
        open_for_changes(assessment)
        rows = substance_rows(session, assessment_id)
        if all(r.substance != substance for r in rows):
            row = SubstanceUse(assessment_id=assessment_id, substance=substance)
            session.add(row)
            rows.append(row)
        if main:
            for r in rows:
                r.is_main = r.substance == substance
                session.add(r)
        audit.record(
            session,
            actor,
            "assessment.substance",
            "assessment",
            assessment_id,
            f"{substance}{' main' if main else ''}",
        )
        session.flush()
        return view_of(session, assessment, referral)


def tick_advice(
    db: Database, actor: Actor, assessment_id: int, advice_id: str, given: bool = True
) -> AssessmentView:
    """Record (or undo) that an advice item was read out to the person."""
    if advice_id not in advice_rules.catalogue().by_id():
        raise ValidationError({"advice": f"no advice item {advice_id!r}"})
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, W)
        open_for_changes(assessment)
        _check_step(facts_of(session, assessment, referral), "advice")
        row = session.exec(
            select(AdviceGiven).where(
                AdviceGiven.assessment_id == assessment_id, AdviceGiven.advice_id == advice_id
            )
        ).first()
        if given and row is None:
            session.add(
                AdviceGiven(
                    assessment_id=assessment_id, advice_id=advice_id, given_by=actor.staff_id
                )
            )
        elif not given and row is not None:
            session.delete(row)
        audit.record(
            session,
            actor,
            "assessment.advice",
            "assessment",
            assessment_id,
            f"{advice_id}:{'given' if given else 'undone'}",
        )
        session.flush()
        return view_of(session, assessment, referral)


def end_early(
    db: Database,
    actor: Actor,
    assessment_id: int,
    reason: str,
    *,
    call_back_at: datetime | None = None,
    now: datetime | None = None,
) -> AssessmentView:
    """Close the call as partial (the person hung up, not safe to talk...): resumable later.

    The reason and any agreed call-back are kept on the assessment (the worker's list brings
    the call-back back when it falls due) and written to the referral's timeline."""
    if not reason.strip():
        raise ValidationError({"reason": "say why the call ended early"})
    if call_back_at is not None:
        if call_back_at.tzinfo is None:
            raise ValidationError({"call-back": "give the call-back with its time zone"})
        if call_back_at <= (now or utcnow()):
            raise ValidationError({"call-back": f"{describe(call_back_at)} is already past"})
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, W)
        open_for_changes(assessment)
        facts = facts_of(session, assessment, referral)
        if flow.self_harm_pending(facts):
            raise ServiceError(
                "record the action taken for the self-harm risk first "
                "(if the call dropped, record that and what you did next)"
            )
        assessment.ended_early_reason = reason.strip()[:500]
        assessment.call_back_at = call_back_at.astimezone(UTC) if call_back_at else None
        assessment.updated_at = utcnow()
        session.add(assessment)
        text = f"Call ended early at {flow.step_def(assessment.current_step).title}: "
        text += assessment.ended_early_reason
        if call_back_at is not None:
            text += f". Call-back agreed: {describe(call_back_at)}"
        session.add(Note(referral_id=referral.id or 0, staff_id=actor.staff_id, text=text))
        audit.record(session, actor, "assessment.end_early", "assessment", assessment_id)
        return view_of(session, assessment, referral)


def mixing_and_advice(view: AssessmentView) -> tuple[list[Any], list[Any], list[Any]]:
    """(every pair among the substances named, mixing advice, substance advice) for the
    call; the pairs come riskiest first and include the low-risk ones, so the worker sees
    what the list is. Advice a score calls for (AUDIT 20+) joins the substance advice."""
    from divert_tui.core.rules import combinations
    from divert_tui.core.rules.scores import score_table

    drinks = flow.drinks_alcohol(view.facts)
    pairs = combinations.pair_risks(view.substances, drinks_alcohol=drinks)
    totals = {
        line.instrument: line.total
        for line in score_table(view.facts)
        if line.complete and not line.subject
    }
    mixing, per_substance = advice_rules.for_substances(
        view.substances, drinks_alcohol=drinks, totals=totals
    )
    return pairs, mixing, per_substance
