"""An assessment read back after the call: on the referral, in the worker's list, on paper.

``call_brief`` is the line the referral shows (completed or partial, why it ended early, the
call-back agreed, the screens not done); ``call_backs_due`` the call-backs at the top of a
worker's list; ``read_record`` the whole call, read only, for a worker or a team lead; and
``export_record`` prints it to a text file for the case file through ``core.outfiles``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_
from sqlmodel import Session, col, select

from divert_tui.core import outfiles
from divert_tui.core.database import Database
from divert_tui.core.models import (
    Allocation,
    Assessment,
    Person,
    Referral,
    Setting,
    Staff,
)
from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.rules import combinations, scores
from divert_tui.core.rules.advice import catalogue
from divert_tui.core.rules.allocation import PATH_LABELS
from divert_tui.core.rules.call_back import UK, describe, is_due
from divert_tui.core.services import audit
from divert_tui.core.services.assessment_outcome import _need_rows
from divert_tui.core.services.assessment_store import concern_rows, facts_of, view_of
from divert_tui.core.services.base import Actor, NotFound, Permission, require
from divert_tui.core.services.settings import DATASET_KEY, DEMO
from divert_tui.core.vocab import AllocationPath, ReferralStatus
from divert_tui.forms import load_instrument


@dataclass(frozen=True)
class CallBrief:
    """The referral's latest assessment in one line."""

    assessment_id: int
    state: str  # completed | partial (ended early) | in progress
    started_at: datetime
    completed_at: datetime | None
    ended_early_reason: str | None
    call_back_at: datetime | None
    not_screened: tuple[str, ...]  # "gambling (declined to answer)"

    @property
    def words(self) -> str:
        if self.state == "completed":
            text = f"Assessment completed {_uk(self.completed_at)}"
        elif self.state == "partial":
            text = f"Partial call ({_uk(self.started_at)}), ended early: {self.ended_early_reason}"
        else:
            text = f"Assessment in progress since {_uk(self.started_at)}"
        if self.call_back_at is not None and self.state != "completed":
            text += f" · CALL-BACK AGREED {describe(self.call_back_at)}"
        if self.not_screened:
            text += f" · not screened: {', '.join(self.not_screened)}"
        return text


def _uk(moment: datetime | None) -> str:
    return f"{moment.astimezone(UK):%d/%m/%Y %H:%M}" if moment else ""


def _latest(session: Session, referral_id: int) -> Assessment | None:
    return session.exec(
        select(Assessment)
        .where(Assessment.referral_id == referral_id)
        .order_by(col(Assessment.id).desc())
    ).first()


def brief_of(session: Session, referral: Referral) -> CallBrief | None:
    """The line for the referral screen (inside the caller's read), None before any call."""
    assessment = _latest(session, referral.id or 0)
    if assessment is None:
        return None
    facts = facts_of(session, assessment, referral)
    if assessment.completed_at is not None:
        state = "completed"
    elif assessment.ended_early_reason:
        state = "partial"
    else:
        state = "in progress"
    return CallBrief(
        assessment.id or 0,
        state,
        assessment.started_at,
        assessment.completed_at,
        assessment.ended_early_reason,
        assessment.call_back_at,
        tuple(m.words for m in flow.not_screened(facts)),
    )


def call_brief(db: Database, actor: Actor, referral_id: int) -> CallBrief | None:
    with db.read() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFound(f"no referral {referral_id}")
        require(actor, Permission.VIEW_REFERRALS, force=referral.force_code)
        return brief_of(session, referral)


@dataclass(frozen=True)
class CallBackDue:
    referral_id: int
    person_name: str
    police_reference: str
    at: datetime
    reason: str
    overdue: bool

    @property
    def words(self) -> str:
        late = "OVERDUE " if self.overdue else ""
        return (
            f"{late}call-back {describe(self.at)}: {self.person_name} ({self.police_reference})"
            f" · {self.reason}"
        )


def call_backs_due(db: Database, actor: Actor, *, now: datetime | None = None) -> list[CallBackDue]:
    """Call-backs agreed on the actor's calls (or their referrals) due today or earlier,
    soonest first; the call-back ends when the call is resumed and finished."""
    require(actor, Permission.WORK_REFERRALS)
    now = now or datetime.now(UK)
    end_of_today = datetime.combine(
        now.astimezone(UK).date() + timedelta(days=1), datetime.min.time(), UK
    )
    with db.read() as session:
        rows = session.exec(
            select(Assessment, Referral, Person)
            .join(Referral, col(Referral.id) == col(Assessment.referral_id))
            .join(Person, col(Person.id) == col(Referral.person_id))
            .where(
                col(Assessment.call_back_at).is_not(None),
                col(Assessment.completed_at).is_(None),
                col(Assessment.call_back_at) < end_of_today,
                col(Referral.status).in_(
                    [ReferralStatus.RECEIVED.value, ReferralStatus.CONTACTING.value]
                ),
                or_(
                    Assessment.worker_id == actor.staff_id,
                    Referral.assigned_worker_id == actor.staff_id,
                ),
            )
            .order_by(col(Assessment.call_back_at))
        ).all()
        due = []
        for assessment, referral, person in rows:
            at = assessment.call_back_at
            assert at is not None
            if not is_due(at, now):
                continue
            if not actor.sees_all_forces and referral.force_code not in actor.forces:
                continue
            due.append(
                CallBackDue(
                    referral.id or 0,
                    f"{person.first_name} {person.last_name}",
                    referral.police_reference,
                    at,
                    assessment.ended_early_reason or "",
                    at < now,
                )
            )
        return due


