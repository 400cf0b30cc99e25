"""Where a document's review stands: to do → in review → done → approved (or sent back).

The states live in the `assignment` table (a projection of `assignment.*` decisions, one row
per assigned document). This module holds the names and the one transition every review
operation makes: the assigned reviewer's first decision in a document to do starts its review
(`begin`), in the same transaction as that decision.
"""

from datetime import datetime

from sqlmodel import col, select

from annotate.store.ledger import Change, Writer, utc_now
from annotate.store.models import Assignment

STATES = ("todo", "in_review", "done", "approved")
OPEN = ("todo", "in_review")
WITHDRAWN = "withdrawn"  # a reverted assignment: the document is on nobody's queue
WORDS = {"todo": "to do", "in_review": "in review", "done": "done", "approved": "approved", WITHDRAWN: "not assigned"}


def current(w: Writer, document_id: int) -> dict | None:
    """The document's assignment as this transaction sees it (None: never assigned)."""
    found = w.session.execute(select(col(Assignment.id)).where(col(Assignment.document_id) == document_id)).scalar()
    return None if found is None else w.get("assignment", found)


def begin(w: Writer, document_ids, actor: str) -> None:
    """The assigned reviewer decided something in these documents: a document to do is now in review."""
    for document_id in dict.fromkeys(document_ids):
        found = current(w, document_id)
        if found and found["status"] == "todo" and found["reviewer"] == actor:
            w.apply(Change("assignment.started", "assignment", found["id"], {"status": "in_review", "started_at": utc_now()}, found["version"]))


def seconds_between(start: str | None, end: str) -> float:
    if not start:
        return 0.0
    return max(0.0, (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
