"""Headline figures per force for a period: what commissioners ask for first.

Counts under five are suppressed (shown as "<5") so that no one can be recognised from a
small number; shares are worked out from the true counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func
from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import Referral
from divert_tui.core.schemes import Scheme
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, require
from divert_tui.core.vocab import ReferralStatus

SUPPRESS_BELOW = 5


def shown(count: int) -> str:
    """A count as it may be published, in the one number format of the screens (108,269)."""
    return "<5" if 0 < count < SUPPRESS_BELOW else f"{count:,}"


@dataclass(frozen=True)
class ForceFigures:
    force_code: str
    force_name: str
    referrals: int
    cannabis: int
    contacted: int
    completed: int
    non_compliant: int
    ineligible: int
    hours_saved: float

    @property
    def cannabis_share(self) -> float | None:
        return self.cannabis / self.referrals if self.referrals else None

    @property
    def completion_share(self) -> float | None:
        return self.completed / self.referrals if self.referrals else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def headline(
    db: Database,
    actor: Actor,
    schemes: Mapping[str, Scheme],
    start: date,
    end: date,
) -> list[ForceFigures]:
    """Figures for referrals made from ``start`` to ``end`` inclusive, one row per force."""
    require(actor, Permission.VIEW_REPORTS)
    low, high = _bounds(start, end)
    status = Referral.status
    statement = (
        select(
            Referral.force_code,
            func.count(),
            func.sum(case((Referral.main_substance == "cannabis", 1), else_=0)),
            func.sum(case((col(Referral.first_contact_at).is_not(None), 1), else_=0)),
            func.sum(case((status == ReferralStatus.COMPLETED.value, 1), else_=0)),
            func.sum(case((status == ReferralStatus.NON_COMPLIANT.value, 1), else_=0)),
            func.sum(case((status == ReferralStatus.INELIGIBLE.value, 1), else_=0)),
        )
        .where(col(Referral.referred_at) >= low, col(Referral.referred_at) < high)
        .group_by(Referral.force_code)
    )
    if not actor.sees_all_forces:
        statement = statement.where(col(Referral.force_code).in_(sorted(actor.forces)))
    with db.write() as session:
        rows = {r[0]: r for r in session.exec(statement).all()}
        audit.record(session, actor, "report.headline", detail=f"{start}..{end}")
    figures = []
    for code, scheme in schemes.items():
        if not actor.covers(code):
            continue
        r = rows.get(code)
        counts = [int(v or 0) for v in r[1:]] if r else [0] * 6
        eligible = counts[0] - counts[5]
        figures.append(
            ForceFigures(
                code,
                scheme.name,
                *counts,
                hours_saved=round(eligible * scheme.hours_saved_per_referral, 2),
            )
        )
    return figures