# --- the whole call, read only -----------------------------------------------------------


@dataclass(frozen=True)
class AnswerLine:
    question: str
    answer: str


@dataclass(frozen=True)
class FormRecord:
    name: str  # "AUDIT-C (v2)", "Drug use: cannabis"
    result: str  # "11/12 · Possible dependence · positive screen", or "" for modules
    flags: tuple[str, ...]
    complete: bool
    answers: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class StepRecord:
    title: str
    state: str  # in words: done, skipped (declined to answer), not finished, not asked
    forms: tuple[FormRecord, ...]


@dataclass(frozen=True)
class AssessmentRecord:
    referral_id: int
    assessment_id: int
    person_name: str
    police_reference: str
    force_code: str
    worker: str
    started_at: datetime
    completed_at: datetime | None
    ended_early_reason: str | None
    call_back_at: datetime | None
    steps: tuple[StepRecord, ...]
    scores: tuple[str, ...]
    mixing: tuple[str, ...]
    advice_given: tuple[str, ...]
    needs: tuple[str, ...]
    concerns: tuple[str, ...]
    allocation: tuple[str, ...]
    not_screened: tuple[str, ...]
    demo: bool = False


def _answer_words(inst_id: str, version: str, item_id: str, value: object) -> str:
    inst = load_instrument(inst_id, version)
    item = inst.item(item_id)
    option = item.option(value) if item.has_options else None
    if option is not None:
        return option.label + (f" ({option.points})" if item.scored else "")
    return str(value)


def _form_record(stored: flow.Stored, subject_label: str) -> FormRecord:
    inst = load_instrument(stored.instrument, stored.version)
    name = f"{inst.title} (v{inst.version})" + (f": {subject_label}" if subject_label else "")
    line = scores.score_line(stored)
    result = ""
    if line is not None:
        result = f"{line.total}/{line.maximum}" + ("" if line.complete else " so far")
        if line.band:
            result += f" · {line.band}"
        if line.positive is not None:
            result += " · positive screen" if line.positive else " · negative screen"
    answers = []
    asked = {it.id for it in inst.asked_items(stored.answers)}
    for item in inst.items:
        if item.id in stored.answers and item.id in asked:
            words = _answer_words(inst.id, inst.version, item.id, stored.answers[item.id])
            carried = item.id in scores.carried_items(inst.id)
            text = inst.render(item.text, stored.context)
            answers.append(AnswerLine(text, words + (" (carried over)" if carried else "")))
        elif item.id in stored.marked:
            answers.append(
                AnswerLine(inst.render(item.text, stored.context), "skipped, not answered")
            )
    return FormRecord(
        name,
        result,
        line.flags if line else tuple(sorted(stored.flags)),
        stored.completed,
        tuple(answers),
    )


def _state_words(state: flow.StepState) -> str:
    if state.state == "skipped":
        return f"skipped ({state.skip_reason or 'no reason given'})"
    return {"done": "done", "in_progress": "not finished", "not_started": "not asked"}.get(
        state.state, state.state
    )


def _is_demo(session: Session, actor: Actor) -> bool:
    row = session.get(Setting, DATASET_KEY)
    return actor.demo or (row is not None and row.value == DEMO)


