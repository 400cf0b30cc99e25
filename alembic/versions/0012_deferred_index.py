"""A batch of new claims and documents is indexed at once, not row by row.

The ledger writes a batch's new rows in one statement; the insert triggers of 0002 would
then feed the full-text and claim-entity indexes one row at a time (on SQLite, about half
the cost of writing a claim). Now they stand aside while the writer's own transaction says
so, and the writer indexes the batch's rows itself before it commits
(`annotate.store.fulltext.deferred_index`).

* SQLite: the insert triggers of claim and document run only while `index_deferral` is
  empty. The writer adds a row to it inside its transaction and removes it before commit,
  so no other connection ever sees a row there.
* PostgreSQL: the claim-entity trigger function skips inserts while the transaction-local
  setting `claimtrail.index_deferred` is 'on'. Text search lives in GIN indexes, which
  already queue new entries in their pending list.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The bodies of 0002's insert triggers, unchanged.
CLAIM_AI = (
    "INSERT INTO claim_fts(rowid, quote) VALUES (new.id, new.quote);"
    "INSERT INTO claim_entity (entity_id, day, claim_id) SELECT DISTINCT value, "
    "substr(coalesce(new.published, (SELECT published FROM document WHERE id = new.document_id), new.event_date, ''), 1, 10), new.id "
    "FROM json_each(new.entity_ids) WHERE type = 'integer';"
)
DOCUMENT_AI = (
    "INSERT INTO document_fts(rowid, title, body) VALUES (new.id, coalesce(new.title, ''), "
    "coalesce((SELECT text FROM documenttext WHERE sha256 = new.sha256), ''));"
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION claimtrail_claim_entity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND {deferred} THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN DELETE FROM claim_entity WHERE claim_id = OLD.id; END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO claim_entity (entity_id, day, claim_id)
    SELECT DISTINCT e.value::int,
           left(coalesce(NEW.published, (SELECT published FROM document WHERE id = NEW.document_id), NEW.event_date, ''), 10),
           NEW.id
    FROM json_array_elements_text(NEW.entity_ids) AS e(value) WHERE e.value ~ '^[0-9]+$';
  END IF;
  RETURN NULL;
END $$;
"""
DEFERRED = "coalesce(current_setting('claimtrail.index_deferred', true), '') = 'on'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TABLE index_deferral (name VARCHAR NOT NULL PRIMARY KEY)")
        _sqlite_triggers("WHEN NOT EXISTS (SELECT 1 FROM index_deferral) ")
    else:
        op.execute(PG_FUNCTION.format(deferred=DEFERRED))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers("")
        op.execute("DROP TABLE IF EXISTS index_deferral")
    else:
        op.execute(PG_FUNCTION.format(deferred="false"))


def _sqlite_triggers(when: str) -> None:
    for name, table, body in (("claim_ai", "claim", CLAIM_AI), ("document_ai", "document", DOCUMENT_AI)):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} AFTER INSERT ON {table} {when}BEGIN {body} END")
