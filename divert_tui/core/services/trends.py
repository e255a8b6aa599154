"""Trends for the reports charts: referrals month by month, defined in
``core.rules.metrics.trends`` and read in one transaction, for the forces the person sees."""

from __future__ import annotations

from collections.abc import Mapping

from divert_tui.core.database import Database
from divert_tui.core.rules.metrics.timing import Period
from divert_tui.core.rules.metrics.trends import MonthlySeries, fold_monthly, monthly_statement
from divert_tui.core.schemes import Scheme
from divert_tui.core.services.base import Actor
from divert_tui.core.services.reports import report_forces


def referrals_by_month(
    db: Database,
    actor: Actor,
    schemes: Mapping[str, Scheme],
    period: Period,
    *,
    force: str | None = None,
) -> MonthlySeries:
    """Counts only (no person is read), so no audit event: the report it sits beside has one."""
    codes = report_forces(actor, schemes, force)
    with db.read() as session:
        rows = session.exec(monthly_statement(period, codes)).all()  # type: ignore[call-overload]
    return fold_monthly(period, [(int(m), str(s), int(c)) for m, s, c in rows])
