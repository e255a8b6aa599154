"""The end of the call: needs and onward referrals, completion, and the allocation.

The needs found are written as Need rows (the worker then picks advice / signposted /
referred and a service). Completing moves the referral contacting -> assessed, and
allocating records the suggestion, the choice and any override reason, then moves it
assessed -> allocated, both through the lifecycle rules (``referrals.move_within``), in
the same transaction as the rest of the step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from divert_tui.core.database import Database
from divert_tui.core.models import (
    Allocation,
    Assessment,
    Need,
    NeedService,
    Referral,
    Service,
    utcnow,
)
from divert_tui.core.rules import allocation as allocation_rules
from divert_tui.core.rules import assessment_flow as flow
from divert_tui.core.rules.needs import DOMAIN_LABELS, needs_from
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit, referrals
from divert_tui.core.services.assessment_store import (
    AssessmentView,
    ConcernRow,
    concern_rows,
    facts_of,
    load_pair,
    view_of,
)
from divert_tui.core.services.base import (
    Actor,
    NotFound,
    Permission,
    ServiceError,
    ValidationError,
    require,
)
from divert_tui.core.services.directory import ensure_synced
from divert_tui.core.vocab import AllocationPath, NeedAction, OnwardReferralStatus, ReferralStatus
from divert_tui.forms import load_instrument

S = ReferralStatus
W = Permission.WORK_REFERRALS


ACTION_WORDS = {"advice": "advice given", "signposted": "signposted", "referred": "referred"}


@dataclass(frozen=True)
class NeedDone:
    """One thing done about a need: advice, or a signposting or referral to one service."""

    id: int
    action: str
    service_id: int | None
    service_name: str
    status: str

    @property
    def words(self) -> str:
        text = ACTION_WORDS.get(self.action, self.action)
        if self.service_name:
            text += (
                f" to {self.service_name}"
                if self.action == "referred"
                else f": {self.service_name}"
            )
        if self.status not in ("none", "made"):
            text += f" ({self.status.replace('_', ' ')})"
        return text


@dataclass(frozen=True)
class NeedRow:
    id: int
    domain: str
    level: str
    reason: str
    action: str | None  # the latest thing done (all of them are in ``done``)
    service_id: int | None
    service_name: str
    status: str
    done: tuple[NeedDone, ...] = ()

    @property
    def label(self) -> str:
        return DOMAIN_LABELS.get(self.domain, self.domain)


@dataclass(frozen=True)
class Summary:
    view: AssessmentView
    needs: list[NeedRow]
    concerns: list[ConcernRow]
    suggestion: allocation_rules.Suggestion
    chosen: str | None
    override_reason: str | None
    unfinished: list[flow.StepState]


def _allocation_facts(facts: flow.Facts, scheme: Scheme | None) -> allocation_rules.AllocationFacts:
    """What the allocation rule needs, read from the stored responses."""
    r = facts.responses
    sds = r.get(("sds", facts.main_substance))
    audit_full = r.get(("audit", ""))
    dash = r.get(("dash", ""))
    phq9 = r.get(("phq9", ""))
    safeguarding = r.get(("safeguarding", ""))
    exploitation = r.get(("exploitation", ""))

    def total(stored: flow.Stored | None) -> int | None:
        if stored is None or not stored.answers:
            return None
        inst = load_instrument(stored.instrument, stored.version)
        return inst.score_so_far(stored.answers, **dict(stored.context)).total

    marac: list[str] = []
    if dash is not None:
        inst = load_instrument("dash", dash.version)
        marac = [inst.flag_rule(f).label for f in sorted(dash.flags) if f.startswith("marac_")]
    referrals_made = []
    if safeguarding is not None:
        if "child_safeguarding" in safeguarding.flags:
            referrals_made.append("children")
        if "adult_at_risk" in safeguarding.flags:
            referrals_made.append("adult_at_risk")
    q9 = phq9.answers.get("q9") if phq9 else None
    return allocation_rules.AllocationFacts(
        main_substance=facts.main_substance,
        sds_substance=facts.main_substance if sds and sds.answers else None,
        sds_total=total(sds),
        audit_total=total(audit_full) if audit_full and audit_full.completed else None,
        dash_total=total(dash),
        marac_criteria=tuple(marac),
        safeguarding_referrals=tuple(referrals_made),
        phq9_item9=q9 if isinstance(q9, int) else None,
        exploitation=exploitation is not None and "exploitation" in exploitation.flags,
        groups_offered=scheme.groups
        if scheme
        else ("cannabis", "cocaine", "nitrous_oxide", "general"),
        not_screened=tuple(m.words for m in flow.not_screened(facts)),
    )


def _sync_needs(session: Session, assessment: Assessment, facts: flow.Facts) -> None:
    """Need rows follow the answers; a need the worker has acted on is never dropped."""
    found = {n.domain: n for n in needs_from(facts.responses.values())}
    rows = session.exec(select(Need).where(Need.assessment_id == assessment.id)).all()
    have = {row.domain: row for row in rows}
    for domain, need in found.items():
        row = have.get(domain) or Need(assessment_id=assessment.id or 0, domain=domain)
        if (row.level, row.reason) != (need.level, need.reason):
            row.level, row.reason, row.updated_at = need.level, need.reason, utcnow()
            session.add(row)
    for domain, row in have.items():
        if domain not in found and row.action is None:
            session.delete(row)


def _need_rows(session: Session, assessment_id: int) -> list[NeedRow]:
    rows = session.exec(
        select(Need).where(Need.assessment_id == assessment_id).order_by(col(Need.id))
    ).all()
    names = {s.id: s.name for s in session.exec(select(Service)).all()}
    done_rows = session.exec(
        select(NeedService)
        .where(col(NeedService.need_id).in_([r.id for r in rows]))
        .order_by(col(NeedService.id))
    ).all()
    done: dict[int, list[NeedDone]] = {}
    for d in done_rows:
        service = names.get(d.service_id, "") if d.service_id else ""
        done.setdefault(d.need_id, []).append(
            NeedDone(d.id or 0, d.action, d.service_id, service, d.status)
        )
    order = list(DOMAIN_LABELS)
    rows = sorted(rows, key=lambda r: order.index(r.domain) if r.domain in order else 99)
    return [
        NeedRow(
            r.id or 0,
            r.domain,
            r.level,
            r.reason,
            r.action,
            r.service_id,
            names.get(r.service_id, "") if r.service_id else "",
            r.status,
            tuple(done.get(r.id or 0, ())),
        )
        for r in rows
    ]


def summary(
    db: Database, actor: Actor, assessment_id: int, schemes: Mapping[str, Scheme]
) -> Summary:
    """Bring the needs up to date with the answers and gather what the summary shows."""
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, W)
        facts = facts_of(session, assessment, referral)
        if flow.self_harm_pending(facts):
            raise ServiceError(flow.blocked("summary", facts) or "record the self-harm action")
        ensure_synced(session, referral.force_code)
        if assessment.completed_at is None:
            _sync_needs(session, assessment, facts)
            assessment.current_step = "summary"
            session.add(assessment)
        session.flush()
        suggestion = allocation_rules.suggest(
            _allocation_facts(facts, schemes.get(referral.force_code))
        )
        chosen = session.exec(
            select(Allocation).where(Allocation.referral_id == referral.id)
        ).first()
        audit.record(session, actor, "assessment.summary", "assessment", assessment_id)
        return Summary(
            view=view_of(session, assessment, referral),
            needs=_need_rows(session, assessment_id),
            concerns=concern_rows(session, assessment_id),
            suggestion=suggestion,
            chosen=chosen.chosen if chosen else None,
            override_reason=chosen.override_reason if chosen else None,
            unfinished=[s for s in flow.unfinished(facts) if s.id != "summary"],
        )


def set_need_action(
    db: Database,
    actor: Actor,
    need_id: int,
    action: str,
    *,
    service_id: int | None = None,
    status: str | None = None,
) -> NeedRow:
    """Add what the worker did about a need: advice given, signposted or referred (to a
    service). A need may be met several ways (Marac and an Idva); the same action to the
    same service again only updates its status."""
    try:
        action = NeedAction(action).value
    except ValueError:
        raise ValidationError({"action": "use advice, signposted or referred"}) from None
    if action != NeedAction.ADVICE.value and service_id is None:
        raise ValidationError({"service": "choose the service from the directory"})
    with db.write() as session:
        need = session.get(Need, need_id)
        if need is None:
            raise NotFound(f"no need {need_id}")
        assessment, referral = load_pair(session, actor, need.assessment_id, W)
        if service_id is not None:
            service = session.get(Service, service_id)
            if service is None or service.force_code not in (None, referral.force_code):
                raise ValidationError({"service": "that service is not in this force's directory"})
        service_id = service_id if action != NeedAction.ADVICE.value else None
        default = OnwardReferralStatus.MADE if action == "referred" else OnwardReferralStatus.NONE
        new_status = OnwardReferralStatus(status or default.value).value
        same = session.exec(
            select(NeedService).where(
                NeedService.need_id == need_id,
                NeedService.action == action,
                NeedService.service_id == service_id
                if service_id is not None
                else col(NeedService.service_id).is_(None),
            )
        ).first()
        row = same or NeedService(
            need_id=need_id, action=action, service_id=service_id, created_by=actor.staff_id
        )
        row.status = new_status
        session.add(row)
        need.action = action
        need.service_id = service_id
        need.status = new_status
        need.updated_at = utcnow()
        session.add(need)
        audit.record(session, actor, "assessment.need", "need", need_id, f"{need.domain}:{action}")
        session.flush()
        return next(r for r in _need_rows(session, need.assessment_id) if r.id == need_id)


def remove_need_action(db: Database, actor: Actor, need_service_id: int) -> NeedRow:
    """Take back one thing recorded as done about a need (recorded by mistake)."""
    with db.write() as session:
        row = session.get(NeedService, need_service_id)
        if row is None:
            raise NotFound(f"no action {need_service_id} on a need")
        need = session.get(Need, row.need_id)
        if need is None:
            raise NotFound(f"no need {row.need_id}")
        assessment, _ = load_pair(session, actor, need.assessment_id, W)
        session.delete(row)
        session.flush()
        left = session.exec(
            select(NeedService).where(NeedService.need_id == need.id).order_by(col(NeedService.id))
        ).all()
        latest = left[-1] if left else None
        need.action = latest.action if latest else None
        need.service_id = latest.service_id if latest else None
        need.status = latest.status if latest else OnwardReferralStatus.NONE.value
        need.updated_at = utcnow()
        session.add(need)
        audit.record(
            session,
            actor,
            "assessment.need_undo",
            "need",
            need.id or 0,
            f"{need.domain}:{row.action}",
        )
        session.flush()
        return next(r for r in _need_rows(session, need.assessment_id) if r.id == need.id)


def complete(
    db: Database, actor: Actor, assessment_id: int, schemes: Mapping[str, Scheme]
) -> AssessmentView:
    """Finish the assessment and move the referral to assessed (repeatable)."""
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, W)
        _complete_within(session, actor, assessment, referral, schemes)
    return _view(db, actor, assessment_id)


def _complete_within(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    referral: Referral,
    schemes: Mapping[str, Scheme],
) -> None:
    facts = facts_of(session, assessment, referral)
    refused = flow.blocked("summary", facts) or _identity_refusal(facts)
    if refused:
        raise ServiceError(refused)
    if assessment.completed_at is None:
        _sync_needs(session, assessment, facts)
        assessment.completed_at = utcnow()
        assessment.ended_early_reason = None
        assessment.call_back_at = None
        assessment.current_step = "summary"
        session.add(assessment)
        audit.record(session, actor, "assessment.complete", "assessment", assessment.id or 0)
    if referral.status == S.CONTACTING.value:
        referrals.move_within(
            session, actor, referral, S.ASSESSED.value, schemes, reason="assessment completed"
        )


def _identity_refusal(facts: flow.Facts) -> str | None:
    identity = facts.responses.get(("identity_check", ""))
    if identity is None or not identity.completed:
        return "finish the identity and safety check first"
    stop = flow.stop_reason(facts)
    return f"the assessment cannot be completed: {stop}" if stop else None


def allocate(
    db: Database,
    actor: Actor,
    assessment_id: int,
    chosen: str,
    schemes: Mapping[str, Scheme],
    *,
    override_reason: str = "",
    acknowledge_unscreened: bool = False,
) -> AssessmentView:
    """Record the allocation (the suggestion, the choice, why if different) and move the
    referral to allocated. Completes the assessment first if needed. With domestic abuse or
    safeguarding not screened, the worker must say they know (``acknowledge_unscreened``)."""
    try:
        chosen = AllocationPath(chosen).value
    except ValueError:
        raise ValidationError({"chosen": f"use one of {', '.join(AllocationPath)}"}) from None
    with db.write() as session:
        assessment, referral = load_pair(session, actor, assessment_id, W)
        _complete_within(session, actor, assessment, referral, schemes)
        facts = facts_of(session, assessment, referral)
        suggestion = allocation_rules.suggest(
            _allocation_facts(facts, schemes.get(referral.force_code))
        )
        if chosen != suggestion.path.value and not override_reason.strip():
            raise ValidationError(
                {"override_reason": f"say why not the suggested {suggestion.label}"}
            )
        unscreened = flow.must_acknowledge(facts)
        if unscreened and not acknowledge_unscreened:
            names = " and ".join(m.name for m in unscreened)
            raise ValidationError(
                {"not screened": f"{names} not screened: acknowledge this before allocating"}
            )
        row = session.exec(select(Allocation).where(Allocation.referral_id == referral.id)).first()
        if row is not None and referral.status not in (S.ASSESSED.value, S.ALLOCATED.value):
            raise ServiceError("this referral is past allocation; change it from its booking")
        row = row or Allocation(referral_id=referral.id or 0, suggested="", chosen="")
        row.suggested = suggestion.path.value
        row.chosen = chosen
        row.reasons = list(suggestion.reasons)
        if unscreened:
            names = ", ".join(m.words for m in unscreened)
            row.reasons.append(f"Allocated with the worker aware these were not screened: {names}")
        row.override_reason = override_reason.strip() or None if chosen != row.suggested else None
        row.decided_by = actor.staff_id
        row.decided_at = utcnow()
        session.add(row)
        audit.record(
            session,
            actor,
            "assessment.allocate",
            "referral",
            referral.id or 0,
            f"suggested={row.suggested} chosen={chosen}"
            + (" unscreened_acknowledged" if unscreened else ""),
        )
        if referral.status == S.ASSESSED.value:
            referrals.move_within(
                session,
                actor,
                referral,
                S.ALLOCATED.value,
                schemes,
                reason=f"allocated: {allocation_rules.PATH_LABELS[AllocationPath(chosen)]}",
            )
    return _view(db, actor, assessment_id)


def _view(db: Database, actor: Actor, assessment_id: int) -> AssessmentView:
    with db.read() as session:
        require(actor, W)
        assessment, referral = load_pair(session, actor, assessment_id, W)
        return view_of(session, assessment, referral)
