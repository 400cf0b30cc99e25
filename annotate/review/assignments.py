"""The lead's side of the review desk: assigning documents, and a document's review from to do to approved.

A lead (or admin) assigns documents — one, a selection, or everything a queue filter matches —
to a reviewer; the reviewer's first decision in a document starts its review
(annotate/review/review_states.py); the reviewer marks it done; a lead approves it or sends it
back with a note, to the same reviewer or another. Each step is one ledger decision on the
document's `assignment`, so the queue, the audit log and `claimtrail history --kind assignment`
all read it from the record.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, and_, cast, func, or_
from sqlalchemy import select as select_columns  # sqlmodel's select types at most four columns
from sqlmodel import Session, col, select

from annotate.errors import Forbidden, Invalid, NotFound, TooLarge
from annotate.review import limits, policy
from annotate.review.operations import Done, Operations
from annotate.review.queue import QueueFilter, candidates_left, matching_ids
from annotate.review.review_states import OPEN, WITHDRAWN, WORDS, current, seconds_between
from annotate.store.ledger import Change, Writer, history, utc_now
from annotate.store.models import Assignment, Claim, Decision, Document, Mention, User

AT_ONCE = 10_000  # documents one assignment may move (a queue filter matching more is refused)


class Assignments(Operations):
    """Assignment operations, each recorded under `actor` with its `origin` (ui, api, cli) and checked against `role`."""

    def assign(self, document_ids: Iterable[int], reviewer: str, rationale: str = "") -> Done:
        """Put documents on `reviewer`'s queue, to do; a document already there is left as it is."""
        policy.require_lead(self.role, "assigning documents")
        limits.check(rationale=rationale)
        ids = list(dict.fromkeys(int(i) for i in document_ids))
        if not ids:
            raise Invalid("no documents to assign: tick some, or choose a filter that matches some")
        if len(ids) > AT_ONCE:
            raise TooLarge(f"{len(ids):,} documents at once; at most {AT_ONCE:,}: narrow the filter")
        with self.ledger.writer(self.actor, self.origin) as w:
            name = _reviewer(w, reviewer)
            first, kept, state = w.seq + 1, 0, {}
            existing = _existing(w, ids)
            for document_id in ids:
                found = existing.get(document_id)
                if found is None:
                    state = w.apply(
                        Change(
                            "assignment.made",
                            "assignment",
                            set={
                                "document_id": document_id,
                                "reviewer": name,
                                "status": "todo",
                                "assigned_by": self.actor,
                            },
                            rationale=rationale,
                        )
                    )
                elif found["reviewer"] == name and found["status"] != WITHDRAWN:
                    kept += 1
                else:
                    state = w.apply(
                        Change(
                            "assignment.made",
                            "assignment",
                            found["id"],
                            {
                                "reviewer": name,
                                "status": "todo",
                                "assigned_by": self.actor,
                                "note": None,
                                "started_at": None,
                                "done_at": None,
                                **_moved(w, found, name),
                            },
                            found["version"],
                            rationale,
                        )
                    )
            warnings = [f"{kept} already on {name}'s queue: left as they were"] if kept else []
            return Done(state, warnings, list(range(first, w.seq + 1)))

    def assign_matching(self, session: Session, f: QueueFilter, reviewer: str, rationale: str = "") -> Done:
        """Assign every document the queue filter `f` matches (not only the page shown)."""
        policy.require_lead(self.role, "assigning documents")
        ids = matching_ids(session, f, AT_ONCE + 1)
        session.close()
        return self.assign(ids, reviewer, rationale)

    def done(self, document_id: int, base_version: int | None = None, rationale: str = "") -> Done:
        """The reviewer (or a lead) says the document is reviewed."""
        limits.check(rationale=rationale)
        with self.ledger.writer(self.actor, self.origin) as w:
            found = _assignment(w, document_id)
            if found["reviewer"] != self.actor and not policy.is_lead(self.role):
                raise Forbidden(f"document {document_id} is on {found['reviewer']}'s queue: only they or a lead can mark it done")
            if found["status"] not in OPEN:
                raise Invalid(f"document {document_id} is {WORDS[found['status']]} already")
            base_version = _past_own_start(w, found, base_version)
            now = utc_now()
            seconds = found["seconds"] + seconds_between(found["started_at"], now)
            state = w.apply(
                Change(
                    "assignment.done",
                    "assignment",
                    found["id"],
                    {
                        "status": "done",
                        "done_at": now,
                        "seconds": seconds,
                        "rounds": found["rounds"] + 1,
                    },
                    base_version,
                    rationale,
                )
            )
            left = _left(w, document_id)
            warnings = [f"{left} candidate{'s' if left != 1 else ''} still undecided"] if left else []
            return Done(state, warnings, [w.seq])

    def approve(self, document_id: int, base_version: int | None = None, rationale: str = "") -> Done:
        """A lead approves a document its reviewer marked done."""
        policy.require_lead(self.role, "approving a review")
        limits.check(rationale=rationale)
        with self.ledger.writer(self.actor, self.origin) as w:
            found = _assignment(w, document_id)
            if found["status"] != "done":
                raise Invalid(f"document {document_id} is {WORDS[found['status']]}: only a document marked done can be approved")
            state = w.apply(Change("assignment.approved", "assignment", found["id"], {"status": "approved", "note": None}, base_version, rationale))
            return Done(state, decisions=[w.seq])

    def send_back(self, document_id: int, note: str, reviewer: str | None = None, base_version: int | None = None) -> Done:
        """A lead sends a done (or approved) document back, with a note, to its reviewer or another."""
        policy.require_lead(self.role, "sending a review back")
        note = (note or "").strip()
        if not note:
            raise Invalid("say what needs another look: a note is required to send a document back")
        limits.check(rationale=note)
        with self.ledger.writer(self.actor, self.origin) as w:
            found = _assignment(w, document_id)
            if found["status"] not in ("done", "approved"):
                raise Invalid(f"document {document_id} is {WORDS[found['status']]}: only a reviewed document can be sent back")
            name = _reviewer(w, reviewer) if reviewer else found["reviewer"]
            state = w.apply(
                Change(
                    "assignment.sent_back",
                    "assignment",
                    found["id"],
                    {
                        "status": "todo",
                        "reviewer": name,
                        "note": note,
                        "started_at": None,
                        "done_at": None,
                        **_moved(w, found, name),
                    },
                    base_version,
                    note,
                )
            )
            return Done(state, decisions=[w.seq])


