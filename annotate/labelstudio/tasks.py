"""Label Studio tasks: one task per document, our claims and mentions as its predictions.

Plain JSON, no SDK. Each annotator's objects on a document form one prediction
(`model_version` = "name@version"); regions are named after our objects ("m12", "c7")
so that what comes back can be matched to what went out; active links between two
exported claims of the same document become relations, and so do a claim's claimant
("claimant") and the entities it is about ("about"), drawn to a mention of that entity
in the same prediction, so that pulling back an unchanged annotation changes nothing.
Use with the labeling config from `annotate.labelstudio.config.build_config()`.

Two ways in, one task builder:
* `write_tasks(record, out)`: every document, candidates as predictions, streamed from
  the current tables in one pass each (documents, mentions, claims, links), memory flat;
  what `claimtrail labelstudio tasks` and `push` send.
* `tasks_at_cut(session, seq, chosen, statuses)`: the documents of chosen claims as the
  record stood at a cut; exports/labelstudio.py (`claimtrail export --format labelstudio`)
  writes them, so that `export verify` can re-derive the file.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import IO

import orjson
from sqlalchemy import or_, select
from sqlmodel import Session

from annotate.labelstudio import regions
from annotate.labelstudio.config import (
    ABOUT,
    CLAIM_LABEL,
    CLAIMANT,
    CLAIMANT_LABELS,
    ENTITY_LABELS,
    TEXT,
    VALUE_LABELS,
)
from annotate.store.models import Claim, ClaimLink, Document, DocumentText, Mention

DEFAULT_STATUSES = ("candidate",)
UNNAMED = "claimtrail@record"  # model_version for objects no annotator proposed (reviewers' own)
STREAM = {"yield_per": 1000}
PAGE = 200  # documents per page when reading at a cut


def task(doc, text: str, mentions: list[tuple], claims: list[tuple], links: list[tuple]) -> dict:
    """One document's task: its text and ids in `data`, one prediction per annotator.

    Rows are tuples, cheap to stream: mentions (document_id, id, start, end, label,
    annotator, score, entity_id), claims (document_id, id, start, end, annotator, score,
    claimant, claimant_entity_id, entity_ids), links (document_id, id, a_id, b_id,
    relation); each list in id order.
    """
    data = {TEXT: text, "doc_id": doc["id"], "sha256": doc["sha256"], "title": doc["title"], "published": doc["published"], "url": doc["url"]}
    results: dict[str, list] = defaultdict(list)
    for _, mid, start, end, label, annotator, score, _ in mentions:
        if label in ENTITY_LABELS:
            results[annotator or UNNAMED].append(regions.span(f"m{mid}", "mention", start, end, text[start:end], label, score))
    for _, cid, start, end, annotator, score, *_ in claims:
        results[annotator or UNNAMED].append(regions.span(f"c{cid}", "claim", start, end, text[start:end], CLAIM_LABEL, score))
    for _, _, a_id, b_id, relation in links:  # a relation joins regions of one prediction
        a, b = f"c{a_id}", f"c{b_id}"
        for result in results.values():
            if {a, b} <= {r["id"] for r in result}:
                result.append(regions.relation(a, b, relation))
    _entity_relations(results, mentions, claims)
    data = {k: v for k, v in data.items() if v is not None}
    return {"data": data, "predictions": [prediction(v, r) for v, r in sorted(results.items())]}


def _entity_relations(results: dict[str, list], mentions: list[tuple], claims: list[tuple]) -> None:
    """A claim's claimant and the entities it is about, as relations to a mention of that
    entity in the claim's own prediction (there may be none: then no relation)."""
    by_entity: dict[tuple, list[tuple]] = defaultdict(list)  # (prediction, entity id) → mentions
    for _, mid, start, end, label, annotator, _, entity_id in mentions:
        if entity_id is not None and label in ENTITY_LABELS and label not in VALUE_LABELS:
            by_entity[(annotator or UNNAMED, entity_id)].append((mid, start, end, label))
    for _, cid, start, end, annotator, _, _, claimant_entity_id, entity_ids in claims:
        version = annotator or UNNAMED
        speakers = [m for m in by_entity.get((version, claimant_entity_id), []) if m[3] in CLAIMANT_LABELS]
        said_by = _nearest(speakers, start, end)
        if said_by:
            results[version].append(regions.relation(f"c{cid}", f"m{said_by}", CLAIMANT))
        for entity_id in entity_ids or []:
            named = [m for m in by_entity.get((version, entity_id), []) if m[0] != said_by]  # one relation per pair of spans
            if named:
                results[version].append(regions.relation(f"c{cid}", f"m{_nearest(named, start, end)}", ABOUT))


def _nearest(mentions: list[tuple], start: int, end: int) -> int | None:
    """The id of the mention closest to a claim span (inside or touching it first), lowest id on a tie."""
    distance = lambda m: (max(start - m[2], m[1] - end, 0), m[0])  # noqa: E731  (id, start, end, label)
    return min(mentions, key=distance)[0] if mentions else None


def prediction(model_version: str, result: list[dict]) -> dict:
    scores = [r["score"] for r in result if "score" in r]
    found = {"model_version": model_version, "result": result}
    if scores:
        found["score"] = round(sum(scores) / len(scores), 4)
    return found


# --- every document, from the current tables --------------------------------------------


def write_tasks(record, out: str | Path | IO[str], document_ids: Iterable[int] | None = None, statuses=DEFAULT_STATUSES) -> int:
    """Write the tasks as one JSON list (what Label Studio's import takes); returns how many."""
    with record.session() as session, _opened(out) as fh:
        return write_json(fh, tasks(session, document_ids, statuses))


