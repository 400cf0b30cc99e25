"""Partial indexes on the mentions and claims reviewers have decided (status not "candidate").

Every job part loads what the rules learned from reviewers (annotate/preannotate/learning.py):
the names they confirmed and the rules they keep rejecting. Those queries read the reviewed
rows only, a few thousand, but without an index that holds just them PostgreSQL scanned the
whole mention and claim tables in parallel for each part: 0.2 s of wall time and three
processes' CPU at 50,000 reports, growing with the record, taken from the workers' two cores.
The index holds the reviewed rows alone, so it stays small while candidates pile up and costs
nothing when a candidate is proposed.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

REVIEWED = "status <> 'candidate'"


def upgrade() -> None:
    for table in ("mention", "claim"):
        op.create_index(f"ix_{table}_reviewed", table, ["status"], postgresql_where=sa.text(REVIEWED), sqlite_where=sa.text(REVIEWED))


def downgrade() -> None:
    for table in ("mention", "claim"):
        op.drop_index(f"ix_{table}_reviewed", table)
