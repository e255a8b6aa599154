"""Safety in the call: the self-harm risk protocol and the safeguarding concerns it raises.

PHQ-9 item 9 above 0 blocks the call until the action taken is recorded (the record is a
safeguarding concern of type self_harm with a follow-up date). A Marac criterion, a child
or an adult at risk, or exploitation creates a concern as soon as the answer that shows it
is saved, so a team lead sees it even if the call then drops.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from divert_tui.core.database import Database
from divert_tui.core.models import Assessment, Referral, SafeguardingConcern, utcnow
from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.rules.calendar import add_working_days
from divert_tui.core.rules.needs import (
    CONCERN_FLAGS,
    SELF_HARM_FOLLOW_UP_WORKING_DAYS,
    concerns_from,
)
from divert_tui.core.services import audit
from divert_tui.core.services.assessment_store import (
    AssessmentView,
    ConcernRow,
    concern_rows,
    facts_of,
    load_pair,
    uk_today,
    view_of,
)
from divert_tui.core.services.base import Actor, Permission, ServiceError, ValidationError
from divert_tui.core.vocab import SafeguardingType

AUTO_TYPES = {kind for kind, _ in CONCERN_FLAGS.values()}

# What the worker can record at the risk protocol; one must be chosen before going on.
# The long wording is what the safeguarding record says; the short label fits a dialog at 80x24.
SELF_HARM_ACTIONS: dict[str, str] = {
    "emergency_999": "Life in immediate danger: 999 called (or the person agreed to call) and stayed on the line",
    "urgent_referral": "Urgent referral made now (crisis team, GP same day, or A&E)",
    "crisis_lines_safety_plan": "Risk explored; crisis lines given (Samaritans 116 123, NHS 111 and choose the mental health option, Shout 85258) and a safety plan agreed",
    "no_current_risk": "Risk explored: no current thoughts or plans; crisis lines given",
    "call_dropped": "Call dropped before the risk could be explored: team lead told, call-back attempted",
}
SELF_HARM_ACTION_LABELS: dict[str, str] = {
    "emergency_999": "Life in danger: 999 called, stayed on the line",
    "urgent_referral": "Urgent referral made now (crisis team, GP, A&E)",
    "crisis_lines_safety_plan": "Crisis lines given and a safety plan agreed",
    "no_current_risk": "No current thoughts or plans; crisis lines given",
    "call_dropped": "Call dropped: team lead told, call-back tried",
}
# Actions that need more than the choice itself before they can be recorded.
SELF_HARM_NEEDS_REFERRED_TO = frozenset({"urgent_referral"})


def sync_concerns(
    session: Session, actor: Actor, assessment: Assessment, referral: Referral, today: date
) -> list[SafeguardingConcern]:
    """Create the concerns the flags now call for; close automatic ones whose flag fell
    (an answer was corrected). Returns the concerns created."""
    facts = facts_of(session, assessment, referral)
    due = {c.type: c for c in concerns_from(facts.responses.values())}
    existing = session.exec(
        select(SafeguardingConcern).where(
            SafeguardingConcern.assessment_id == assessment.id,
            col(SafeguardingConcern.type).in_(AUTO_TYPES),
        )
    ).all()
    open_rows = {c.type: c for c in existing if c.closed_at is None}
    created = []
    for kind, concern in due.items():
        if kind in open_rows:
            row = open_rows[kind]
            if row.detail != concern.detail:  # e.g. the Dash count went up: keep it current
                row.detail = concern.detail
                row.version += 1
                session.add(row)
            continue
        row = SafeguardingConcern(
            referral_id=referral.id or 0,
            assessment_id=assessment.id,
            type=kind,
            detail=concern.detail,
            raised_by=actor.staff_id,
            follow_up_due=concern.follow_up_due(today),
        )
        session.add(row)
        session.flush()
        created.append(row)
        audit.record(
            session, actor, "safeguarding.raise", "safeguarding_concern", row.id or 0, kind
        )
    for row in existing:
        if row.closed_at is None and row.type not in due:
            row.closed_at = utcnow()
            row.detail = (
                f"{row.detail}\nClosed automatically: the answer that raised it was changed."
            )
            row.version += 1
            session.add(row)
            audit.record(
                session, actor, "safeguarding.auto_close", "safeguarding_concern", row.id or 0
            )
    return created


def record_self_harm_action(
    db: Database,
    actor: Actor,
    assessment_id: int,
    action: str,
    *,
    referred_to: str = "",
    notes: str = "",
    today: date | None = None,
) -> AssessmentView:
    """Record what was done about PHQ-9 item 9 (required before the call goes on)."""
    if action not in SELF_HARM_ACTIONS:
        raise ValidationError({"action": "choose what was done about the risk"})
    if action in SELF_HARM_NEEDS_REFERRED_TO and not referred_to.strip():
        raise ValidationError({"referred_to": "say who the urgent referral was made to"})
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, Permission.WORK_REFERRALS)
        facts = facts_of(session, assessment, referral)
        phq9 = facts.responses.get(("phq9", ""))
        if phq9 is None or flow.SELF_HARM_FLAG not in phq9.flags:
            raise ServiceError("there is no self-harm risk to record in this assessment")
        detail = SELF_HARM_ACTIONS[action]
        if notes.strip():
            detail += f"\n{notes.strip()}"
        row = SafeguardingConcern(
            referral_id=referral.id or 0,
            assessment_id=assessment_id,
            type=SafeguardingType.SELF_HARM.value,
            detail=f"PHQ-9 question 9 answered {phq9.answers.get('q9')}. {detail}",
            referred_to=referred_to.strip()[:150] or None,
            raised_by=actor.staff_id,
            follow_up_due=add_working_days(today or uk_today(), SELF_HARM_FOLLOW_UP_WORKING_DAYS),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "safeguarding.self_harm_action",
            "safeguarding_concern",
            row.id or 0,
            action,
        )
        return view_of(session, assessment, referral)


def concerns_of(db: Database, actor: Actor, assessment_id: int) -> list[ConcernRow]:
    """The safeguarding concerns raised in this assessment, oldest first (a read of the
    person's record, so it is audited)."""
    with db.write() as session:
        load_pair(session, actor, assessment_id, Permission.VIEW_REFERRALS)
        rows = concern_rows(session, assessment_id)
        audit.record(
            session, actor, "assessment.concerns", "assessment", assessment_id, f"{len(rows)} shown"
        )
        return rows
