"""Assignments: which reviewer has which document, and where its review stands.

A state table like the others (a projection of `assignment.*` decisions): one row per
document, to do → in review → done → approved, or sent back with a note.

Revision ID: 0010
Revises: 0007
"""

import sqlalchemy as sa

from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("assigned_by", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("started_at", sa.String(), nullable=True),
        sa.Column("done_at", sa.String(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assignment_document_id", "assignment", ["document_id"], unique=True)
    op.create_index("ix_assignment_reviewer", "assignment", ["reviewer"])
    op.create_index("ix_assignment_status", "assignment", ["status"])


def downgrade() -> None:
    op.drop_table("assignment")
