"""Safeguarding follow-ups across the team: every open concern of the lead's forces, the
soonest follow-up first, and closing one with what was done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import Person, Referral, SafeguardingConcern, Staff, utcnow
from divert_tui.core.services import audit
from divert_tui.core.services.base import (
    Actor,
    NotFound,
    Permission,
    ValidationError,
    check_version,
    get_for_update,
    require,
)
from divert_tui.core.services.paging import Page, clamp_page


@dataclass(frozen=True)
class ConcernListRow:
    concern_id: int
    version: int
    referral_id: int
    police_reference: str
    person_name: str
    type: str
    detail: str
    referred_to: str | None
    raised_at: datetime
    raised_by: str | None
    follow_up_due: date | None

    def due_flag(self, today: date) -> str:
        if self.follow_up_due is None:
            return ""
        if self.follow_up_due < today:
            return "overdue"
        return "due today" if self.follow_up_due == today else ""


def open_concerns(
    db: Database, actor: Actor, *, page: int = 0, page_size: int = 50
) -> Page[ConcernListRow]:
    """Open concerns of the actor's forces: follow-ups due soonest first, undated last."""
    raiser = aliased(Staff)
    condition = col(SafeguardingConcern.closed_at).is_(None)
    if not actor.sees_all_forces:
        condition = condition & col(Referral.force_code).in_(sorted(actor.forces))
    with db.write() as session:
        require(actor, Permission.VIEW_CASELOADS)
        total = session.exec(
            select(func.count())
            .select_from(SafeguardingConcern)
            .join(Referral, col(Referral.id) == SafeguardingConcern.referral_id)
            .where(condition)
        ).one()
        page = clamp_page(page, total, page_size)
        rows = session.exec(
            select(SafeguardingConcern, Referral.police_reference, Person.first_name,
                   Person.last_name, raiser.display_name)
            .join(Referral, col(Referral.id) == SafeguardingConcern.referral_id)
            .join(Person, col(Person.id) == Referral.person_id)
            .outerjoin(raiser, col(raiser.id) == SafeguardingConcern.raised_by)
            .where(condition)
            .order_by(
                col(SafeguardingConcern.follow_up_due).is_(None),
                col(SafeguardingConcern.follow_up_due),
                col(SafeguardingConcern.id),
            )
            .offset(page * page_size)
            .limit(page_size)
        ).all()  # fmt: skip
        audit.record(
            session,
            actor,
            "safeguarding.list",
            "safeguarding_concern",
            "",
            f"open concerns, page {page + 1}, {len(rows)} of {total}",
        )
        return Page(
            [
                ConcernListRow(
                    concern_id=c.id or 0,
                    version=c.version,
                    referral_id=c.referral_id,
                    police_reference=reference,
                    person_name=f"{first} {last}",
                    type=c.type,
                    detail=c.detail,
                    referred_to=c.referred_to,
                    raised_at=c.raised_at,
                    raised_by=raised_by,
                    follow_up_due=c.follow_up_due,
                )
                for c, reference, first, last, raised_by in rows
            ],
            total,
            page,
            page_size,
        )


def close_concern(
    db: Database,
    actor: Actor,
    concern_id: int,
    outcome: str,
    *,
    expected_version: int | None = None,
) -> None:
    """Close a concern once followed up, recording what was done."""
    text = outcome.strip()
    if not text:
        raise ValidationError({"outcome": "say what was done before closing the concern"})
    with db.write() as session:
        concern = get_for_update(session, SafeguardingConcern, concern_id)
        if concern is None:
            raise NotFound(f"no safeguarding concern {concern_id}")
        referral = session.get(Referral, concern.referral_id)
        assert referral is not None
        require(actor, Permission.VIEW_CASELOADS, force=referral.force_code)
        check_version(concern.version, expected_version, "safeguarding concern")
        if concern.closed_at is not None:
            raise ValidationError({"concern": "this concern is already closed"})
        concern.closed_at = utcnow()
        concern.detail = (
            f"{concern.detail}\nClosed by {actor.display_name or actor.username}: {text}"
        )
        concern.version += 1
        session.add(concern)
        audit.record(session, actor, "safeguarding.close", "safeguarding_concern", concern_id)
