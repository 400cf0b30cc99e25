"""PostgreSQL: the full-text vectors of claims and document texts stored, not recomputed.

0002 indexed expressions: to_tsvector(quote) and to_tsvector(left(text, 200000)). The index
finds the matches, but ranking them (ts_rank) parsed every matching text again: a word found
in every report made the queue's search take 1.2 s at 10,000 reports (most of it spent
re-parsing texts) and a claim search 0.17–0.26 s at 100,000 claims. Stored generated
columns are parsed once, when the row is written; the GIN indexes move onto them (69 ms and
28 ms on the same record). SQLite's FTS5 tables already store theirs: nothing changes there.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

DOC_TEXT_LIMIT = 200_000  # as in 0002: a tsvector holds at most 1 MB


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE claim ADD COLUMN quote_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, quote)) STORED")
    op.execute("CREATE INDEX ix_claim_quote_tsv ON claim USING gin (quote_tsv)")
    op.execute("DROP INDEX ix_claim_quote_fts")
    op.execute(
        f"ALTER TABLE documenttext ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, left(text, {DOC_TEXT_LIMIT}))) STORED"
    )
    op.execute("CREATE INDEX ix_documenttext_tsv ON documenttext USING gin (text_tsv)")
    op.execute("DROP INDEX ix_documenttext_fts")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX ix_documenttext_fts ON documenttext USING gin (to_tsvector('english'::regconfig, left(text, {DOC_TEXT_LIMIT})))")
    op.execute("ALTER TABLE documenttext DROP COLUMN text_tsv")
    op.execute("CREATE INDEX ix_claim_quote_fts ON claim USING gin (to_tsvector('english'::regconfig, quote))")
    op.execute("ALTER TABLE claim DROP COLUMN quote_tsv")
