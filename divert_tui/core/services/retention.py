"""Retention: who is past their scheme's retention period, and anonymising them.

``due`` lists the people due (a page, read in SQL, with counts per scheme and the
intelligence logs whose reason has outlived its bar). ``apply`` works in batches, each
its own transaction with one audit event (counts and person ids, never names): killed
half-way, the batches done stay done and the next run picks up the rest, because what
is left to do is always read afresh from the database. Admin only.

The selection in SQL is the rule of ``core.rules.retention`` read backwards (a closing on
or before the cutoff day, in UK days); every person of a batch is also checked with the
rule itself before anything is changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, exists, false, func, not_, or_, select
from sqlmodel import Session, col

from divert_tui.core.database import Database
from divert_tui.core.models import IntelligenceLog, Person, Referral, utcnow
from divert_tui.core.rules import retention as rule
from divert_tui.core.rules.metrics.timing import UK
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, ValidationError, require
from divert_tui.core.services.paging import clamp_page
from divert_tui.core.services.retention_scrub import anonymise_people, strip_intel
from divert_tui.core.vocab import CLOSED_STATUSES

BATCH_SIZE = 200
PAGE_SIZE = 50


@dataclass(frozen=True)
class DueRow:
    person_id: int
    force: str
    last_closed: date | None
    reason: str


@dataclass(frozen=True)
class DuePage:
    today: date
    rows: list[DueRow]
    total: int
    page: int
    page_size: int
    per_scheme: dict[str, int]  # by the force of the person's last closed referral
    intel_due: int  # intelligence logs whose reason is past its bar (people not due included)


@dataclass(frozen=True)
class Batch:
    number: int
    kind: str  # "people" or "intelligence"
    ids: tuple[int, ...]
    counts: dict[str, int]


@dataclass(frozen=True)
class Applied:
    today: date
    people: int
    intel_reasons_removed: int
    batches: int


def uk_today() -> date:
    return datetime.now(UK).date()


def _policies(schemes: Mapping[str, Scheme]) -> dict[str, rule.Policy]:
    return {code: rule.Policy(s.name, s.retention_years) for code, s in schemes.items()}


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK)


def _past_period(schemes: Mapping[str, Scheme], today: date) -> Any:
    """True for a referral closed on or before its scheme's cutoff day (UK days)."""
    by_force = [
        and_(
            col(Referral.force_code) == code,
            col(Referral.closed_at)
            < _uk_midnight(rule.cutoff(today, scheme.retention_years) + timedelta(days=1)),
        )
        for code, scheme in schemes.items()
    ]
    return and_(
        col(Referral.status).in_([s.value for s in CLOSED_STATUSES]),
        col(Referral.closed_at).is_not(None),
        or_(*by_force) if by_force else false(),
    )


def _due_people(schemes: Mapping[str, Scheme], today: date) -> Any:
    """Ids of people not yet anonymised whose every referral is past its period, with no
    bar still running."""
    mine = col(Referral.person_id) == col(Person.id)
    return select(Person.id).where(
        col(Person.anonymised_at).is_(None),
        exists().where(mine),
        not_(exists().where(mine, not_(_past_period(schemes, today)))),
        not_(
            exists().where(
                col(IntelligenceLog.person_id) == col(Person.id),
                col(IntelligenceLog.bar_until) > today,
            )
        ),
    )


def _intel_due(schemes: Mapping[str, Scheme], today: date) -> Any:
    """Ids of intelligence logs with a reason kept past its scheme's time after the bar."""
    by_force = [
        and_(
            col(IntelligenceLog.force_code) == code,
            col(IntelligenceLog.bar_until)
            <= rule.intel_cutoff(today, scheme.intel_months_after_bar),
        )
        for code, scheme in schemes.items()
    ]
    return select(IntelligenceLog.id).where(
        col(IntelligenceLog.reason_removed_at).is_(None), or_(*by_force) if by_force else false()
    )


def _last_closed(schemes: Mapping[str, Scheme], today: date) -> Any:
    """(person id, force, closed at) of each due person's last closed referral."""
    ranked = (
        select(
            col(Referral.person_id).label("person_id"),
            col(Referral.force_code).label("force"),
            col(Referral.closed_at).label("closed_at"),
            func.row_number()
            .over(
                partition_by=col(Referral.person_id),
                order_by=(col(Referral.closed_at).desc(), col(Referral.id).desc()),
            )
            .label("nth"),
        )
        .where(col(Referral.person_id).in_(_due_people(schemes, today)))
        .subquery("last_closed")
    )
    return ranked


def _check_today(today: date | None) -> date:
    if today is not None and today > uk_today() + timedelta(days=366 * 50):
        raise ValidationError({"today": "more than 50 years ahead: give a real date"})
    return today or uk_today()