def _past_own_start(w: Writer, found: dict, base_version: int | None) -> int | None:
    """The version to check a "done" against: a page shown before the reviewer's own first decision
    started the review is not stale for that (the start changed nothing they need to see)."""
    if base_version is None or base_version == found["version"]:
        return base_version
    since = history(w.session, "assignment", found["id"], after_version=base_version)
    if since and all(d["action"] == "assignment.started" and d["actor"] == w.actor for d in since):
        return found["version"]
    return base_version


def _moved(w: Writer, found: dict, to: str) -> dict:
    """The time fields of a document moving from its reviewer to `to`: what the one before spent on
    it (rounds they finished, and a round in review up to their own last decision in the document,
    not up to the move) stays under their name in `earlier`; the next reviewer's time starts at zero."""
    if found["reviewer"] == to or found["status"] == WITHDRAWN:
        return {}
    seconds, rounds = found["seconds"], found["rounds"]
    if found["status"] == "in_review":
        seconds += seconds_between(found["started_at"], _last_own_decision(w, found["document_id"], found["reviewer"], found["started_at"]))
        rounds += 1  # a round cut short still counts as a document they worked on
    earlier = dict(found["earlier"] or {})
    if seconds or rounds:
        before = earlier.get(found["reviewer"], [0.0, 0])
        earlier[found["reviewer"]] = [before[0] + seconds, before[1] + rounds]
    return {"earlier": earlier, "seconds": 0.0, "rounds": 0}


def _last_own_decision(w: Writer, document_id: int, reviewer: str, since: str) -> str:
    """When `reviewer` last decided something in the document (its candidates or its metadata) since `since`."""
    in_document = or_(
        and_(col(Decision.target_type) == "claim", col(Decision.target_id).in_(select(col(Claim.id)).where(col(Claim.document_id) == document_id))),
        and_(col(Decision.target_type) == "mention", col(Decision.target_id).in_(select(col(Mention.id)).where(col(Mention.document_id) == document_id))),
        and_(col(Decision.target_type) == "document", col(Decision.target_id) == document_id),
    )
    query = select_columns(func.max(col(Decision.at))).where(col(Decision.actor) == reviewer, col(Decision.at) >= since, in_document)
    return w.session.execute(query).scalar() or since


def _reviewer(w: Writer, name: str) -> str:
    name = " ".join(str(name or "").split())
    found = w.session.execute(select(col(User.name), col(User.active)).where(col(User.name) == name)).first()
    if found is None:
        raise NotFound(f"no user called {name!r} to assign documents to")
    if not found.active:
        raise Invalid(f"{name} is deactivated: choose an active reviewer")
    return found.name


