"""the caseload at 100,000 referrals: indexes for its filters and sorts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_referral_status_referred", "referral", ["status", "referred_at"]),
    ("ix_referral_first_contact_due", "referral", ["first_contact_due"]),
    ("ix_referral_force_referred", "referral", ["force_code", "referred_at"]),
    ("ix_person_postcode", "person", ["postcode"]),
    ("ix_intelligence_log_person_bar", "intelligence_log", ["person_id", "bar_until"]),
    ("ix_safeguarding_concern_open", "safeguarding_concern", ["referral_id", "closed_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