def tasks(session: Session, document_ids: Iterable[int] | None = None, statuses=DEFAULT_STATUSES) -> Iterator[dict]:
    """Tasks for every document (or these), in id order, with its objects in `statuses`."""
    ids = sorted(set(document_ids)) if document_ids is not None else None
    conn = session.connection().execution_options(**STREAM)  # Core rows as tuples: no ORM cost per row
    mentions = _Grouped(conn, _current(Mention, MENTION_COLUMNS, ids, statuses))
    claims = _Grouped(conn, _current(Claim, CLAIM_COLUMNS, ids, statuses))
    links = _Grouped(conn, _current_links(ids, statuses))
    docs = select(Document.id, Document.sha256, Document.title, Document.published, Document.url, DocumentText.text)
    docs = docs.join(DocumentText, DocumentText.sha256 == Document.sha256)
    if ids is not None:
        docs = docs.where(Document.id.in_(ids))
    for doc in conn.execute(docs.order_by(Document.id)).mappings():
        yield task(doc, doc["text"], mentions.take(doc["id"]), claims.take(doc["id"]), links.take(doc["id"]))


MENTION_COLUMNS = ("document_id", "id", "start", "end", "label", "annotator", "score", "entity_id")
CLAIM_COLUMNS = ("document_id", "id", "start", "end", "annotator", "score", "claimant", "claimant_entity_id", "entity_ids")


def _current(model, columns, ids, statuses):
    table = model.__table__
    query = select(*(table.c[name] for name in columns)).where(table.c.status.in_(statuses))
    if ids is not None:
        query = query.where(table.c.document_id.in_(ids))
    return query.order_by(table.c.document_id, table.c.id)


def _current_links(ids, statuses):
    """Active links between two exported claims of the same document, by document."""
    a, b, link = Claim.__table__.alias("a"), Claim.__table__.alias("b"), ClaimLink.__table__
    query = (
        select(a.c.document_id, link.c.id, link.c.a_id, link.c.b_id, link.c.relation)
        .join(a, a.c.id == link.c.a_id)
        .join(b, b.c.id == link.c.b_id)
        .where(link.c.status == "active", a.c.document_id == b.c.document_id, a.c.status.in_(statuses), b.c.status.in_(statuses))
    )
    if ids is not None:
        query = query.where(a.c.document_id.in_(ids))
    return query.order_by(a.c.document_id, link.c.id)


class _Grouped:
    """Rows of a query ordered by document_id (their first column), one document at a time."""

    def __init__(self, conn, query):
        self._groups = groupby(conn.execute(query), key=itemgetter(0))
        self._current = next(self._groups, None)

    def take(self, document_id: int) -> list[tuple]:
        while self._current is not None and self._current[0] < document_id:
            self._current = next(self._groups, None)
        if self._current is None or self._current[0] != document_id:
            return []
        found = list(self._current[1])
        self._current = next(self._groups, None)
        return found


def tasks_at_cut(session: Session, seq: int, chosen: dict[int, set[int]], statuses, fold) -> Iterator[dict]:
    """Tasks for the documents of the chosen claims as of decision `seq`; `fold(session, seq, kind, ids)`
    reads objects at the cut (the exports' reader)."""

    doc_ids = sorted(chosen)
    for i in range(0, len(doc_ids), PAGE):
        page = doc_ids[i : i + PAGE]
        docs = fold(session, seq, "document", page)
        texts = dict(session.execute(select(DocumentText.sha256, DocumentText.text).where(DocumentText.sha256.in_({d["sha256"] for d in docs.values()}))).all())
        claims = fold(session, seq, "claim", {c for d in page for c in chosen[d]})
        mention_ids = session.execute(select(Mention.id).where(Mention.document_id.in_(page))).scalars()
        mentions = _by_document(m for m in fold(session, seq, "mention", mention_ids).values() if statuses is None or m["status"] in statuses)
        link_ids = session.execute(select(ClaimLink.id).where(or_(ClaimLink.a_id.in_(list(claims)), ClaimLink.b_id.in_(list(claims))))).scalars()
        links = fold(session, seq, "link", link_ids).values()
        by_doc = _by_document(claims.values())
        for doc_id in page:
            if doc_id in docs:
                mine = {c["id"] for c in by_doc[doc_id]}
                same_doc = [x for x in links if x["status"] == "active" and x["a_id"] in mine and x["b_id"] in mine]
                yield task(
                    docs[doc_id],
                    texts[docs[doc_id]["sha256"]],
                    _rows(mentions[doc_id], MENTION_COLUMNS),
                    _rows(by_doc[doc_id], CLAIM_COLUMNS),
                    _rows(same_doc, LINK_COLUMNS),
                )


LINK_COLUMNS = ("document_id", "id", "a_id", "b_id", "relation")


def _rows(objects: list[dict], columns: tuple) -> list[tuple]:
    """Objects as the tuples `task` takes (a link's document_id is never read), in id order."""
    return [tuple(o.get(c) for c in columns) for o in sorted(objects, key=itemgetter("id"))]


def _by_document(rows: Iterable[dict]) -> dict[int, list[dict]]:
    found = defaultdict(list)
    for row in rows:
        found[row["document_id"]].append(row)
    return found


# --- writing ---------------------------------------------------------------------------------


def write_json(fh, items: Iterable[dict]) -> int:
    """A JSON list, one task a line, written as it is produced."""
    n, sep, items = 0, "\n", iter(items)
    fh.write("[")
    while chunk := [orjson.dumps(item).decode() for item in islice(items, 100)]:  # fewer, larger writes
        fh.write(sep + ",\n".join(chunk))
        n, sep = n + len(chunk), ",\n"
    fh.write("\n]\n")
    return n


def _opened(out):
    return nullcontext(out) if hasattr(out, "write") else open(out, "w", encoding="utf-8")
