"""Sentence vectors of claims, for the semantic leg of link suggestions.

A derived index like claim_fts: nothing a reviewer decided lives here. Vectors are computed
in Python (annotate/linking/index.py) for claims that have none yet, so the database only
forgets a vector when its claim's quote or date changes (a trigger deletes the row) and the
next indexing pass recomputes it. `day` (the claim's publication day) lets a suggestion read
the vectors of the claims nearest in time from the index alone. Vectors are 384 int8 bytes
(BLOB on SQLite, BYTEA on PostgreSQL).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    blob = "BLOB" if op.get_bind().dialect.name == "sqlite" else "BYTEA"
    op.execute(f"CREATE TABLE claim_vector (claim_id INTEGER PRIMARY KEY, day VARCHAR NOT NULL, vector {blob} NOT NULL)")
    op.execute("CREATE INDEX ix_claim_vector_day ON claim_vector (day, claim_id)")
    if op.get_bind().dialect.name == "sqlite":
        forget = "DELETE FROM claim_vector WHERE claim_id = old.id;"
        op.execute(f"CREATE TRIGGER claim_vector_ad AFTER DELETE ON claim BEGIN {forget} END")
        op.execute(
            f"CREATE TRIGGER claim_vector_au AFTER UPDATE ON claim WHEN old.quote IS NOT new.quote OR old.published IS NOT new.published BEGIN {forget} END"
        )
        return
    op.execute(
        "CREATE FUNCTION claimtrail_claim_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN DELETE FROM claim_vector WHERE claim_id = OLD.id; RETURN NULL; END $$"
    )
    op.execute("CREATE TRIGGER claim_vector_ad AFTER DELETE ON claim FOR EACH ROW EXECUTE FUNCTION claimtrail_claim_vector()")
    op.execute(
        "CREATE TRIGGER claim_vector_au AFTER UPDATE ON claim FOR EACH ROW WHEN (OLD.quote IS DISTINCT FROM NEW.quote "
        "OR OLD.published IS DISTINCT FROM NEW.published) EXECUTE FUNCTION claimtrail_claim_vector()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS claim_vector_au")
        op.execute("DROP TRIGGER IF EXISTS claim_vector_ad")
    else:
        op.execute("DROP TRIGGER IF EXISTS claim_vector_au ON claim")
        op.execute("DROP TRIGGER IF EXISTS claim_vector_ad ON claim")
        op.execute("DROP FUNCTION IF EXISTS claimtrail_claim_vector()")
    op.execute("DROP TABLE claim_vector")
