"""What leaves the courses for people outside: outcomes for the police, reminder lists.

The outcome export sends, per force, each referral that reached an outcome and was not
sent before (the police reference, the outcome, its date), and marks it sent in the same
transaction, like the intelligence export. Reminders list the people booked on a day with
the time, link and phone, leaving out anyone whose number is not safe to contact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from divert_tui.core.database import Database
from divert_tui.core.models import Booking, CourseGroup, CourseSession, Person, Referral, utcnow
from divert_tui.core.rules.id_ranges import referrals_detail
from divert_tui.core.rules.recurrence import UK, london_iso
from divert_tui.core.services import audit
from divert_tui.core.services.base import Actor, Permission, ValidationError, require
from divert_tui.core.services.safe_contact import numbers_not_safe
from divert_tui.core.vocab import BookingStatus, ReferralStatus

OUTCOMES = (
    ReferralStatus.COMPLETED.value,
    ReferralStatus.NON_COMPLIANT.value,
    ReferralStatus.WITHDRAWN.value,
    ReferralStatus.INELIGIBLE.value,
)
OUTCOME_COLUMNS = ("police_reference", "force", "outcome", "outcome_date")
REMINDER_COLUMNS = (
    "session",
    "starts",
    "course",
    "link",
    "name",
    "phone",
    "police_reference",
    "referral",
)


@dataclass(frozen=True)
class OutcomeExport:
    force: str
    rows: tuple[tuple[str, str, str, str], ...]
    sent_at: datetime
    demo: bool = False

    @property
    def count(self) -> int:
        return len(self.rows)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)


def export_outcomes(
    db: Database,
    actor: Actor,
    force: str,
    *,
    since: date | None = None,
    known_forces: set[str] | frozenset[str] | None = None,
    deliver: Callable[[OutcomeExport], None] | None = None,
) -> OutcomeExport:
    """The force's outcomes not yet sent (reached on or after ``since``), marked sent.

    ``deliver`` writes the file inside the transaction: if it fails nothing is marked.
    """
    require(actor, Permission.EXPORT_OUTCOMES, force=force)
    if known_forces is not None and force not in known_forces:
        raise ValidationError(
            {"force": f"unknown force {force!r}: use {', '.join(sorted(known_forces))}"}
        )
    with db.write() as session:
        statement = (
            select(Referral)
            .where(
                Referral.force_code == force,
                col(Referral.status).in_(OUTCOMES),
                col(Referral.outcome_sent_at).is_(None),
                col(Referral.closed_at).is_not(None),
            )
            .order_by(col(Referral.closed_at), col(Referral.id))
        )
        if since is not None:
            statement = statement.where(col(Referral.closed_at) >= _day_start(since))
        if session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update()
        found = session.exec(statement).all()
        sent_at = utcnow()
        rows = []
        for referral in found:
            closed = referral.closed_at or sent_at
            rows.append(
                (
                    referral.police_reference,
                    force,
                    referral.status,
                    closed.astimezone(UK).date().isoformat(),
                )
            )
            referral.outcome_sent_at = sent_at
            session.add(referral)
        audit.record(
            session,
            actor,
            "outcome.export",
            "referral",
            "",
            f"force={force} outcomes={len(rows)}"
            + (f" since={since.isoformat()}" if since else "")
            + referrals_detail(r.id or 0 for r in found),
        )
        export = OutcomeExport(force, tuple(rows), sent_at, actor.demo)
        if deliver is not None:
            deliver(export)
        return export


@dataclass(frozen=True)
class ReminderRow:
    session_id: int
    starts_at: datetime
    course: str
    link: str | None
    name: str
    phone: str | None
    police_reference: str
    referral_id: int

    def cells(self) -> tuple[object, ...]:
        return (
            self.session_id,
            london_iso(self.starts_at),
            self.course,
            self.link or "",
            self.name,
            self.phone or "",
            self.police_reference,
            self.referral_id,
        )


@dataclass(frozen=True)
class Reminders:
    day: date
    rows: tuple[ReminderRow, ...]
    left_out_unsafe: int
    demo: bool = False


def reminders(
    db: Database,
    actor: Actor,
    day: date,
    *,
    force: str | None = None,
    deliver: Callable[[Reminders], None] | None = None,
    unsafe: Callable[..., set[int]] = numbers_not_safe,
) -> Reminders:
    """People booked on sessions of a UK day, for the reminder text or call (audited)."""
    require(actor, Permission.WORK_REFERRALS, force=force)
    start, end = _day_start(day), _day_start(day + timedelta(days=1))
    with db.write() as session:
        statement = (
            select(Booking, CourseSession, CourseGroup.name, Referral, Person)
            .join(CourseSession, col(CourseSession.id) == Booking.session_id)
            .join(CourseGroup, col(CourseGroup.id) == CourseSession.group_id)
            .join(Referral, col(Referral.id) == Booking.referral_id)
            .join(Person, col(Person.id) == Referral.person_id)
            .where(
                Booking.status == BookingStatus.BOOKED.value,
                col(CourseSession.cancelled_at).is_(None),
                col(CourseSession.starts_at) >= start,
                col(CourseSession.starts_at) < end,
            )
            .order_by(col(CourseSession.starts_at), col(Person.last_name), col(Booking.id))
        )
        if force:
            statement = statement.where(Referral.force_code == force)
        elif not actor.sees_all_forces:
            statement = statement.where(col(Referral.force_code).in_(sorted(actor.forces)))
        found = session.exec(statement).all()
        not_safe = unsafe(session, [r.id or 0 for _, _, _, r, _ in found])
        rows = []
        for _booking, course, course_name, referral, person in found:
            if (referral.id or 0) in not_safe:
                continue
            rows.append(
                ReminderRow(
                    course.id or 0,
                    course.starts_at,
                    course_name,
                    course.meeting_link,
                    f"{person.first_name} {person.last_name}",
                    person.phone,
                    referral.police_reference,
                    referral.id or 0,
                )
            )
        left_out = len(found) - len(rows)
        audit.record(
            session,
            actor,
            "reminders.list",
            "booking",
            "",
            f"day={day.isoformat()} people={len(rows)} left_out_unsafe={left_out}"
            + (" exported" if deliver else "")
            + referrals_detail(row.referral_id for row in rows),
        )
        result = Reminders(day, tuple(rows), left_out, actor.demo)
        if deliver is not None:
            deliver(result)
        return result
