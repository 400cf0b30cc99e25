"""Full-text search over claims and documents, on the database's own index.

SQLite: FTS5 tables kept by triggers (alembic 0002), ranked by bm25. PostgreSQL: GIN
indexes over stored to_tsvector('english', …) columns (alembic 0017: ranking re-parsed every
match before), ranked by ts_rank. User input is
only ever a list of words: `terms.words()` keeps letters and digits, and each word is
quoted (FTS5) or joined with a fixed operator (tsquery), so quotes, `*`, `NEAR`, `OR`
and SQL fragments are searched as plain words, never interpreted.

Scores are "higher is better" on both backends, but only comparable within one query.

The ledger inserts a batch's new claims and documents in one statement; `deferred_index`
holds back what their insert triggers would do row by row (alembic 0012) and indexes the
batch's rows in a few statements before the transaction commits, so nothing is lost.
"""

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Integer, column, text
from sqlmodel import Session

from annotate.store.terms import content_words, stem, words

PG_CONFIG = "'english'::regconfig"
PG_CLAIM = "quote_tsv"  # stored columns (alembic 0017)
PG_TEXT = "text_tsv"
PG_TITLE = f"to_tsvector({PG_CONFIG}, coalesce(title, ''))"  # must match the index expression of alembic 0002
SALIENT = 8  # words of a claim used to look for related claims
FREQUENT = 0.02  # a word in more than this share of claims finds too much to be worth it
COUNT_CAP = 5000  # PostgreSQL: stop counting a word's claims here
SAMPLE = 20_000  # newest claims in which a common word's frequency is estimated
POSTINGS = 6000  # index entries read to find related claims, at most (but always the rarest word's)


# What the insert triggers of alembic 0002 do, for many rows at once. `?`/`%s` is the batch's ids.
_BATCH_SQLITE = "(SELECT value FROM json_each(?))"
CATCH_UP_SQLITE = {
    "claim": (
        f"INSERT INTO claim_fts(rowid, quote) SELECT id, quote FROM claim WHERE id IN {_BATCH_SQLITE}",
        "INSERT INTO claim_entity (entity_id, day, claim_id) SELECT DISTINCT j.value, "
        "substr(coalesce(c.published, (SELECT published FROM document WHERE id = c.document_id), c.event_date, ''), 1, 10), c.id "
        f"FROM claim c, json_each(c.entity_ids) AS j WHERE j.type = 'integer' AND c.id IN {_BATCH_SQLITE}",
    ),
    "document": (
        "INSERT INTO document_fts(rowid, title, body) SELECT d.id, coalesce(d.title, ''), "
        "coalesce((SELECT text FROM documenttext WHERE sha256 = d.sha256), '') "
        f"FROM document d WHERE d.id IN {_BATCH_SQLITE}",
    ),
}
# PostgreSQL keeps the text search in GIN indexes (their pending list already batches
# inserts); only the claim-entity trigger is held back.
CATCH_UP_POSTGRES = {
    "claim": (
        "INSERT INTO claim_entity (entity_id, day, claim_id) SELECT DISTINCT e.value::int, "
        "left(coalesce(c.published, (SELECT published FROM document WHERE id = c.document_id), c.event_date, ''), 10), c.id "
        "FROM claim c, json_array_elements_text(c.entity_ids) AS e(value) WHERE e.value ~ '^[0-9]+$' AND c.id = ANY(%s)",
    ),
}
PG_SETTING = "claimtrail.index_deferred"  # read by the claim-entity trigger function (alembic 0012)


@contextmanager
def deferred_index(conn, table: str, ids: list[int]) -> Iterator[None]:
    """Insert rows of `table` inside; their index entries are made for all of `ids` on leaving.

    The switch lives in the writer's own transaction (a row of index_deferral on SQLite, a
    transaction-local setting on PostgreSQL): no other connection ever sees it, and a
    transaction that fails takes the rows, the switch and the entries back together."""
    sqlite = conn.dialect.name == "sqlite"
    statements = (CATCH_UP_SQLITE if sqlite else CATCH_UP_POSTGRES).get(table)
    if not statements or not ids:
        yield
        return
    if sqlite:
        conn.exec_driver_sql("INSERT INTO index_deferral (name) VALUES ('batch')")
        try:
            yield
        finally:
            conn.exec_driver_sql("DELETE FROM index_deferral")
        batch = (json.dumps(ids),)
    else:
        conn.exec_driver_sql(f"SELECT set_config('{PG_SETTING}', 'on', true)")
        yield
        conn.exec_driver_sql(f"SELECT set_config('{PG_SETTING}', 'off', true)")
        batch = (list(ids),)
    for statement in statements:
        conn.exec_driver_sql(statement, batch)


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def search_claims(session: Session, query: str, limit: int = 50) -> list[tuple[int, float]]:
    """Claims whose quote has all the words of `query`, best first: [(claim id, score)]."""
    return _claims(session, words(query), "AND", limit)


