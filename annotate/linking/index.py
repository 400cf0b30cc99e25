"""The claim-vector index: filled for claims that have no vector yet, read nearest in time.

Claims are indexed as they are written, the way the full-text index is kept: the database
drops a claim's vector when its quote or date changes (alembic 0005), and `index_missing()`
computes vectors for every claim without one. `index_new()` runs before each suggestion (two
indexed reads when nothing is new) and indexes a bounded number of new claims; `claimtrail
links index` (and `links evaluate` / `links fit`) index everything that is missing.
"""

from collections.abc import Callable
from datetime import date

import numpy as np
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from annotate.errors import Busy
from annotate.linking import vectors

BATCH = 256  # claims encoded and written per round
CATCH_UP = 64  # new claims a suggestion indexes before it runs (about half a second at most)
NEAREST = 800  # vectors read around a claim's day for the semantic leg (half before, half after)

CLAIM_DAY = "substr(coalesce(c.published, d.published, c.event_date, ''), 1, 10)"


Encode = Callable[[list[str]], np.ndarray]  # texts → unit vectors: the encoder's own, or spread over processes


def index_missing(session: Session, limit: int | None = None, on_batch: Callable[[int], None] | None = None, encode: Encode | None = None) -> int:
    """Vectors for every claim that has none (at most `limit`); returns how many were added.
    `on_batch` hears how many each stored batch added (a progress bar)."""
    if vectors.encoder() is None:
        return 0
    return _index(session, "1 = 1", {}, limit, on_batch, encode)


def index_documents(session: Session, document_ids: list[int], on_batch: Callable[[int], None] | None = None, encode: Encode | None = None) -> int:
    """Vectors for the claims of these documents that have none: a background job indexes the claims
    it has just written, so workers ingesting different documents index in parallel, each its own."""
    if vectors.encoder() is None:
        return 0
    done = 0
    for start in range(0, len(document_ids), 500):
        params = {f"d{n}": int(d) for n, d in enumerate(document_ids[start : start + 500])}
        done += _index(session, f"c.document_id IN ({', '.join(':' + k for k in params)})", params, on_batch=on_batch, encode=encode)
    return done


def index_new(session: Session, limit: int = CATCH_UP) -> int:
    """Vectors for claims written since the last pass (ids above the highest indexed one), at most `limit`
    of them: two index reads when there are none. Claims whose vector the database dropped (an edited
    quote) wait for `index_missing()`, except the claim asked about, which `vector_for()` encodes on the
    spot. A large backlog (an upgraded record, a bulk import) is `claimtrail links index`'s job."""
    if vectors.encoder() is None:
        return 0
    newest = session.execute(text("SELECT coalesce(max(claim_id), 0) FROM claim_vector")).scalar()
    if session.execute(text("SELECT coalesce(max(id), 0) FROM claim")).scalar() <= newest:
        return 0
    return _index(session, "c.id > :after", {"after": newest}, limit)


def vector_for(session: Session, claim_id: int) -> np.ndarray | None:
    """The claim's vector, computed now if it has none (None without the model); stored when the
    database lets us write at once, used either way."""
    found = vector_of(session, claim_id)
    if found is None and vectors.encoder() is not None:
        row = session.execute(
            text(f"SELECT c.id, c.quote, {CLAIM_DAY} AS day FROM claim c JOIN document d ON d.id = c.document_id WHERE c.id = :i"), {"i": claim_id}
        ).first()
        if row is not None:
            found = vectors.encoder().encode([row.quote])[0]
            store(session, [(row.id, row.day or "", found)])
    return found


