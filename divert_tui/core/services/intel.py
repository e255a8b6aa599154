"""Intelligence logs to the police: the non-compliance logs of a force not yet sent.

Only the identifiers the information-sharing agreement allows leave the service (names,
date of birth, sex, the police reference, the dates and the reason); never health or
assessment data. Rows are marked sent in the same transaction that reads them, so a log
is exported once and a second run sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TextIO

from sqlmodel import col, select

from divert_tui.core import feed_fields
from divert_tui.core.database import Database
from divert_tui.core.models import IntelligenceLog, Person, Referral, utcnow
from divert_tui.core.outfiles import write_csv_rows
from divert_tui.core.rules.id_ranges import referrals_detail
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, ValidationError, require

COLUMNS = (
    "police_reference",
    "force",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "log_id",
    "log_date",
    "reason",
    "bar_until",
)


@dataclass(frozen=True)
class IntelExport:
    force: str
    rows: tuple[dict[str, str], ...]
    sent_at: datetime

    @property
    def count(self) -> int:
        return len(self.rows)

    def write_csv(self, out: TextIO, *, demo: bool = False) -> None:
        """The logs as CSV through the one file writer: formula cells disarmed, DEMO marked."""
        write_csv_rows(
            out, COLUMNS, ([row[name] for name in COLUMNS] for row in self.rows), demo=demo
        )


def export_intel(
    db: Database,
    actor: Actor,
    force: str,
    *,
    since: date | None = None,
    known_forces: set[str] | frozenset[str] | None = None,
    deliver: Callable[[IntelExport], None] | None = None,
) -> IntelExport:
    """Take the force's unsent non-compliance logs (created on or after ``since``).

    ``deliver`` (writing the file) runs inside the transaction: if it fails, nothing is
    marked sent, so a full disk never loses a log.
    """
    require(actor, Permission.EXPORT_INTEL, force=force)
    if known_forces is not None and force not in known_forces:
        raise ValidationError(
            {"force": f"unknown force {force!r}: use {', '.join(sorted(known_forces))}"}
        )
    with db.write() as session:
        statement = (
            select(IntelligenceLog, Referral.police_reference, Person)
            .join(Referral, col(Referral.id) == IntelligenceLog.referral_id)
            .join(Person, col(Person.id) == IntelligenceLog.person_id)
            .where(
                IntelligenceLog.force_code == force,
                col(IntelligenceLog.sent_to_police_at).is_(None),
            )
            .order_by(col(IntelligenceLog.created_at), col(IntelligenceLog.id))
        )
        if since is not None:
            start = datetime(since.year, since.month, since.day, tzinfo=feed_fields.UK_TIME)
            statement = statement.where(col(IntelligenceLog.created_at) >= start)
        if session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(of=IntelligenceLog)  # type: ignore[arg-type]
        found = session.exec(statement).all()
        sent_at = utcnow()
        rows = []
        for log, reference, person in found:
            rows.append(
                {
                    "police_reference": reference,
                    "force": force,
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "date_of_birth": person.date_of_birth.isoformat(),
                    "sex": person.sex,
                    "log_id": str(log.id),
                    "log_date": log.created_at.astimezone(feed_fields.UK_TIME).date().isoformat(),
                    "reason": log.reason.replace("_", "-"),
                    "bar_until": log.bar_until.isoformat(),
                }
            )
            log.sent_to_police_at = sent_at
            session.add(log)
        audit.record(
            session,
            actor,
            "intel.export",
            "intelligence_log",
            "",
            f"force={force} logs={len(rows)}"
            + (f" since={since.isoformat()}" if since else "")
            + referrals_detail(log.referral_id for log, _, _ in found),
        )
        export = IntelExport(force, tuple(rows), sent_at)
        if deliver is not None:
            deliver(export)
        return export
