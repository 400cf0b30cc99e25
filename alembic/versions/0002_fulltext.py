"""Full-text and entity indexes for search and link suggestions.

Derived indexes, not state: the database keeps them in step with the state tables
(triggers on SQLite, expression indexes and a trigger on PostgreSQL), so the ledger
stays the only writer and `rebuild` refreshes them for free.

* claim_fts / document_fts (SQLite FTS5, porter stemming) or GIN expression indexes
  over to_tsvector('english', …) (PostgreSQL): claims by quote, documents by title + text.
* claim_entity: (entity_id, day, claim_id) from Claim.entity_ids, so claims naming an
  entity can be read nearest in time without scanning a JSON column.
* entity_key: lower-cased entity names and aliases, so Kupyansk finds Kupiansk.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"
DOC_TEXT_LIMIT = 200_000  # PostgreSQL: a tsvector holds at most 1 MB; index the first 200k characters


def upgrade() -> None:
    op.execute("CREATE TABLE claim_entity (entity_id INTEGER NOT NULL, day VARCHAR NOT NULL, claim_id INTEGER NOT NULL)")
    op.execute("CREATE INDEX ix_claim_entity_entity_day ON claim_entity (entity_id, day, claim_id)")
    op.execute("CREATE INDEX ix_claim_entity_claim ON claim_entity (claim_id)")
    op.execute("CREATE TABLE entity_key (key VARCHAR NOT NULL, entity_id INTEGER NOT NULL)")
    op.execute("CREATE INDEX ix_entity_key_key ON entity_key (key, entity_id)")
    op.execute("CREATE INDEX ix_entity_key_entity ON entity_key (entity_id)")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


# --- SQLite ---------------------------------------------------------------------------

CLAIM_DAY = "substr(coalesce({c}.published, (SELECT published FROM document WHERE id = {c}.document_id), {c}.event_date, ''), 1, 10)"
DOC_BODY = "coalesce((SELECT text FROM documenttext WHERE sha256 = {d}.sha256), '')"


def _sqlite_upgrade() -> None:
    # Claims: external content (the quote stays in `claim`), so the index costs no copy.
    op.execute(f"CREATE VIRTUAL TABLE claim_fts USING fts5(quote, content='claim', content_rowid='id', tokenize='{TOKENIZE}')")
    op.execute("CREATE VIRTUAL TABLE claim_fts_vocab USING fts5vocab(claim_fts, 'row')")
    fts_add = "INSERT INTO claim_fts(rowid, quote) VALUES (new.id, new.quote);"
    fts_del = "INSERT INTO claim_fts(claim_fts, rowid, quote) VALUES ('delete', old.id, old.quote);"
    ent_add = (
        f"INSERT INTO claim_entity (entity_id, day, claim_id) SELECT DISTINCT value, {CLAIM_DAY.format(c='new')}, new.id "
        "FROM json_each(new.entity_ids) WHERE type = 'integer';"
    )
    ent_del = "DELETE FROM claim_entity WHERE claim_id = old.id;"
    _trigger("claim_ai", "AFTER INSERT ON claim", fts_add + ent_add)
    _trigger("claim_ad", "AFTER DELETE ON claim", fts_del + ent_del)
    # The ledger rewrites whole rows: only re-index what really changed.
    _trigger("claim_au_quote", "AFTER UPDATE ON claim WHEN old.quote IS NOT new.quote", fts_del + fts_add)
    _trigger(
        "claim_au_entities",
        "AFTER UPDATE ON claim WHEN old.entity_ids IS NOT new.entity_ids OR old.published IS NOT new.published OR old.event_date IS NOT new.event_date",
        ent_del + ent_add,
    )
    op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
    op.execute(
        f"INSERT INTO claim_entity (entity_id, day, claim_id) SELECT DISTINCT j.value, {CLAIM_DAY.format(c='claim')}, claim.id "
        "FROM claim, json_each(claim.entity_ids) AS j WHERE j.type = 'integer'"
    )

    # Documents: contentless (the text lives in documenttext); deletes restate the indexed values.
    op.execute(f"CREATE VIRTUAL TABLE document_fts USING fts5(title, body, content='', tokenize='{TOKENIZE}')")
    doc_add = f"INSERT INTO document_fts(rowid, title, body) VALUES (new.id, coalesce(new.title, ''), {DOC_BODY.format(d='new')});"
    doc_del = f"INSERT INTO document_fts(document_fts, rowid, title, body) VALUES ('delete', old.id, coalesce(old.title, ''), {DOC_BODY.format(d='old')});"
    _trigger("document_ai", "AFTER INSERT ON document", doc_add)
    _trigger("document_ad", "AFTER DELETE ON document", doc_del)
    _trigger("document_au", "AFTER UPDATE ON document WHEN old.title IS NOT new.title OR old.sha256 IS NOT new.sha256", doc_del + doc_add)
    # Text stored after its document row: re-index the documents that were indexed without it.
    _trigger(
        "documenttext_ai",
        "AFTER INSERT ON documenttext",
        "INSERT INTO document_fts(document_fts, rowid, title, body) "
        "SELECT 'delete', id, coalesce(title, ''), '' FROM document WHERE sha256 = new.sha256;"
        "INSERT INTO document_fts(rowid, title, body) SELECT id, coalesce(title, ''), new.text FROM document WHERE sha256 = new.sha256;",
    )
    op.execute(f"INSERT INTO document_fts(rowid, title, body) SELECT id, coalesce(title, ''), {DOC_BODY.format(d='document')} FROM document")

    key_add = (
        "INSERT INTO entity_key (key, entity_id) SELECT DISTINCT lower(k), new.id FROM "
        "(SELECT new.name AS k UNION SELECT value FROM json_each(new.aliases) WHERE type = 'text');"
    )
    key_del = "DELETE FROM entity_key WHERE entity_id = old.id;"
    _trigger("entity_ai", "AFTER INSERT ON entity", key_add)
    _trigger("entity_ad", "AFTER DELETE ON entity", key_del)
    _trigger("entity_au", "AFTER UPDATE ON entity WHEN old.name IS NOT new.name OR old.aliases IS NOT new.aliases", key_del + key_add)
    op.execute(
        "INSERT INTO entity_key (key, entity_id) SELECT DISTINCT lower(k), id FROM "
        "(SELECT name AS k, id FROM entity UNION SELECT j.value, e.id FROM entity e, json_each(e.aliases) j WHERE j.type = 'text')"
    )


def _trigger(name: str, when: str, body: str) -> None:
    op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")


# --- PostgreSQL -----------------------------------------------------------------------

PG_FUNCTIONS = """
CREATE FUNCTION claimtrail_claim_entity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
CREATE FUNCTION claimtrail_entity_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN DELETE FROM entity_key WHERE entity_id = OLD.id; END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO entity_key (key, entity_id)
    SELECT DISTINCT lower(k), NEW.id FROM (
      SELECT NEW.name AS k UNION SELECT value FROM json_array_elements_text(NEW.aliases)) AS keys;
  END IF;
  RETURN NULL;
