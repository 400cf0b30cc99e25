"""The review queue: documents with their review progress, filtered and searched.

Newest first (by id: the order documents came in). Pages are keyset pages — "after id N" —
and progress is counted for the page shown only, so any page of a large queue costs about
the same as the first. Full-text search (annotate.store.fulltext: FTS5 / PostgreSQL) is called
from `_conditions` alone: every matching document, newest first like the rest of the queue.
"""

from dataclasses import dataclass

from sqlalchemy import and_, exists, false, func, or_, select
from sqlmodel import Session

from annotate.store import fulltext
from annotate.store.models import (
    Assignment,
    Claim,
    Document,
    Entity,
    Mention,
    Publisher,
    ThreadMember,
)

STATUSES = ("todo", "done", "all")
# Where a document's review stands (annotate/review/review_states.py); "open" is to do or in review,
# "sent_back" open again with a lead's note, "none" on nobody's queue.
REVIEWS = ("", "open", "todo", "in_review", "done", "approved", "sent_back", "none")
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
    after: int | None = None  # the page of documents older than this id
    before: int | None = None  # the page of documents newer than this id
    assignee: str = ""  # a reviewer's name: the documents on their queue
    review: str = ""  # one of REVIEWS


@dataclass
class QueueRow:
    id: int
    title: str
    published: str | None
    publisher: str | None
    left: int = 0
    accepted: int = 0
    rejected: int = 0
    reviewer: str | None = None
    review: str | None = None  # todo in_review done approved; None: not assigned
    note: str | None = None  # a lead's note, when sent back


@dataclass
class QueuePage:
    rows: list[QueueRow]
    newer: int | None  # `before` for the previous page, if there is one
    older: int | None  # `after` for the next page, if there is one


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _has(model, document_id, *conditions):
    return exists().where(model.document_id == document_id, *conditions)


def candidates_left(document_id):
    return or_(_probe(Claim, document_id), _probe(Mention, document_id))


def _undecided(model):
    # coalesce() keeps the planner off the status index: most rows are candidates, and SQLite
    # without statistics would scan all of them per document instead of probing document_id.
    return func.coalesce(model.status, "") == "candidate"


def _probe(model, document_id):
    """Whether the document has a candidate of this kind, asked of its own rows. OFFSET 0 keeps
    PostgreSQL from hashing every candidate of the record first, which it prefers when it does
    not see that a page of 50 stops after a few probes (the queue's "to do" page: 50 ms at
    10,000 reports, 0.2 ms probed; "done", which reads every document: 56 ms, 13 ms probed)."""
    return select(1).where(model.document_id == document_id, _undecided(model)).offset(0).exists()


def next_with_candidates(session: Session, after_id: int) -> int | None:
    """The first document after `after_id` that still has candidates: the smaller of the first
    candidate claim's and mention's document, each read along the document_id index in order.
    (Asked as "documents where a candidate exists", PostgreSQL hashed every candidate of the
    record first: 42 ms at 10,000 reports, on every document page.)"""
    firsts = [
        session.execute(select(model.document_id).where(model.document_id > after_id, _undecided(model)).order_by(model.document_id).limit(1)).scalar()
        for model in (Claim, Mention)
    ]
    return min((f for f in firsts if f is not None), default=None)


def queue_page(session: Session, f: QueueFilter, per_page: int = PER_PAGE) -> QueuePage:
    """One page of the queue, newest first, with links to the pages around it."""
    backwards = f.before is not None
    query = (
        select(
            Document.id,
            func.coalesce(Document.title, Document.file_name),
            Document.published,
            Publisher.name,
            Assignment.reviewer,
            Assignment.status,
            Assignment.note,
        )
        .outerjoin(Publisher, Publisher.id == Document.publisher_id)
        .outerjoin(Assignment, Assignment.document_id == Document.id)
        .where(*_conditions(session, f))
    )
    if f.after is not None:
        query = query.where(Document.id < f.after)
    if backwards:
        query = query.where(Document.id > f.before)
    found = session.execute(query.order_by(Document.id.asc() if backwards else Document.id.desc()).limit(per_page + 1)).all()
    more = len(found) > per_page
    found = found[:per_page][::-1] if backwards else found[:per_page]
    rows = [QueueRow(*row[:4], reviewer=row[4], review=row[5], note=row[6]) for row in found]
    for row in rows:
        if row.review == "withdrawn":
            row.reviewer = row.review = row.note = None
    counts = progress(session, [r.id for r in rows])
    for row in rows:
        row.left, row.accepted, row.rejected = counts[row.id]
    newer = more if backwards else f.after is not None
    older = True if backwards else more
    return QueuePage(rows, rows[0].id if rows and newer else None, rows[-1].id if rows and older else None)


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
        in_thread = (
            select(Claim.id)
            .join(ThreadMember, ThreadMember.claim_id == Claim.id)
            .where(Claim.document_id == doc, ThreadMember.thread_id == f.thread_id, ThreadMember.status == "active")
        )
        conditions.append(in_thread.exists())
    if f.status == "todo":
        conditions.append(candidates_left(doc))
    elif f.status == "done":
        conditions.append(and_(~candidates_left(doc), or_(_has(Claim, doc), _has(Mention, doc))))
    if f.q.strip():
        matching = fulltext.matching_documents(session, f.q.strip())
        conditions.append(false() if matching is None else doc.in_(matching))
    return conditions + _assigned(f)


def _assigned(f: QueueFilter) -> list:
    """Conditions on the document's assignment (the queue joins it, at most one per document)."""
    found = []
    live = Assignment.status != "withdrawn"
    if f.assignee and f.review != "none":
        found.append(and_(Assignment.reviewer == f.assignee, live))
    if f.review == "none":
        found.append(or_(Assignment.id.is_(None), Assignment.status == "withdrawn"))
    elif f.review == "open":
        found.append(Assignment.status.in_(("todo", "in_review")))
    elif f.review == "sent_back":
        found.append(and_(Assignment.status.in_(("todo", "in_review")), Assignment.note.is_not(None)))
    elif f.review in REVIEWS and f.review:
        found.append(Assignment.status == f.review)
    return found


def matching_ids(session: Session, f: QueueFilter, limit: int) -> list[int]:
    """Every document the filter matches (not one page), newest first, at most `limit`."""
    query = select(Document.id).outerjoin(Assignment, Assignment.document_id == Document.id).where(*_conditions(session, f))
    return list(session.execute(query.order_by(Document.id.desc()).limit(limit)).scalars())


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
        query = select(model.document_id, model.status, func.count()).where(model.document_id.in_(document_ids)).group_by(model.document_id, model.status)
        for document_id, status, n in session.execute(query):
            if status in column:
                totals[document_id][column[status]] += n
    return {i: tuple(t) for i, t in totals.items()}
