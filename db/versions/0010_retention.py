"""retention: people anonymised, ages kept for the reports, intelligence reasons removed

Adds person.anonymised_at (indexed: what retention still has to do is found by it),
referral.age_at_referral (the age band of a past report survives the date of birth being
cut to the year) and intelligence_log.reason_removed_at.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 15:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", _WHEN(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_person_anonymised_at"), ["anonymised_at"], unique=False
        )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age_at_referral", sa.Integer(), nullable=True))
    with op.batch_alter_table("intelligence_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason_removed_at", _WHEN(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intelligence_log", schema=None) as batch_op:
        batch_op.drop_column("reason_removed_at")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("age_at_referral")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_anonymised_at"))
        batch_op.drop_column("anonymised_at")