END $$;
"""


def _postgres_upgrade() -> None:
    op.execute("CREATE INDEX ix_claim_quote_fts ON claim USING gin (to_tsvector('english'::regconfig, quote))")
    op.execute("CREATE INDEX ix_document_title_fts ON document USING gin (to_tsvector('english'::regconfig, coalesce(title, '')))")
    op.execute(f"CREATE INDEX ix_documenttext_fts ON documenttext USING gin (to_tsvector('english'::regconfig, left(text, {DOC_TEXT_LIMIT})))")
    op.execute(PG_FUNCTIONS)
    # The ledger rewrites whole rows: updates re-index only when the indexed values changed.
    op.execute("CREATE TRIGGER claim_entity_sync AFTER INSERT OR DELETE ON claim FOR EACH ROW EXECUTE FUNCTION claimtrail_claim_entity()")
    op.execute(
        "CREATE TRIGGER claim_entity_update AFTER UPDATE ON claim FOR EACH ROW WHEN (OLD.entity_ids::text IS DISTINCT FROM "
        "NEW.entity_ids::text OR OLD.published IS DISTINCT FROM NEW.published OR OLD.event_date IS DISTINCT FROM NEW.event_date) "
        "EXECUTE FUNCTION claimtrail_claim_entity()"
    )
    op.execute("CREATE TRIGGER entity_key_sync AFTER INSERT OR DELETE ON entity FOR EACH ROW EXECUTE FUNCTION claimtrail_entity_key()")
    op.execute(
        "CREATE TRIGGER entity_key_update AFTER UPDATE ON entity FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name "
        "OR OLD.aliases::text IS DISTINCT FROM NEW.aliases::text) EXECUTE FUNCTION claimtrail_entity_key()"
    )
    op.execute(
        "INSERT INTO claim_entity (entity_id, day, claim_id) SELECT DISTINCT e.value::int, "
        "left(coalesce(c.published, d.published, c.event_date, ''), 10), c.id "
        "FROM claim c LEFT JOIN document d ON d.id = c.document_id, json_array_elements_text(c.entity_ids) AS e(value) "
        "WHERE e.value ~ '^[0-9]+$'"
    )
    op.execute(
        "INSERT INTO entity_key (key, entity_id) SELECT DISTINCT lower(k), id FROM "
        "(SELECT name AS k, id FROM entity UNION SELECT a, id FROM entity, json_array_elements_text(aliases) AS a) AS keys"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in (
            "claim_ai",
            "claim_ad",
            "claim_au_quote",
            "claim_au_entities",
            "document_ai",
            "document_ad",
            "document_au",
            "documenttext_ai",
            "entity_ai",
            "entity_ad",
            "entity_au",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for table in ("claim_fts_vocab", "claim_fts", "document_fts"):
            op.execute(f"DROP TABLE IF EXISTS {table}")
    else:
        for trigger, table in (
            ("claim_entity_sync", "claim"),
            ("claim_entity_update", "claim"),
            ("entity_key_sync", "entity"),
            ("entity_key_update", "entity"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS claimtrail_claim_entity()")
        op.execute("DROP FUNCTION IF EXISTS claimtrail_entity_key()")
        for index in ("ix_claim_quote_fts", "ix_document_title_fts", "ix_documenttext_fts"):
            op.execute(f"DROP INDEX IF EXISTS {index}")
    op.execute("DROP TABLE IF EXISTS claim_entity")
    op.execute("DROP TABLE IF EXISTS entity_key")