def _index(
    session: Session, where: str, params: dict, limit: int | None = None, on_batch: Callable[[int], None] | None = None, encode: Encode | None = None
) -> int:
    encode = encode or vectors.encoder().encode
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        rows = session.execute(
            text(
                f"SELECT c.id, c.quote, {CLAIM_DAY} AS day FROM claim c JOIN document d ON d.id = c.document_id "
                f"WHERE {where} AND NOT EXISTS (SELECT 1 FROM claim_vector v WHERE v.claim_id = c.id) ORDER BY c.id LIMIT :n"
            ),
            {**params, "n": size},
        ).all()
        if not rows:
            break
        encoded = encode([r.quote for r in rows])
        if not store(session, [(r.id, r.day or "", v) for r, v in zip(rows, encoded)]):
            break
        done += len(rows)
        if on_batch:
            on_batch(len(rows))
    return done


def store(session: Session, rows: list[tuple[int, str, np.ndarray]]) -> bool:
    """Write vectors; False when the database is busy with a writer (SQLite's lock) or another request
    stored the same claims first. A derived index can wait: the next pass writes them."""
    try:
        session.execute(
            text("INSERT INTO claim_vector (claim_id, day, vector) VALUES (:i, :d, :v)"), [{"i": i, "d": day, "v": vectors.to_bytes(v)} for i, day, v in rows]
        )
        session.commit()
        return True
    except (OperationalError, IntegrityError, Busy):  # Busy: the driver error as the engine names it
        session.rollback()
        return False


def vector_of(session: Session, claim_id: int) -> np.ndarray | None:
    blob = session.execute(text("SELECT vector FROM claim_vector WHERE claim_id = :i"), {"i": claim_id}).scalar()
    return None if blob is None else vectors.from_bytes([bytes(blob)])[0]


def vectors_of(session: Session, ids) -> dict[int, np.ndarray]:
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    params = {f"i{n}": i for n, i in enumerate(ids)}
    rows = session.execute(text(f"SELECT claim_id, vector FROM claim_vector WHERE claim_id IN ({', '.join(':' + k for k in params)})"), params).all()
    matrix = vectors.from_bytes([bytes(r.vector) for r in rows])
    return {r.claim_id: matrix[n] for n, r in enumerate(rows)}


def nearest(session: Session, vector: np.ndarray, day: date | None, limit: int) -> list[tuple[int, float]]:
    """The `limit` claims most similar in meaning among the NEAREST claims in time: [(claim id, cosine)].

    Reading a bounded slice of the index keeps the cost flat as the record grows; claims
    about one event are published within days or weeks of each other."""
    anchor = (day or date.today()).isoformat()
    ids, blobs = [], []
    for op, order in ((">=", "ASC"), ("<", "DESC")):
        result = session.execute(text(f"SELECT claim_id, vector FROM claim_vector WHERE day {op} :d ORDER BY day {order} LIMIT {NEAREST // 2}"), {"d": anchor})
        for claim_id, blob in result:
            ids.append(claim_id)
            blobs.append(bytes(blob))
    if not ids:
        return []
    scores = vectors.from_bytes(blobs) @ vector
    best = np.argsort(-scores)[:limit]
    return [(ids[i], float(scores[i])) for i in best]


def document_vectors(session: Session, document_ids) -> dict[int, np.ndarray]:
    """Each document's centroid of its claims' vectors (unit length): what the report is about."""
    ids = [int(i) for i in document_ids]
    if not ids:
        return {}
    params = {f"d{n}": i for n, i in enumerate(ids)}
    rows = session.execute(
        text(
            "SELECT c.document_id, v.vector FROM claim c JOIN claim_vector v ON v.claim_id = c.id "
            f"WHERE c.document_id IN ({', '.join(':' + k for k in params)}) AND c.status <> 'rejected'"
        ),
        params,
    ).all()
    matrix = vectors.from_bytes([bytes(r.vector) for r in rows])
    sums: dict[int, np.ndarray] = {}
    for n, r in enumerate(rows):
        sums[r.document_id] = sums.get(r.document_id, 0) + matrix[n]
    return {d: v / max(float(np.linalg.norm(v)), 1e-9) for d, v in sums.items()}
