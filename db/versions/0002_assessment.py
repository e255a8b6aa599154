"""the telephone assessment: advice given, resumable responses, service directory keys

Adds the advice_given table; instrument_response.context and .marked (what a dropped call
needs to resume exactly); safeguarding_concern.assessment_id; service.code and .placeholder.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:56:56.768325
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "advice_given",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("advice_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("given_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("given_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_advice_given_assessment_id_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["given_by"], ["staff.id"], name=op.f("fk_advice_given_given_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advice_given")),
        sa.UniqueConstraint("assessment_id", "advice_id", name="uq_advice_given_item"),
    )
    with op.batch_alter_table("advice_given", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_advice_given_assessment_id"), ["assessment_id"], unique=False
        )

    with op.batch_alter_table("instrument_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("marked", sa.JSON(), nullable=True))

    with op.batch_alter_table("safeguarding_concern", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assessment_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_safeguarding_concern_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_safeguarding_concern_assessment_id_assessment"),
            "assessment",
            ["assessment_id"],
            ["id"],
        )

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True)
        )
        batch_op.add_column(
            sa.Column("placeholder", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_unique_constraint("uq_service_force_code", ["force_code", "code"])


def downgrade() -> None:

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_constraint("uq_service_force_code", type_="unique")
        batch_op.drop_column("placeholder")
        batch_op.drop_column("code")

    with op.batch_alter_table("safeguarding_concern", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_safeguarding_concern_assessment_id_assessment"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_safeguarding_concern_assessment_id"))
        batch_op.drop_column("assessment_id")

    with op.batch_alter_table("instrument_response", schema=None) as batch_op:
        batch_op.drop_column("marked")
        batch_op.drop_column("context")

    with op.batch_alter_table("advice_given", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advice_given_assessment_id"))

    op.drop_table("advice_given")