def _verdicts(
    session: Session, ids: Sequence[int], schemes: Mapping[str, Scheme], today: date
) -> dict[int, rule.Verdict]:
    """The rule's verdict for each of these people, from their referrals and bars."""
    referrals: dict[int, list[rule.ReferralFacts]] = {pid: [] for pid in ids}
    bars: dict[int, list[rule.BarFacts]] = {pid: [] for pid in ids}
    for rid, pid, force, status, closed in session.execute(
        select(
            Referral.id, Referral.person_id, Referral.force_code, Referral.status,
            Referral.closed_at,
        ).where(col(Referral.person_id).in_(ids))
    ):  # fmt: skip
        referrals[pid].append(rule.ReferralFacts(rid, force, status, closed))
    for lid, pid, until in session.execute(
        select(IntelligenceLog.id, IntelligenceLog.person_id, IntelligenceLog.bar_until).where(
            col(IntelligenceLog.person_id).in_(ids)
        )
    ):
        bars[pid].append(rule.BarFacts(lid, until))
    known = _policies(schemes)
    return {pid: rule.person_verdict(referrals[pid], bars[pid], known, today) for pid in ids}


def due(
    db: Database,
    actor: Actor,
    schemes: Mapping[str, Scheme],
    *,
    today: date | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> DuePage:
    """One page of the people due today, with the counts per scheme (audited as a list)."""
    require(actor, Permission.APPLY_RETENTION)
    day = _check_today(today)
    with db.write() as session:
        ranked = _last_closed(schemes, day)
        last = ranked.c.nth == 1
        per_scheme = {
            force: int(n)
            for force, n in session.execute(
                select(ranked.c.force, func.count()).where(last).group_by(ranked.c.force)
            )
        }
        total = sum(per_scheme.values())
        page = clamp_page(page, total, page_size)
        found = session.execute(
            select(ranked.c.person_id, ranked.c.force)
            .where(last)
            .order_by(ranked.c.person_id)
            .limit(page_size)
            .offset(page * page_size)
        ).all()
        verdicts = _verdicts(session, [pid for pid, _ in found], schemes, day)
        rows = [
            DueRow(pid, force, verdicts[pid].last_closed, verdicts[pid].reason)
            for pid, force in found
        ]
        intel = int(
            session.execute(
                select(func.count()).select_from(_intel_due(schemes, day).subquery())
            ).scalar_one()
        )
        shown = ",".join(str(r.person_id) for r in rows) or "-"
        audit.record(
            session,
            actor,
            "retention.list",
            "person",
            "",
            f"today={day.isoformat()} due={total} intel_due={intel} page={page + 1} shown={shown}",
        )
    return DuePage(day, rows, total, page, page_size, per_scheme, intel)


def apply(
    db: Database,
    actor: Actor,
    schemes: Mapping[str, Scheme],
    *,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[Batch], None] | None = None,
) -> Applied:
    """Anonymise every person due, then remove the intelligence reasons past their bar,
    ``batch_size`` at a time, each batch committed with its own audit event."""
    if not 1 <= batch_size <= 5000:
        raise ValidationError({"batch_size": "give a number of people from 1 to 5000"})
    day = _check_today(today)
    people = intel = number = 0
    after = 0  # ids only grow within a run: a person the rule refuses is not asked twice
    while True:
        require(actor, Permission.APPLY_RETENTION)
        with db.write() as session:
            candidates = list(
                session.execute(
                    _due_people(schemes, day)
                    .where(col(Person.id) > after)
                    .order_by(col(Person.id))
                    .limit(batch_size)
                    # PostgreSQL: a referral being added for one of them (its foreign key
                    # check) waits for this batch, or this waits and the rule then sees it.
                    .with_for_update(of=Person)
                ).scalars()
            )
            if not candidates:
                break
            after = candidates[-1]
            verdicts = _verdicts(session, candidates, schemes, day)
            ids = [pid for pid in candidates if verdicts[pid].due]
            counts: Counter[str] = anonymise_people(session, ids, utcnow()) if ids else Counter()
            number += 1
            _record(session, actor, number, "people", day, ids, counts)
        people += len(ids)
        intel += counts["intel_reasons_removed"]
        if on_batch is not None:
            on_batch(Batch(number, "people", tuple(ids), dict(counts)))
    while True:
        require(actor, Permission.APPLY_RETENTION)
        with db.write() as session:
            log_ids = list(
                session.execute(
                    _intel_due(schemes, day).order_by(col(IntelligenceLog.id)).limit(batch_size)
                ).scalars()
            )
            if not log_ids:
                break
            removed = strip_intel(session, log_ids, utcnow())
            counts = Counter(intel_reasons_removed=removed)
            number += 1
            _record(session, actor, number, "intelligence", day, log_ids, counts)
        intel += removed
        if on_batch is not None:
            on_batch(Batch(number, "intelligence", tuple(log_ids), dict(counts)))
    return Applied(day, people, intel, number)


def _record(
    session: Session,
    actor: Actor,
    number: int,
    kind: str,
    day: date,
    ids: Sequence[int],
    counts: Mapping[str, int],
) -> None:
    figures = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    what = "person_ids" if kind == "people" else "intelligence_log_ids"
    audit.record(
        session,
        actor,
        "retention.apply",
        "person" if kind == "people" else "intelligence_log",
        "",
        f"batch={number} today={day.isoformat()} {figures} "
        f"{what}={','.join(map(str, ids)) or '-'}".replace("  ", " "),
    )
