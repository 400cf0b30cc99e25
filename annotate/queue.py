"""The review queue: documents with their review progress, filtered and searched.

Progress is counted only for the page being shown, so any page of a large queue costs
about the same. Full-text search (annotate.fulltext: FTS5 / PostgreSQL) is called from `text_search` alone.
"""

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlmodel import Session

from annotate import fulltext
from annotate.models import Claim, Document, Entity, Mention, Publisher, ThreadMember

STATUSES = ("todo", "done", "all")
PER_PAGE = 50


@dataclass(frozen=True)
class QueueFilter:
    q: str = ""
    publisher_id: int | None = None
    date_from: str = ""  # ISO dates compared as text: "2023-04" sorts before "2023-04-01"
    date_to: str = ""
    entity: str = ""  # an entity's name, or the start of it
    thread_id: int | None = None
    status: str = "all"
    page: int = 1


@dataclass
class QueueRow:
    document: Document
    publisher: str | None
    left: int = 0
    accepted: int = 0
    rejected: int = 0


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_search(session: Session, q: str, limit: int = 1000) -> list[int]:
    """Ids of documents whose title or text, or one of whose claims, has all the words of `q`."""
    docs = [i for i, _ in fulltext.search_documents(session, q, limit)]
    claims = [i for i, _ in fulltext.search_claims(session, q, limit)]
    return list(dict.fromkeys(docs + _claim_documents(session, claims)))


def _claim_documents(session: Session, claim_ids: list[int]) -> list[int]:
    if not claim_ids:
        return []
    return list(session.execute(select(Claim.document_id).where(Claim.id.in_(claim_ids)).distinct()).scalars())


def _has(model, document_id, *conditions):
    return exists().where(model.document_id == document_id, *conditions)


def candidates_left(document_id):
    return or_(_has(Claim, document_id, Claim.status == "candidate"), _has(Mention, document_id, Mention.status == "candidate"))


def queue_page(session: Session, f: QueueFilter, per_page: int = PER_PAGE) -> tuple[list[QueueRow], bool]:
    """One page of the queue (newest first) and whether there is a next page."""
    query = select(Document, Publisher.name).outerjoin(Publisher, Publisher.id == Document.publisher_id)
    for condition in _conditions(session, f):
        query = query.where(condition)
    query = query.order_by(Document.published.desc(), Document.id.desc())
    rows = session.execute(query.offset((max(f.page, 1) - 1) * per_page).limit(per_page + 1)).all()
    page = [QueueRow(doc, publisher) for doc, publisher in rows[:per_page]]
    counts = progress(session, [r.document.id for r in page])
    for row in page:
        row.left, row.accepted, row.rejected = counts.get(row.document.id, (0, 0, 0))
    return page, len(rows) > per_page


def _conditions(session: Session, f: QueueFilter) -> list:
    doc = Document.id
    conditions = []
    if f.publisher_id:
        conditions.append(Document.publisher_id == f.publisher_id)
    if f.date_from:
        conditions.append(Document.published >= f.date_from)
    if f.date_to:
        conditions.append(Document.published <= f.date_to + "\uffff")  # "2023-04" includes "2023-04-30"
    if f.entity.strip():
        ids = entity_ids(session, f.entity)
        conditions.append(_has(Mention, doc, Mention.entity_id.in_(ids), Mention.status != "rejected"))
    if f.thread_id:
        in_thread = select(Claim.id).join(ThreadMember, ThreadMember.claim_id == Claim.id).where(
            Claim.document_id == doc, ThreadMember.thread_id == f.thread_id, ThreadMember.status == "active"
        )
        conditions.append(in_thread.exists())
    if f.status == "todo":
        conditions.append(candidates_left(doc))
    elif f.status == "done":
        conditions.append(and_(~candidates_left(doc), or_(_has(Claim, doc), _has(Mention, doc))))
    if f.q.strip():
        conditions.append(doc.in_(text_search(session, f.q.strip())))
    return conditions


def entity_ids(session: Session, name: str) -> list[int]:
    """Entities whose name starts with `name` (case-insensitively), and those merged into them."""
    pattern = escape_like(" ".join(name.split()).lower()) + "%"
    found = list(session.execute(select(Entity.id).where(func.lower(Entity.name).like(pattern, escape="\\")).limit(200)).scalars())
    merged = session.execute(select(Entity.id).where(Entity.merged_into.in_(found))).scalars() if found else []
    return found + list(merged)


def progress(session: Session, document_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """{document id: (candidates left, accepted or corrected, rejected)} over claims and mentions."""
    totals: dict[int, list[int]] = {i: [0, 0, 0] for i in document_ids}
    if not document_ids:
        return {}
    column = {"candidate": 0, "accepted": 1, "corrected": 1, "rejected": 2}
    for model in (Claim, Mention):
        query = (
            select(model.document_id, model.status, func.count())
            .where(model.document_id.in_(document_ids))
            .group_by(model.document_id, model.status)
        )
        for document_id, status, n in session.execute(query):
            if status in column:
                totals[document_id][column[status]] += n
    return {i: tuple(t) for i, t in totals.items()}
