"""the whole data model

Revision ID: 0001
Revises:
Create Date: 2026-11-29 10:37:45.995121
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)

    op.create_table(
        "course_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("path", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "path IN ('one_to_one', 'group_cannabis', 'group_cocaine', 'group_nitrous_oxide', 'group_general')",
            name=op.f("ck_course_group_path_valid"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_group")),
        sa.UniqueConstraint("code", name=op.f("uq_course_group_code")),
    )
    with op.batch_alter_table("course_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_group_path"), ["path"], unique=False)

    op.create_table(
        "force",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_force")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("last_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("first_name_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("last_name_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=32), nullable=False),
        sa.Column(
            "self_defined_ethnicity", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True
        ),
        sa.Column(
            "officer_observed_ethnicity", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True
        ),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("postcode", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("needs_interpreter", sa.Boolean(), nullable=False),
        sa.Column(
            "interpreter_language", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True
        ),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "sex IN ('male', 'female', 'other', 'not_stated')", name=op.f("ck_person_sex_valid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_date_of_birth"), ["date_of_birth"], unique=False
        )
        batch_op.create_index(
            "ix_person_match", ["last_name_key", "first_name_key", "date_of_birth"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_sex"), ["sex"], unique=False)

    op.create_table(
        "setting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_login_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('worker', 'team_lead', 'trainer', 'admin')", name=op.f("ck_staff_role_valid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_role"), ["role"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_username"), ["username"], unique=True)

    op.create_table(
        "course_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("meeting_link", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["staff.id"], name=op.f("fk_course_session_facilitator_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["course_group.id"], name=op.f("fk_course_session_group_id_course_group")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_session")),
    )
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_session_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_course_session_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("police_reference", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("possible_match_person_id", sa.Integer(), nullable=True),
        sa.Column("referred_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("offence_date", sa.Date(), nullable=False),
        sa.Column("substances", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("main_substance", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("officer", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("feed_notes", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("eligibility_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("bar_override_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("assigned_worker_id", sa.Integer(), nullable=True),
        sa.Column("first_contact_due", sa.Date(), nullable=True),
        sa.Column("first_contact_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "source IN ('officer_app', 'phone', 'email', 'other')",
            name=op.f("ck_referral_source_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('received', 'contacting', 'assessed', 'allocated', 'booked', 'completed', 'ineligible', 'non_compliant', 'withdrawn')",
            name=op.f("ck_referral_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_worker_id"], ["staff.id"], name=op.f("fk_referral_assigned_worker_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["force_code"], ["force.code"], name=op.f("fk_referral_force_code_force")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_referral_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["possible_match_person_id"],
            ["person.id"],
            name=op.f("fk_referral_possible_match_person_id_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("force_code", "police_reference", name="uq_referral_force_reference"),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_main_substance"), ["main_substance"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referral_police_reference"), ["police_reference"], unique=False
        )
        batch_op.create_index(
            "ix_referral_queue", ["force_code", "status", "referred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_referred_at"), ["referred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_referral_worker", ["assigned_worker_id", "status", "referred_at"], unique=False
        )

    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("force_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "domain IN ('drug_treatment', 'alcohol', 'mental_health', 'gambling', 'housing', 'domestic_abuse', 'exploitation', 'safeguarding', 'employment', 'debt')",
            name=op.f("ck_service_domain_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["force_code"], ["force.code"], name=op.f("fk_service_force_code_force")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_domain"), ["domain"], unique=False)

    op.create_table(
        "staff_force",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("force_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_code"], ["force.code"], name=op.f("fk_staff_force_force_code_force")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_force_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("staff_id", "force_code", name=op.f("pk_staff_force")),
    )
    op.create_table(
        "allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("suggested", sa.String(length=32), nullable=False),
        sa.Column("chosen", sa.String(length=32), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("override_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "chosen IN ('one_to_one', 'group_cannabis', 'group_cocaine', 'group_nitrous_oxide', 'group_general')",
            name=op.f("ck_allocation_chosen_valid"),
        ),
        sa.CheckConstraint(
            "suggested IN ('one_to_one', 'group_cannabis', 'group_cocaine', 'group_nitrous_oxide', 'group_general')",
            name=op.f("ck_allocation_suggested_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff.id"], name=op.f("fk_allocation_decided_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_allocation_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_allocation_referral_id")),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_chosen"), ["chosen"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_suggested"), ["suggested"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("ended_early_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("current_step", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("identity_confirmed", sa.Boolean(), nullable=True),
        sa.Column("safe_to_talk", sa.Boolean(), nullable=True),
        sa.Column("consent_given", sa.Boolean(), nullable=True),
        sa.Column("privacy_notice_read", sa.Boolean(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_assessment_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["staff.id"], name=op.f("fk_assessment_worker_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("booked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('booked', 'attended', 'completed', 'did_not_attend', 'cancelled')",
            name=op.f("ck_booking_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_booking_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["course_session.id"], name=op.f("fk_booking_session_id_course_session")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        sa.UniqueConstraint("session_id", "referral_id", name="uq_booking_session"),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_status"), ["status"], unique=False)

    op.create_table(
        "contact_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("attempted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('answered', 'no_answer', 'voicemail', 'wrong_number', 'declined')",
            name=op.f("ck_contact_attempt_outcome_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_contact_attempt_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_contact_attempt_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempt")),
    )
    with op.batch_alter_table("contact_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_attempt_outcome"), ["outcome"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contact_attempt_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "intelligence_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("force_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("bar_until", sa.Date(), nullable=False),
        sa.Column("sent_to_police_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_code"], ["force.code"], name=op.f("fk_intelligence_log_force_code_force")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_intelligence_log_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_intelligence_log_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intelligence_log")),
    )
    with op.batch_alter_table("intelligence_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intelligence_log_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intelligence_log_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intelligence_log_sent_to_police_at"), ["sent_to_police_at"], unique=False
        )

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_note_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_note_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "safeguarding_concern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("referred_to", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=True),
        sa.Column("raised_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("raised_by", sa.Integer(), nullable=True),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "type IN ('marac', 'children', 'adult_at_risk', 'exploitation', 'self_harm', 'other')",
            name=op.f("ck_safeguarding_concern_type_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["raised_by"], ["staff.id"], name=op.f("fk_safeguarding_concern_raised_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_safeguarding_concern_referral_id_referral"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_concern")),
    )
    with op.batch_alter_table("safeguarding_concern", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_concern_follow_up_due"), ["follow_up_due"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safeguarding_concern_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_safeguarding_concern_type"), ["type"], unique=False)

    op.create_table(
        "status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint(
            "to_status IN ('received', 'contacting', 'assessed', 'allocated', 'booked', 'completed', 'ineligible', 'non_compliant', 'withdrawn')",
            name=op.f("ck_status_change_to_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_status_change_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_status_change_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_change")),
    )
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_change_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_status_change_to_status"), ["to_status"], unique=False)

    op.create_table(
        "instrument_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column(
            "instrument_version", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False
        ),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("band", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("positive", sa.Boolean(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_instrument_response_assessment_id_assessment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_response")),
        sa.UniqueConstraint(
            "assessment_id", "instrument_id", "subject", name="uq_response_subject"
        ),
    )
    with op.batch_alter_table("instrument_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instrument_response_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "action IN ('advice', 'signposted', 'referred')", name=op.f("ck_need_action_valid")
        ),
        sa.CheckConstraint(
            "domain IN ('drug_treatment', 'alcohol', 'mental_health', 'gambling', 'housing', 'domestic_abuse', 'exploitation', 'safeguarding', 'employment', 'debt')",
            name=op.f("ck_need_domain_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('none', 'made', 'accepted', 'declined', 'not_engaged')",
            name=op.f("ck_need_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name=op.f("fk_need_assessment_id_assessment")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_need_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_assessment_id"), ["assessment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_domain"), ["domain"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_status"), ["status"], unique=False)

    op.create_table(
        "substance_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("substance", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("is_main", sa.Boolean(), nullable=False),
        sa.Column("days_used_28", sa.Integer(), nullable=True),
        sa.Column("route", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("typical_amount", sa.Float(), nullable=True),
        sa.Column("amount_unit", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("age_first_used", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_substance_use_assessment_id_assessment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_substance_use")),
    )
    with op.batch_alter_table("substance_use", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_substance_use_assessment_id"), ["assessment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("substance_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_substance_use_assessment_id"))

    op.drop_table("substance_use")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_status"))
        batch_op.drop_index(batch_op.f("ix_need_domain"))
        batch_op.drop_index(batch_op.f("ix_need_assessment_id"))
        batch_op.drop_index(batch_op.f("ix_need_action"))

    op.drop_table("need")
    with op.batch_alter_table("instrument_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instrument_response_assessment_id"))

    op.drop_table("instrument_response")
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_change_to_status"))
        batch_op.drop_index(batch_op.f("ix_status_change_referral_id"))

    op.drop_table("status_change")
    with op.batch_alter_table("safeguarding_concern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_concern_type"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_concern_referral_id"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_concern_follow_up_due"))

    op.drop_table("safeguarding_concern")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_referral_id"))

    op.drop_table("note")
    with op.batch_alter_table("intelligence_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intelligence_log_sent_to_police_at"))
        batch_op.drop_index(batch_op.f("ix_intelligence_log_referral_id"))
        batch_op.drop_index(batch_op.f("ix_intelligence_log_person_id"))

    op.drop_table("intelligence_log")
    with op.batch_alter_table("contact_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_attempt_referral_id"))
        batch_op.drop_index(batch_op.f("ix_contact_attempt_outcome"))

    op.drop_table("contact_attempt")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_status"))
        batch_op.drop_index(batch_op.f("ix_booking_session_id"))
        batch_op.drop_index(batch_op.f("ix_booking_referral_id"))

    op.drop_table("booking")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_referral_id"))

    op.drop_table("assessment")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_suggested"))
        batch_op.drop_index(batch_op.f("ix_allocation_chosen"))

    op.drop_table("allocation")
    op.drop_table("staff_force")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_domain"))

    op.drop_table("service")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_worker")
        batch_op.drop_index(batch_op.f("ix_referral_status"))
        batch_op.drop_index(batch_op.f("ix_referral_source"))
        batch_op.drop_index(batch_op.f("ix_referral_referred_at"))
        batch_op.drop_index("ix_referral_queue")
        batch_op.drop_index(batch_op.f("ix_referral_police_reference"))
        batch_op.drop_index(batch_op.f("ix_referral_person_id"))
        batch_op.drop_index(batch_op.f("ix_referral_main_substance"))

    op.drop_table("referral")
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_session_starts_at"))
        batch_op.drop_index(batch_op.f("ix_course_session_group_id"))

    op.drop_table("course_session")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_username"))
        batch_op.drop_index(batch_op.f("ix_staff_role"))

    op.drop_table("staff")
    op.drop_table("setting")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_sex"))
        batch_op.drop_index("ix_person_match")
        batch_op.drop_index(batch_op.f("ix_person_date_of_birth"))

    op.drop_table("person")
    op.drop_table("force")
    with op.batch_alter_table("course_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_group_path"))

    op.drop_table("course_group")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
