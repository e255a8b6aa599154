"""The tables of the service (DESIGN section 3), as SQLModel classes.

Enumerated values are stored as strings and checked by the database; records that two
people may edit carry a ``version`` that services compare before they write.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Index,
    MetaData,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlmodel import Field, SQLModel

from divert_tui.core import vocab

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    """Aware UTC: the one time base stored; screens show it in UK local time."""
    return datetime.now(UTC)


def choice(
    enum: type[StrEnum], name: str, *, nullable: bool = False, default: str | None = None
) -> Any:
    """A string column whose values the database checks against an enumeration."""
    return Field(
        default=default,
        sa_column=Column(name, String(32), nullable=nullable, index=True, info={"choices": enum}),
    )


def json_field(default_factory: Any) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class Force(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=100)


class StaffForce(SQLModel, table=True):
    __tablename__ = "staff_force"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    force_code: str = Field(foreign_key="force.code", primary_key=True, max_length=32)


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100)
    role: str = choice(vocab.Role, "role")
    password_hash: str = Field(default="", max_length=255)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Person(SQLModel, table=True):
    __table_args__ = (
        Index("ix_person_match", "last_name_key", "first_name_key", "date_of_birth"),
        Index("ix_person_postcode", "postcode"),
    )
    id: int | None = Field(default=None, primary_key=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    first_name_key: str = Field(default="", max_length=100)
    last_name_key: str = Field(default="", max_length=100)
    date_of_birth: date = Field(index=True)
    sex: str = choice(vocab.Sex, "sex", default=vocab.Sex.NOT_STATED.value)
    self_defined_ethnicity: str | None = Field(default=None, max_length=4)
    officer_observed_ethnicity: str | None = Field(default=None, max_length=4)
    phone: str | None = Field(default=None, max_length=20)
    postcode: str | None = Field(default=None, max_length=10)
    needs_interpreter: bool = False
    interpreter_language: str | None = Field(default=None, max_length=50)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    # Added by migration 0010: when retention replaced the person's details (names, date of
    # birth cut to the year, contact details, free text); None while they are held.
    anonymised_at: datetime | None = Field(default=None, index=True)


class Referral(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("force_code", "police_reference", name="uq_referral_force_reference"),
        Index("ix_referral_queue", "force_code", "status", "referred_at"),
        Index("ix_referral_worker", "assigned_worker_id", "status", "referred_at"),
        Index("ix_referral_status_referred", "status", "referred_at"),
        Index("ix_referral_first_contact_due", "first_contact_due"),
        Index("ix_referral_force_referred", "force_code", "referred_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    force_code: str = Field(foreign_key="force.code", max_length=32)
    police_reference: str = Field(max_length=40, index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    possible_match_person_id: int | None = Field(default=None, foreign_key="person.id")
    referred_at: datetime = Field(index=True)
    offence_date: date
    substances: str = Field(default="", max_length=255)
    main_substance: str = Field(default="other", max_length=32, index=True)
    officer: str | None = Field(default=None, max_length=100)
    location: str | None = Field(default=None, max_length=200)
    feed_notes: str | None = None
    source: str = choice(
        vocab.ReferralSource, "source", default=vocab.ReferralSource.OFFICER_APP.value
    )
    status: str = choice(
        vocab.ReferralStatus, "status", default=vocab.ReferralStatus.RECEIVED.value
    )
    status_reason: str | None = None
    eligibility_note: str | None = None
    bar_override_reason: str | None = None
    assigned_worker_id: int | None = Field(default=None, foreign_key="staff.id")
    first_contact_due: date | None = None
    first_contact_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    # Added by migration 0007: when the outcome went to the police in an outcome export.
    outcome_sent_at: datetime | None = Field(default=None, index=True)
    # Added by migration 0010: whole years of age on the referral day, kept by retention
    # when the date of birth is cut to the year, so past reports keep their age bands.
    age_at_referral: int | None = None


class StatusChange(SQLModel, table=True):
    __tablename__ = "status_change"
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    from_status: str | None = Field(default=None, max_length=32)
    to_status: str = choice(vocab.ReferralStatus, "to_status")
    at: datetime = Field(default_factory=utcnow)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    reason: str | None = None


class ContactAttempt(SQLModel, table=True):
    __tablename__ = "contact_attempt"
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    attempted_at: datetime = Field(default_factory=utcnow)
    outcome: str = choice(vocab.ContactOutcome, "outcome")
    note: str | None = None


class Assessment(SQLModel, table=True):
    # One open (not completed) assessment per referral, enforced by the database, so two
    # workers starting the same call at once cannot both get one.
    __table_args__ = (
        Index(
            "uq_assessment_open_per_referral",
            "referral_id",
            unique=True,
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    worker_id: int | None = Field(default=None, foreign_key="staff.id")
    started_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None
    ended_early_reason: str | None = None
    current_step: str = Field(default="identity", max_length=40)
    steps: dict[str, str] = json_field(dict)
    identity_confirmed: bool | None = None
    safe_to_talk: bool | None = None
    consent_given: bool | None = None
    privacy_notice_read: bool | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    # Added by migration 0003: why each skipped step was skipped (step -> reason code), and
    # the call-back agreed when the call ended early, so the worker's list brings it back.
    skip_reasons: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    call_back_at: datetime | None = Field(default=None, index=True)


class InstrumentResponse(SQLModel, table=True):
    __tablename__ = "instrument_response"
    __table_args__ = (
        UniqueConstraint("assessment_id", "instrument_id", "subject", name="uq_response_subject"),
    )
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    instrument_id: str = Field(max_length=40)
    instrument_version: str = Field(max_length=20)
    subject: str = Field(default="", max_length=40)
    answers: dict[str, Any] = json_field(dict)
    total: int | None = None
    band: str | None = Field(default=None, max_length=40)
    positive: bool | None = None
    flags: list[str] = json_field(list)
    completed: bool = False
    updated_at: datetime = Field(default_factory=utcnow)
    # Added by migration 0002: the values scored with besides the answers (e.g. the SDS drug)
    # and the items skipped to return to, so a dropped call resumes exactly.
    context: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    marked: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class SubstanceUse(SQLModel, table=True):
    __tablename__ = "substance_use"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    substance: str = Field(max_length=32)
    is_main: bool = False
    days_used_28: int | None = Field(default=None, ge=0, le=28)
    route: str | None = Field(default=None, max_length=20)
    typical_amount: float | None = None
    amount_unit: str | None = Field(default=None, max_length=20)
    age_first_used: int | None = None


class Service(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("force_code", "code", name="uq_service_force_code"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=150)
    domain: str = choice(vocab.NeedDomain, "domain")
    force_code: str | None = Field(default=None, foreign_key="force.code", max_length=32)
    contact: str | None = Field(default=None, max_length=255)
    notes: str | None = None
    active: bool = True
    # Added by migration 0002: the directory file's key, and local entries an admin must fill in.
    code: str | None = Field(default=None, max_length=60)
    placeholder: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, server_default=false()),
    )


class Need(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    domain: str = choice(vocab.NeedDomain, "domain")
    level: str = Field(default="", max_length=20)
    reason: str = ""
    action: str | None = choice(vocab.NeedAction, "action", nullable=True)
    service_id: int | None = Field(default=None, foreign_key="service.id")
    status: str = choice(vocab.OnwardReferralStatus, "status", default="none")
    updated_at: datetime = Field(default_factory=utcnow)


class NeedService(SQLModel, table=True):
    """One thing done about a need (advice, a signposting, a referral to a service): a need
    may be met by several (a Dash of 15 needs both Marac and an Idva). Migration 0003."""

    __tablename__ = "need_service"
    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    action: str = choice(vocab.NeedAction, "action")
    service_id: int | None = Field(default=None, foreign_key="service.id")
    status: str = choice(vocab.OnwardReferralStatus, "status", default="none")
    created_at: datetime = Field(default_factory=utcnow)
    created_by: int | None = Field(default=None, foreign_key="staff.id")


class SafeguardingConcern(SQLModel, table=True):
    __tablename__ = "safeguarding_concern"
    __table_args__ = (Index("ix_safeguarding_concern_open", "referral_id", "closed_at"),)
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    type: str = choice(vocab.SafeguardingType, "type")
    detail: str = ""
    referred_to: str | None = Field(default=None, max_length=150)
    raised_at: datetime = Field(default_factory=utcnow)
    raised_by: int | None = Field(default=None, foreign_key="staff.id")
    follow_up_due: date | None = Field(default=None, index=True)
    closed_at: datetime | None = None
    version: int = 1
    assessment_id: int | None = Field(default=None, foreign_key="assessment.id", index=True)


class AdviceGiven(SQLModel, table=True):
    """A harm-reduction advice item (core/data/advice.toml id) read out during an assessment."""

    __tablename__ = "advice_given"
    __table_args__ = (UniqueConstraint("assessment_id", "advice_id", name="uq_advice_given_item"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    advice_id: str = Field(max_length=80)
    given_at: datetime = Field(default_factory=utcnow)
    given_by: int | None = Field(default=None, foreign_key="staff.id")


class Allocation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", unique=True)
    suggested: str = choice(vocab.AllocationPath, "suggested")
    chosen: str = choice(vocab.AllocationPath, "chosen")
    reasons: list[str] = json_field(list)
    override_reason: str | None = None
    decided_by: int | None = Field(default=None, foreign_key="staff.id")
    decided_at: datetime = Field(default_factory=utcnow)


class CourseGroup(SQLModel, table=True):
    __tablename__ = "course_group"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=100)
    path: str = choice(vocab.AllocationPath, "path")


class CourseSession(SQLModel, table=True):
    __tablename__ = "course_session"
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="course_group.id", index=True)
    starts_at: datetime = Field(index=True)
    duration_minutes: int = Field(default=150, gt=0)
    facilitator_id: int | None = Field(default=None, foreign_key="staff.id")
    capacity: int = Field(default=12, gt=0)
    meeting_link: str | None = Field(default=None, max_length=255)
    version: int = 1
    # Added by migration 0007: the force the session serves, how it is held (video or phone),
    # the rule it was made from, and its cancellation.
    force_code: str | None = Field(
        default=None, foreign_key="force.code", max_length=32, index=True
    )
    mode: str | None = Field(default=None, max_length=16)
    recurrence: str | None = Field(default=None, max_length=255)
    created_by: int | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None


class Booking(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("session_id", "referral_id", name="uq_booking_session"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    status: str = choice(vocab.BookingStatus, "status", default=vocab.BookingStatus.BOOKED.value)
    booked_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Added by migration 0007: who booked, why it was cancelled, who marked attendance when.
    booked_by: int | None = None
    cancel_reason: str | None = None
    attendance_at: datetime | None = None
    marked_by: int | None = None


class WaitingEntry(SQLModel, table=True):
    """A referral waiting for a place in its group and force; offered the first freed place."""

    __tablename__ = "waiting_entry"
    __table_args__ = (Index("ix_waiting_entry_queue", "force_code", "group_id", "added_at"),)
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    group_id: int = Field(foreign_key="course_group.id")
    force_code: str = Field(foreign_key="force.code", max_length=32)
    added_at: datetime = Field(default_factory=utcnow)
    added_by: int | None = None
    offered_session_id: int | None = Field(default=None, foreign_key="course_session.id")
    offered_at: datetime | None = None
    closed_at: datetime | None = None
    closed_reason: str | None = Field(default=None, max_length=100)


class IntelligenceLog(SQLModel, table=True):
    __tablename__ = "intelligence_log"
    __table_args__ = (Index("ix_intelligence_log_person_bar", "person_id", "bar_until"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    force_code: str = Field(foreign_key="force.code", max_length=32)
    reason: str
    created_at: datetime = Field(default_factory=utcnow)
    bar_until: date
    sent_to_police_at: datetime | None = Field(default=None, index=True)
    # Added by migration 0010: when retention removed the reason, once the bar had ended.
    reason_removed_at: datetime | None = None


class Note(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    text: str


class AuditEvent(SQLModel, table=True):
    """Append-only and hash-chained: each row's hash covers its fields and the previous hash."""

    __tablename__ = "audit_event"
    # Added by migration 0011: the events about one record, for audit review and subject access.
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    staff_id: int | None = None
    username: str = Field(default="", max_length=64)
    action: str = Field(max_length=60, index=True)
    entity: str = Field(default="", max_length=40)
    entity_id: str = Field(default="", max_length=40)
    detail: str = ""
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(max_length=64)