def matching_documents(session: Session, query: str):
    """The ids of the documents whose title or text, or one of whose claims, has all the words of
    `query`, as a subquery, unranked: a filter, whose matches the caller orders and pages (the
    queue, newest first). None when the query has no words."""
    found = words(query)
    if not found:
        return None
    if is_sqlite(session):
        sql = (
            "SELECT rowid AS id FROM document_fts WHERE document_fts MATCH :fts_q "
            "UNION SELECT c.document_id FROM claim_fts f JOIN claim c ON c.id = f.rowid WHERE claim_fts MATCH :fts_q"
        )
        return text(sql).bindparams(fts_q=_fts5(found, "AND")).columns(column("id", Integer))
    match = "@@ to_tsquery('english', :fts_q)"
    sql = (
        f"SELECT id FROM document WHERE {PG_TITLE} {match} "
        f"UNION SELECT d.id FROM document d JOIN documenttext t ON t.sha256 = d.sha256 WHERE t.{PG_TEXT} {match} "
        f"UNION SELECT document_id FROM claim WHERE {PG_CLAIM} {match}"
    )
    return text(sql).bindparams(fts_q=_tsquery(found, "&")).columns(column("id", Integer))


def related_claims(session: Session, claim_id: int, limit: int = 50) -> list[tuple[int, float]]:
    """Claims in other documents sharing the claim's most telling words, best first."""
    row = session.execute(text("SELECT quote, document_id FROM claim WHERE id = :i"), {"i": claim_id}).first()
    if row is None:
        return []
    found = content_words(row.quote)
    return claims_sharing(session, found, word_frequencies(session, found), limit, exclude_document=row.document_id)


def claims_sharing(session: Session, found: list[str], counts: dict[str, int], limit: int, exclude_document: int | None = None) -> list[tuple[int, float]]:
    """Claims having the rarest of these words, scored by the idf summed over the words they share.

    Reads at most about POSTINGS index entries, whatever the size of the record (ranking
    by bm25 inside the index costs a lookup per match), and adds them up in the database.
    """
    total = claims_total(session)
    chosen = salient_words(found, counts, total)
    if not chosen:
        return []
    params = {f"q{i}": _fts5([w], "AND") if is_sqlite(session) else _tsquery([w], "&") for i, w in enumerate(chosen)}
    params |= {f"w{i}": math.log(1 + total / counts[w]) for i, w in enumerate(chosen)}
    if is_sqlite(session):
        parts = [f"SELECT rowid AS id, :w{i} AS w FROM claim_fts WHERE claim_fts MATCH :q{i}" for i in range(len(chosen))]
    else:
        parts = [f"SELECT id, CAST(:w{i} AS float) AS w FROM claim WHERE {PG_CLAIM} @@ to_tsquery('english', :q{i})" for i in range(len(chosen))]
    sql = f"SELECT id, sum(w) AS s FROM ({' UNION ALL '.join(parts)}) AS hits GROUP BY id ORDER BY s DESC, id LIMIT :n"
    best = _rows(session, sql, **params, n=limit + 50)
    docs = _document_ids(session, [i for i, _ in best])
    return [(i, round(s, 4)) for i, s in best if docs.get(i) != exclude_document][:limit]


def salient_words(found: list[str], counts: dict[str, int], total: int, size: int = SALIENT) -> list[str]:
    """The rarest words that other claims also use, but not so common they find everything."""
    ceiling = max(200, FREQUENT * total)
    useful = sorted((w for w in dict.fromkeys(found) if 1 < counts.get(w, 0) <= ceiling), key=lambda w: counts[w])
    chosen, read = [], 0
    for word in useful[:size]:
        if chosen and read + counts[word] > POSTINGS:
            break
        chosen.append(word)
        read += counts[word]
    return chosen


