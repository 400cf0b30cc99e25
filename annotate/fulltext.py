"""Full-text search over claims and documents, on the database's own index.

SQLite: FTS5 tables kept by triggers (alembic 0002), ranked by bm25. PostgreSQL: GIN
expression indexes over to_tsvector('english', …), ranked by ts_rank. User input is
only ever a list of words: `terms.words()` keeps letters and digits, and each word is
quoted (FTS5) or joined with a fixed operator (tsquery), so quotes, `*`, `NEAR`, `OR`
and SQL fragments are searched as plain words, never interpreted.

Scores are "higher is better" on both backends, but only comparable within one query.
"""

from sqlalchemy import text
from sqlmodel import Session

from annotate.terms import content_words, stem, words

PG_CONFIG = "'english'::regconfig"
PG_CLAIM = f"to_tsvector({PG_CONFIG}, quote)"  # must match the index expressions in alembic 0002
PG_TITLE = f"to_tsvector({PG_CONFIG}, coalesce(title, ''))"
PG_TEXT = f"to_tsvector({PG_CONFIG}, left(text, 200000))"
SALIENT = 8  # words of a claim used to look for related claims
FREQUENT = 0.02  # a word in more than this share of claims finds too much to be worth it
COUNT_CAP = 5000  # PostgreSQL: stop counting a word's claims here


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def search_claims(session: Session, query: str, limit: int = 50) -> list[tuple[int, float]]:
    """Claims whose quote has all the words of `query`, best first: [(claim id, score)]."""
    return _claims(session, words(query), "AND", limit)


def search_documents(session: Session, query: str, limit: int = 50) -> list[tuple[int, float]]:
    """Documents whose title or text has all the words of `query`, best first (title counts double)."""
    found = words(query)
    if not found:
        return []
    if is_sqlite(session):
        sql = ("SELECT rowid, -bm25(document_fts, 2.0, 1.0) AS s FROM document_fts "
               "WHERE document_fts MATCH :q ORDER BY s DESC LIMIT :n")  # fmt: skip
        return _rows(session, sql, q=_fts5(found, "AND"), n=limit)
    sql = (
        f"SELECT d.id, ts_rank(setweight({PG_TITLE}, 'A') || setweight(t_vec, 'B'), q) AS s "
        f"FROM document d JOIN (SELECT sha256, {PG_TEXT} AS t_vec FROM documenttext) t ON t.sha256 = d.sha256, "
        "to_tsquery('english', :q) q "
        f"WHERE d.id IN (SELECT id FROM document WHERE {PG_TITLE} @@ q) "
        f"OR d.sha256 IN (SELECT sha256 FROM documenttext WHERE {PG_TEXT} @@ q) ORDER BY s DESC, d.id LIMIT :n"
    )
    return _rows(session, sql, q=_tsquery(found, "&"), n=limit)


def related_claims(session: Session, claim_id: int, limit: int = 50) -> list[tuple[int, float]]:
    """Claims in other documents sharing the claim's most telling words (any of them), best first."""
    row = session.execute(text("SELECT quote, document_id FROM claim WHERE id = :i"), {"i": claim_id}).first()
    if row is None:
        return []
    return claims_with_any(session, salient_words(session, row.quote), limit, exclude_document=row.document_id)


def claims_with_any(session: Session, chosen: list[str], limit: int, exclude_document: int | None = None) -> list[tuple[int, float]]:
    """Claims having any of the words, best first, leaving out one document's claims."""
    # Over-fetch, then drop the document's claims: filtering inside the ranked query costs a row lookup per match.
    found = _claims(session, chosen, "OR", limit + 50)
    docs = _document_ids(session, [i for i, _ in found])
    return [(i, s) for i, s in found if docs.get(i) != exclude_document][:limit]


def salient_words(session: Session, quote: str, counts: dict[str, int] | None = None, size: int = SALIENT) -> list[str]:
    """The rarest content words of a quote that other claims also use, but not so common they find everything."""
    candidates = list(dict.fromkeys(content_words(quote)))
    counts = word_frequencies(session, candidates) if counts is None else counts
    ceiling = max(200, FREQUENT * claims_total(session))
    useful = [w for w in candidates if 1 < counts.get(w, 0) <= ceiling]
    return sorted(useful, key=lambda w: counts[w])[:size]


def word_frequencies(session: Session, found: list[str]) -> dict[str, int]:
    """In how many claims each word (as the index stems it) appears."""
    if not found:
        return {}
    if is_sqlite(session):
        stems = {w: stem(w) for w in found}
        params = {f"t{i}": s for i, s in enumerate(set(stems.values()))}
        sql = f"SELECT term, doc FROM claim_fts_vocab WHERE term IN ({', '.join(':' + k for k in params)})"
        counts = dict(session.execute(text(sql), params).all())
        return {w: counts.get(s, 0) for w, s in stems.items()}
    sql = (f"SELECT count(*) FROM (SELECT 1 FROM claim WHERE {PG_CLAIM} @@ to_tsquery('english', :q) "
           f"LIMIT {COUNT_CAP}) AS hits")  # fmt: skip
    return {w: session.execute(text(sql), {"q": _tsquery([w], "&")}).scalar() or 0 for w in found}


def claims_total(session: Session) -> int:
    """About how many claims there are (the highest id: instant, and close enough for weighting)."""
    return session.execute(text("SELECT coalesce(max(id), 0) FROM claim")).scalar()


def _claims(session: Session, found: list[str], op: str, limit: int) -> list[tuple[int, float]]:
    if not found:
        return []
    if is_sqlite(session):
        sql = ("SELECT rowid, -bm25(claim_fts) AS s FROM claim_fts "
               "WHERE claim_fts MATCH :q ORDER BY s DESC LIMIT :n")  # fmt: skip
        return _rows(session, sql, q=_fts5(found, op), n=limit)
    sql = (f"SELECT id, ts_rank({PG_CLAIM}, q) AS s FROM claim, to_tsquery('english', :q) q "
           f"WHERE {PG_CLAIM} @@ q ORDER BY s DESC, id LIMIT :n")  # fmt: skip
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