class PersonChange(SQLModel, table=True):
    """A change to a known person's contact details, kept so that nobody's phone or
    postcode is replaced without a trace (shown on the referral)."""

    __tablename__ = "person_change"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    referral_id: int | None = Field(default=None, foreign_key="referral.id")
    field: str = Field(max_length=40)
    old_value: str | None = Field(default=None, max_length=100)
    new_value: str | None = Field(default=None, max_length=100)
    source: str = Field(max_length=60)
    changed_at: datetime = Field(default_factory=utcnow)


class LoginThrottle(SQLModel, table=True):
    """Failed logins counted per key (a user name, a terminal, or the pair), so unknown
    names lock like known ones and one terminal cannot lock a colleague out elsewhere."""

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    locked_until: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class AuditAnchor(SQLModel, table=True):
    """The signed head of the audit chain, one row per audit key (one per computer).

    ``mac`` is an HMAC, with the key kept owner-only in the config folder, over the id and
    hash of the last event that computer wrote: cutting the tail, emptying the trail or
    rewriting it with recomputed hashes no longer matches, and cannot be re-signed without
    the key.
    """

    __tablename__ = "audit_anchor"
    key_id: str = Field(primary_key=True, max_length=16)
    last_id: int
    last_hash: str = Field(max_length=64)
    mac: str = Field(max_length=64)


class Setting(SQLModel, table=True):
    """Facts about the database itself, such as whether it holds a synthetic demo cohort."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", max_length=255)


def _check_choices() -> None:
    """Give every enumerated column a named CHECK constraint at table level (Alembic renders those)."""
    for table in metadata.tables.values():
        for column in table.columns:
            enum = column.info.get("choices")
            if enum is None:
                continue
            values = ", ".join(f"'{member.value}'" for member in enum)
            table.append_constraint(
                CheckConstraint(f"{column.name} IN ({values})", name=f"{column.name}_valid")
            )


_check_choices()
