"""Decision indexes for the audit log: by actor and by action, each in sequence order.

Without them the audit log filtered on a rare user or action (or a misspelt one) walks the
whole ledger to fill a page: 0.2–0.4 s at 1,000,000 decisions with the table in memory,
seconds when it is not. (actor, seq) and (action, seq) give the newest-first page directly,
and the next page's `seq < before` starts inside the index. Each is one more small B-tree
insert per decision, at the end of its actor's or action's run: measured within a few per
cent of the ledger's write speed (see benchmarks/bench_audit.py). Building them on a ledger
of 1,000,000 decisions took 1.9 s on SQLite and 3.3 s on PostgreSQL.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_decision_actor_seq", "decision", ["actor", "seq"])
    op.create_index("ix_decision_action_seq", "decision", ["action", "seq"])


def downgrade() -> None:
    op.drop_index("ix_decision_action_seq", "decision")
    op.drop_index("ix_decision_actor_seq", "decision")