def _existing(w: Writer, ids: list[int]) -> dict[int, dict]:
    """{document id: its assignment} for the documents that have one; refuses an unknown document."""
    found: dict[int, dict] = {}
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        known: set[int] = set(w.session.execute(select(col(Document.id)).where(col(Document.id).in_(chunk))).scalars())
        missing = [i for i in chunk if i not in known]
        if missing:
            raise NotFound(f"no document with id {missing[0]}")
        query = select(col(Assignment.id), col(Assignment.document_id)).where(col(Assignment.document_id).in_(chunk))
        for assignment_id, document_id in w.session.exec(query):
            found[document_id] = w.get("assignment", int(assignment_id or 0)) or {}  # an id read from the table: never None
    return found


def _assignment(w: Writer, document_id: int) -> dict:
    found = current(w, document_id)
    if found is None or found["status"] == WITHDRAWN:
        if w.get("document", document_id) is None:
            raise NotFound(f"no document with id {document_id}")
        raise Invalid(f"document {document_id} is not assigned to anyone: a lead assigns it first")
    return found


def _left(w: Writer, document_id: int) -> int:
    w.flush()
    query = select(func.count()).where(candidates_left(col(Document.id)), col(Document.id) == document_id)
    return int(w.session.execute(query).scalar() or 0)


# --- reading ---------------------------------------------------------------------------


def of_document(session: Session, document_id: int) -> Assignment | None:
    found = session.execute(select(Assignment).where(col(Assignment.document_id) == document_id)).scalar()
    return None if found is None or found.status == WITHDRAWN else found


def open_count(session: Session, reviewer: str) -> int:
    """Documents waiting on `reviewer`: to do or in review."""
    query = select(func.count()).select_from(Assignment).where(col(Assignment.reviewer) == reviewer, col(Assignment.status).in_(OPEN))
    return int(session.execute(query).scalar() or 0)


@dataclass
class ReviewerRow:
    name: str
    role: str
    todo: int = 0
    in_review: int = 0
    done: int = 0  # marked done, waiting for a lead
    approved: int = 0
    sent_back: int = 0  # open again after a lead sent it back
    decisions: int = 0  # every decision this person made
    seconds: float = 0.0  # time in review they spent, on documents they have or had
    finished: int = 0  # rounds they finished (marked done) or were in when the document moved on: the time's documents

    @property
    def per_document(self) -> float | None:
        return self.seconds / self.finished if self.finished else None


def dashboard(session: Session) -> list[ReviewerRow]:
    """Per reviewer: documents by state, decisions made, time in review per document (start to done),
    each reviewer's time their own, also on documents that moved on to someone else."""
    users = session.exec(select(col(User.name), col(User.role)).where(col(User.active).is_(True)).order_by(col(User.name)))
    rows = {name: ReviewerRow(name, role) for name, role in users}
    noted_column = col(Assignment.note).is_not(None)
    query = (
        select_columns(
            col(Assignment.reviewer), col(Assignment.status), noted_column, func.count(), func.sum(col(Assignment.seconds)), func.sum(col(Assignment.rounds))
        )
        .where(col(Assignment.status) != WITHDRAWN)
        .group_by(col(Assignment.reviewer), col(Assignment.status), noted_column)
    )
    for found in session.execute(query):
        reviewer, status, n = str(found[0]), str(found[1]), int(found[3])
        row = rows.setdefault(reviewer, ReviewerRow(reviewer, "(inactive)"))
        setattr(row, status, getattr(row, status) + n)
        if found[2] and status in OPEN:
            row.sent_back += n
        row.seconds += float(found[4] or 0)
        row.finished += int(found[5] or 0)
    moved = cast(col(Assignment.earlier), String) != "{}"  # the few documents that changed hands
    handed: list[dict[str, list]] = list(session.execute(select_columns(col(Assignment.earlier)).where(moved)).scalars())
    for earlier in handed:
        for name, spent in earlier.items():  # {reviewer: [seconds, rounds]}
            row = rows.setdefault(name, ReviewerRow(name, "(inactive)"))
            row.seconds += float(spent[0])
            row.finished += int(spent[1])
    for row in rows.values():
        mine = select(func.count()).select_from(Decision).where(col(Decision.actor) == row.name)
        row.decisions = int(session.execute(mine).scalar() or 0)
    return [r for r in rows.values() if r.role != "(inactive)" or r.todo + r.in_review + r.done + r.approved]
