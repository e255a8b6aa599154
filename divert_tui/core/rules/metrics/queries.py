"""The SQL of the report, built once here (SQLAlchemy Core, the same on SQLite and PostgreSQL).

Nothing here runs a query: each function returns a statement for the service to execute.
The main one is a cube: referrals of the period grouped by force, ethnicity (both kinds),
substance, age band and sex, with the number of them that reached each stage, so every
breakdown and the disproportionality tables come from the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from divert_tui.core.models import (
    Allocation,
    Assessment,
    Booking,
    ContactAttempt,
    IntelligenceLog,
    Need,
    Person,
    Referral,
    SafeguardingConcern,
)
from divert_tui.core.vocab import BookingStatus, ContactOutcome, NeedAction, ReferralStatus

AGE_BANDS: tuple[str, ...] = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_plus")

# The stage flags of the cube, in the order of its measure columns.
FLAGS: tuple[str, ...] = (
    "first_contact_attempted",
    "contacted",
    "assessed",
    "booked",
    "attended",
    "completed",
    "non_compliant",
    "barred",
    "ineligible",
    "repeat_referrals",
)
DIMENSIONS: tuple[str, ...] = ("force", "sde", "ic", "substance", "age_band", "sex")


def raw_time(column: Any) -> ColumnElement[Any]:
    """A timestamp as the driver gives it (SQLite: text; PostgreSQL: a datetime), skipping
    the per-value conversion of the column type on rows fetched by the ten thousand; read
    it back with ``timing.as_utc``."""
    return type_coerce(col(column), String)


def in_period(low: datetime, high: datetime, forces: Sequence[str]) -> ColumnElement[bool]:
    """Referrals of the forces whose referred_at is at or after ``low`` and before ``high``."""
    # The force is tested through coalesce() so that SQLite (without ANALYZE statistics)
    # ranges over the referred_at index rather than walking every force's whole history.
    return and_(
        col(Referral.referred_at) >= low,
        col(Referral.referred_at) < high,
        func.coalesce(col(Referral.force_code), "").in_(list(forces)),
    )


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


class day_number(FunctionElement[int]):  # noqa: N801 - an SQL function, named like one
    """The day as the number YYYYMMDD (UTC for a timestamp): one call per value, on both
    databases, so that an age is one subtraction."""

    type = Integer()
    inherit_cache = True


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%Y%m%d', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: Any, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    (argument,) = element.clauses.clauses
    if isinstance(argument.type, Date):
        return f"CAST(to_char({inner}, 'YYYYMMDD') AS INTEGER)"
    # A timestamp with time zone: the UTC day, whatever the session's time zone.
    return f"CAST(to_char({inner} AT TIME ZONE 'UTC', 'YYYYMMDD') AS INTEGER)"


def _age_band() -> ColumnElement[str]:
    """Whole years on the day of the referral: YYYYMMDD of the referral less that of the
    birth is 10000 times the age plus less than 10000. Once retention has cut the date of
    birth to the year, the age it kept on the referral stands in (the same band)."""
    gap = func.coalesce(
        col(Referral.age_at_referral) * 10000,
        day_number(col(Referral.referred_at)) - day_number(col(Person.date_of_birth)),
    )
    return case(
        (gap < 180000, literal("under_18")),
        (gap < 250000, literal("18_24")),
        (gap < 350000, literal("25_34")),
        (gap < 450000, literal("35_44")),
        (gap < 550000, literal("45_54")),
        else_=literal("55_plus"),
    )


def _referrals_with(statement: Select) -> ColumnElement[int]:  # type: ignore[type-arg]
    """1 when the referral's id is among those the (uncorrelated) statement selects.

    An uncorrelated IN is hashed (PostgreSQL) or built into an index (SQLite) once per
    query, so the plan stays good even before the database has statistics, where a
    correlated EXISTS per row can turn into a scan per row.
    """
    return _flag(col(Referral.id).in_(statement))


def _repeat_referrals() -> Select:  # type: ignore[type-arg]
    """Ids of referrals of a person who had an earlier one (by time, then id), any force."""
    ranked = select(
        col(Referral.id).label("id"),
        func.row_number()
        .over(
            partition_by=col(Referral.person_id),
            order_by=(col(Referral.referred_at), col(Referral.id)),
        )
        .label("nth"),
    ).subquery("ranked")
    return select(ranked.c.id).where(ranked.c.nth > 1)


def _stage_flags() -> dict[str, ColumnElement[int]]:
    status = col(Referral.status)
    spoken = (ContactOutcome.ANSWERED.value, ContactOutcome.DECLINED.value)
    return {
        "first_contact_attempted": _flag(col(Referral.first_contact_at).is_not(None)),
        "contacted": _referrals_with(
            select(ContactAttempt.referral_id).where(col(ContactAttempt.outcome).in_(spoken))
        ),
        "assessed": _referrals_with(
            select(Assessment.referral_id).where(col(Assessment.completed_at).is_not(None))
        ),
        "booked": _referrals_with(
            select(Booking.referral_id).where(col(Booking.status) != BookingStatus.CANCELLED.value)
        ),
        "attended": _flag(
            or_(
                status == ReferralStatus.COMPLETED.value,
                col(Referral.id).in_(
                    select(Booking.referral_id).where(
                        col(Booking.status).in_(
                            (BookingStatus.ATTENDED.value, BookingStatus.COMPLETED.value)
                        )
                    )
                ),
            )
        ),
        "completed": _flag(status == ReferralStatus.COMPLETED.value),
        "non_compliant": _flag(status == ReferralStatus.NON_COMPLIANT.value),
        "barred": _referrals_with(select(IntelligenceLog.referral_id)),
        "ineligible": _flag(status == ReferralStatus.INELIGIBLE.value),
        "repeat_referrals": _referrals_with(_repeat_referrals()),
    }


def cube(low: datetime, high: datetime, forces: Sequence[str]) -> Select:  # type: ignore[type-arg]
    """Rows of (force, sde, ic, substance, age_band, sex, referrals, *FLAGS counts)."""
    flags = _stage_flags()
    per_referral = (
        select(
            col(Referral.force_code).label("force"),
            col(Person.self_defined_ethnicity).label("sde"),
            col(Person.officer_observed_ethnicity).label("ic"),
            col(Referral.main_substance).label("substance"),
            _age_band().label("age_band"),
            col(Person.sex).label("sex"),
            *(flags[name].label(name) for name in FLAGS),
        )
        .join(Person, col(Person.id) == col(Referral.person_id))
        .where(in_period(low, high, forces))
        .subquery("per_referral")
    )
    dims = [per_referral.c[name] for name in DIMENSIONS]
    return select(
        *dims,
        func.count().label("referrals"),
        *(func.sum(per_referral.c[name]).label(name) for name in FLAGS),
    ).group_by(*dims)


def allocations(low: datetime, high: datetime, forces: Sequence[str]) -> Select:  # type: ignore[type-arg]
    """Rows of (force, route chosen, referrals)."""
    return (
        select(Referral.force_code, Allocation.chosen, func.count(func.distinct(Referral.id)))
        .join(Allocation, col(Allocation.referral_id) == col(Referral.id))
        .where(in_period(low, high, forces))
        .group_by(Referral.force_code, Allocation.chosen)
    )


def onward_referrals(low: datetime, high: datetime, forces: Sequence[str]) -> Select:  # type: ignore[type-arg]
    """Rows of (force, need domain, referrals with that need referred on)."""
    return (
        select(Referral.force_code, Need.domain, func.count(func.distinct(Referral.id)))
        .join(Assessment, col(Assessment.referral_id) == col(Referral.id))
        .join(Need, col(Need.assessment_id) == col(Assessment.id))
        .where(in_period(low, high, forces), col(Need.action) == NeedAction.REFERRED.value)
        .group_by(Referral.force_code, Need.domain)
    )


def safeguarding(low: datetime, high: datetime, forces: Sequence[str]) -> Select:  # type: ignore[type-arg]
    """Rows of (force, concern type, concerns)."""
    return (
        select(Referral.force_code, SafeguardingConcern.type, func.count())
        .join(SafeguardingConcern, col(SafeguardingConcern.referral_id) == col(Referral.id))
        .where(in_period(low, high, forces))
        .group_by(Referral.force_code, SafeguardingConcern.type)
    )


def first_contacts(low: datetime, high: datetime, forces: Sequence[str]) -> Select:  # type: ignore[type-arg]
    """Rows of (force, referred_at, first_contact_at) for referrals with a first attempt."""
    return select(
        Referral.force_code, raw_time(Referral.referred_at), raw_time(Referral.first_contact_at)
    ).where(in_period(low, high, forces), col(Referral.first_contact_at).is_not(None))


def completions(low: datetime, high: datetime, forces: Sequence[str]) -> Select:  # type: ignore[type-arg]
    """Rows of (force, referred_at, closed_at) for completed referrals."""
    return select(
        Referral.force_code, raw_time(Referral.referred_at), raw_time(Referral.closed_at)
    ).where(
        in_period(low, high, forces),
        col(Referral.status) == ReferralStatus.COMPLETED.value,
        col(Referral.closed_at).is_not(None),
    )


def evaluation_rows(low: datetime, high: datetime, forces: Sequence[str]) -> Select:  # type: ignore[type-arg]
    """One row per referral for the evaluation extract (names only to take initials)."""
    assessed = (
        select(func.min(Assessment.completed_at))
        .where(col(Assessment.referral_id) == col(Referral.id))
        .scalar_subquery()
    )
    return (
        select(
            Person.first_name,
            Person.last_name,
            Person.date_of_birth,
            Person.sex,
            Referral.force_code,
            Person.self_defined_ethnicity,
            Person.officer_observed_ethnicity,
            Referral.referred_at,
            Referral.first_contact_at,
            assessed.label("assessed_at"),
            Referral.status,
            Referral.closed_at,
            Referral.main_substance,
            Referral.id,
        )
        .join(Person, col(Person.id) == col(Referral.person_id))
        .where(in_period(low, high, forces))
        .order_by(col(Referral.referred_at), col(Referral.id))
    )