def word_frequencies(session: Session, found: list[str]) -> dict[str, int]:
    """In how many claims each word (as the index stems it) appears; common words ≥ COUNT_CAP approximately.

    Counting walks a word's whole list of claims, so a count is kept per process and
    reused until the record has grown by a fifth: document frequencies drift slowly.
    """
    found = list(dict.fromkeys(found))
    if not found:
        return {}
    total, url = claims_total(session), _identity(session)
    keys = {w: stem(w) if is_sqlite(session) else w for w in found}
    cached = {w: _df_cache.get((url, k)) for w, k in keys.items()}
    fresh = [w for w, hit in cached.items() if hit is None or not hit[1] <= total <= hit[1] * 1.2]
    for w in fresh:
        _df_cache[(url, keys[w])] = (_count(session, keys[w]), max(total, 1))
    if len(_df_cache) > DF_CACHE:
        _df_cache.clear()
    return {w: _df_cache.get((url, keys[w]), (0, 0))[0] for w in found}


def _count(session: Session, term: str) -> int:
    """A bounded count answers for most words at once. A common word is counted among the
    newest SAMPLE claims and scaled up: an exact count walks its whole list (800k entries: 0.2 s)."""
    if is_sqlite(session):
        q = _fts5([term], "AND")
        bounded = f"SELECT count(*) FROM (SELECT 1 FROM claim_fts WHERE claim_fts MATCH :q LIMIT {COUNT_CAP})"
        sampled = "SELECT count(*) FROM claim_fts WHERE claim_fts MATCH :q AND rowid > :r"
    else:
        q, match = _tsquery([term], "&"), f"{PG_CLAIM} @@ to_tsquery('english', :q)"
        bounded = f"SELECT count(*) FROM (SELECT 1 FROM claim WHERE {match} LIMIT {COUNT_CAP}) AS hits"
        sampled = f"SELECT count(*) FROM claim WHERE id > :r AND {match}"
    found = session.execute(text(bounded), {"q": q}).scalar() or 0
    if found < COUNT_CAP:
        return found
    total = claims_total(session)
    in_sample = session.execute(text(sampled), {"q": q, "r": total - SAMPLE}).scalar() or 0
    return max(found, round(in_sample * total / SAMPLE))


def _identity(session: Session) -> str:
    """This record (not just this URL: a test database can be emptied and refilled): URL + first decision."""
    first = session.execute(text("SELECT hash FROM decision WHERE seq = 1")).scalar()
    return f"{session.get_bind().url}#{first}"


_df_cache: dict[tuple[str, str], tuple[int, int]] = {}  # (database, term) → (claims with it, claims then)
DF_CACHE = 500_000


def claims_total(session: Session) -> int:
    """About how many claims there are (the highest id: instant, and close enough for weighting)."""
    return session.execute(text("SELECT coalesce(max(id), 0) FROM claim")).scalar()


def _claims(session: Session, found: list[str], op: str, limit: int) -> list[tuple[int, float]]:
    if not found:
        return []
    if is_sqlite(session):
        sql = "SELECT rowid, -bm25(claim_fts) AS s FROM claim_fts WHERE claim_fts MATCH :q ORDER BY s DESC LIMIT :n"
        return _rows(session, sql, q=_fts5(found, op), n=limit)
    sql = f"SELECT id, ts_rank({PG_CLAIM}, q) AS s FROM claim, to_tsquery('english', :q) q WHERE {PG_CLAIM} @@ q ORDER BY s DESC, id LIMIT :n"
    return _rows(session, sql, q=_tsquery(found, "&" if op == "AND" else "|"), n=limit)


def _fts5(found: list[str], op: str) -> str:
    # Each word quoted: inside "…" FTS5 syntax (NEAR, OR, *, ^, column filters) is plain text.
    return f" {op} ".join(f'"{w}"' for w in found)


def _tsquery(found: list[str], op: str) -> str:
    # Words are letters and digits only, so none of tsquery's operators can appear in them.
    return f" {op} ".join(found)


def _rows(session: Session, sql: str, **params) -> list[tuple[int, float]]:
    return [(int(i), float(s)) for i, s in session.execute(text(sql), params).all()]


def _document_ids(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    params = {f"i{n}": i for n, i in enumerate(ids)}
    sql = f"SELECT id, document_id FROM claim WHERE id IN ({', '.join(':' + k for k in params)})"
    return dict(session.execute(text(sql), params).all())