def _read(session: Session, actor: Actor, referral_id: int) -> AssessmentRecord:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound(f"no referral {referral_id}")
    require(actor, Permission.VIEW_REFERRALS, force=referral.force_code)
    assessment = _latest(session, referral_id)
    if assessment is None:
        raise NotFound("this referral has no assessment yet")
    view = view_of(session, assessment, referral)
    facts = view.facts
    worker = session.get(Staff, assessment.worker_id) if assessment.worker_id else None
    steps = []
    for state in flow.states(facts):
        if state.id in ("mixing", "advice", "summary"):
            continue
        forms = []
        for ref in flow.forms_for(state.id, facts):
            stored = facts.responses.get(ref.key)
            if stored is not None and stored.answers:
                forms.append(_form_record(stored, ref.subject.replace("_", " ")))
        steps.append(StepRecord(state.title, _state_words(state), tuple(forms)))
    drinks = flow.drinks_alcohol(facts)
    pairs = combinations.pair_risks(facts.substances, drinks_alcohol=drinks)
    mixing = [combinations.pairs_heading(pairs)] + [
        f"{p.status.label}: {p.a.replace('_', ' ')} + {p.b.replace('_', ' ')}" for p in pairs
    ]
    items = catalogue().by_id()
    advice = [
        f"{items[a].title} (source: {items[a].source})" if a in items else a
        for a in sorted(view.advice_given)
    ]
    needs = []
    for need in _need_rows(session, assessment.id or 0):
        done = "; ".join(d.words for d in need.done) or "nothing recorded as done"
        needs.append(f"{need.label} ({need.level}): {need.reason}. Done: {done}")
    concerns = [
        f"{c.type.replace('_', ' ')}: {c.detail}"
        + (f" · referred to {c.referred_to}" if c.referred_to else "")
        + (
            " · closed"
            if c.closed_at
            else (f" · follow up by {c.follow_up_due:%d/%m/%Y}" if c.follow_up_due else "")
        )
        for c in concern_rows(session, assessment.id or 0)
    ]
    chosen = session.exec(select(Allocation).where(Allocation.referral_id == referral_id)).first()
    allocation: list[str] = []
    if chosen is not None:
        allocation.append(
            f"Suggested: {PATH_LABELS[AllocationPath(chosen.suggested)]}; "
            f"allocated: {PATH_LABELS[AllocationPath(chosen.chosen)]} on {_uk(chosen.decided_at)}"
        )
        allocation += [f"Reason: {r}" for r in chosen.reasons]
        if chosen.override_reason:
            allocation.append(f"Chosen otherwise because: {chosen.override_reason}")
    return AssessmentRecord(
        referral_id=referral_id,
        assessment_id=assessment.id or 0,
        person_name=view.person_name,
        police_reference=referral.police_reference,
        force_code=referral.force_code,
        worker=worker.display_name if worker else "",
        started_at=assessment.started_at,
        completed_at=assessment.completed_at,
        ended_early_reason=assessment.ended_early_reason,
        call_back_at=assessment.call_back_at,
        steps=tuple(steps),
        scores=tuple(line.words for line in scores.score_table(facts)),
        mixing=tuple(mixing),
        advice_given=tuple(advice),
        needs=tuple(needs),
        concerns=tuple(concerns),
        allocation=tuple(allocation),
        not_screened=tuple(m.words for m in flow.not_screened(facts)),
        demo=_is_demo(session, actor),
    )


def read_record(db: Database, actor: Actor, referral_id: int) -> AssessmentRecord:
    """The referral's latest assessment, every step and answer, read only (audited)."""
    with db.write() as session:
        record = _read(session, actor, referral_id)
        audit.record(session, actor, "assessment.view", "assessment", record.assessment_id)
        return record


def record_text(record: AssessmentRecord) -> str:
    """The record as plain text for the case file (and for the screen)."""
    out: list[str] = []
    state = (
        f"completed {_uk(record.completed_at)}"
        if record.completed_at
        else f"PARTIAL: ended early: {record.ended_early_reason}"
        if record.ended_early_reason
        else "not finished"
    )
    out.append(
        f"Assessment of {record.person_name} · {record.police_reference} · {record.force_code.replace('_', ' ')}"
    )
    out.append(f"Worker: {record.worker or 'unknown'} · started {_uk(record.started_at)} · {state}")
    if record.call_back_at and not record.completed_at:
        out.append(f"Call-back agreed: {describe(record.call_back_at)}")
    if record.not_screened:
        out.append(f"Not screened: {', '.join(record.not_screened)}")
    out.append("")
    out.append("SCORES")
    out += [f"  {s}" for s in record.scores] or ["  none"]
    for step in record.steps:
        out.append("")
        out.append(f"{step.title.upper()}: {step.state}")
        for form in step.forms:
            out.append(
                f"  {form.name}"
                + (f": {form.result}" if form.result else "")
                + ("" if form.complete else " (not finished)")
            )
            out += [f"    ⚑ {flag}" for flag in form.flags]
            out += [f"    {a.question}  ->  {a.answer}" for a in form.answers]
    out.append("")
    out.append("MIXING RISKS")
    out += [f"  {m}" for m in record.mixing]
    out.append("")
    out.append("ADVICE GIVEN")
    out += [f"  {a}" for a in record.advice_given] or ["  none ticked as given"]
    out.append("")
    out.append("NEEDS")
    out += [f"  {n}" for n in record.needs] or ["  none found"]
    out.append("")
    out.append("SAFEGUARDING CONCERNS")
    out += [f"  {c}" for c in record.concerns] or ["  none"]
    out.append("")
    out.append("ALLOCATION")
    out += [f"  {a}" for a in record.allocation] or ["  not allocated yet"]
    return "\n".join(out) + "\n"


def export_record(db: Database, actor: Actor, referral_id: int, path: Path) -> Path:
    """Print the assessment to a text file (owner-only, DEMO-marked for demo data)."""
    with db.write() as session:
        record = _read(session, actor, referral_id)
        written = outfiles.write_text_file(path, record_text(record), demo=record.demo)
        audit.record(
            session, actor, "assessment.export", "assessment", record.assessment_id, written.name
        )
        return written
