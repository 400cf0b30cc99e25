"""Who changed what, when, and from what: the decisions as an auditor reads them.

`audit_log` filters the ledger by actor, action, time, and by what a decision concerns
(a document, a claim, a thread), and gives each decision its before/after diff. A
reviewer sees only their own decisions; leads and admins see everyone's.
Taking a decision back is `Review.revert` (annotate/review/operations.py).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Integer, Select, and_, any_, case, false, func, or_, select, true
from sqlmodel import Session

from annotate.errors import Invalid
from annotate.review import policy
from annotate.review.revert import reverted_seq
from annotate.store.checkpoints import (
    file_checkpoints,
    load_public_key,
    stored_checkpoints,
)
from annotate.store.history import changed_fields
from annotate.store.kinds import canonical, names_of, words
from annotate.store.ledger import decision_dict
from annotate.store.models import (
    Assignment,
    Claim,
    ClaimLink,
    Decision,
    Dismissal,
    Mention,
    ThreadMember,
)
from annotate.store.record import Record
from annotate.store.verify import verify


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None  # exact, or with * as a wildcard ("claim.*")
    since: str | None = None  # ISO date or time, inclusive
    until: str | None = None  # ISO date (the whole day) or time, inclusive
    document: int | None = None
    claim: int | None = None
    thread: int | None = None


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str  # reviewer | lead | admin


def audit_log(
    session: Session,
    f: AuditFilter,
    viewer: Viewer | None = None,
    newest_first: bool = True,
    limit: int | None = None,
    before: int | None = None,
) -> Iterator[dict]:
    """The decisions that pass `f` and that `viewer` may see, each with its changes
    (`before`: only decisions older than that sequence number, for paging)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    query = select(Decision.__table__).where(*conditions(f, viewer, postgres), *time_window(session, f))
    if before is not None:
        query = query.where(Decision.seq < before)
    # The ledger is walked in seq order, through the primary key or a user's or action's index; the
    # decisions on a document, claim or thread are looked up by target instead, then sorted.
    seq = _unindexed(Decision.seq) if by_target(f) else Decision.seq
    query = query.order_by(seq.desc() if newest_first else seq).limit(limit)
    for row in session.connection().execute(query.execution_options(yield_per=1000)):  # this query's option, not the session's
        yield entry(decision_dict(row))


def entry(d: dict) -> dict:
    """A decision as the audit log shows it: the diff, and which decision it reverts, if any."""
    return {
        "seq": d["seq"],
        "at": d["at"],
        "actor": d["actor"],
        "origin": d["origin"],
        "action": canonical(d["action"]),
        "what": words(d["action"]),
        "target_type": d["target_type"],
        "target_id": d["target_id"],
        "target_version": d["target_version"],
        "created": d["before"] is None,
        "reverts": reverted_seq(d["evidence"]),
        "rationale": d["rationale"],
        "changes": [{"field": n, "before": old, "after": new} for n, old, new in changed_fields(d)],
        "hash": d["hash"],
    }


CSV_COLUMNS = ["seq", "at", "actor", "origin", "action", "target_type", "target_id", "target_version", "changes", "rationale", "reverts", "hash"]


def flat(entry: dict) -> dict:
    """An entry for a CSV row: the changes as readable text."""
    return {**entry, "changes": describe_changes(entry["changes"])}


def describe_changes(changes: list[dict], width: int | None = None) -> str:
    """ "field: before → after" per changed field, one a line."""

    def show(value) -> str:
        text = json.dumps(value, ensure_ascii=False)
        return text if width is None or len(text) <= width else text[: width - 1] + "…"

    return "\n".join(f"{c['field']}: {show(c['before'])} → {show(c['after'])}" for c in changes)


def conditions(f: AuditFilter, viewer: Viewer | None, postgres: bool = False) -> list:
    # With a document, claim or thread the user and action are tested on its decisions, not offered
    # to the planner as a walk of their index.
    tested = _unindexed if by_target(f) else (lambda column: column)  # noqa: E731
    found = []
    if viewer is not None and not policy.sees_everyone(viewer.role):
        found.append(tested(Decision.actor) == viewer.name)  # a reviewer reads their own decisions only
    if f.actor:
        found.append(tested(Decision.actor) == f.actor)
    if f.action:
        action = tested(Decision.action)
        found.append(action.like(f.action.replace("*", "%")) if "*" in f.action else action.in_(names_of(canonical(f.action))))
    # Times are tested on the walk too: sorting a wide range found through the index on `at` costs
    # seconds (time_window confines the walk to a narrow range's span).
    found += time_bounds(f, _unindexed(Decision.at))
    if f.document is not None:
        found.append(_concerns_document(f.document, postgres))
    if f.claim is not None:
        found.append(_concerns_claims(select(Claim.id).where(Claim.id == f.claim), postgres))
    if f.thread is not None:
        found.append(_concerns_thread(f.thread, postgres))
    return found


def by_target(f: AuditFilter) -> bool:
    return f.document is not None or f.claim is not None or f.thread is not None


def _unindexed(column) -> object:
    """The column's value as an expression no index offers, so the planner finds rows another way."""
    return column + 0 if isinstance(column.type, Integer) else column.concat("")


def time_bounds(f: AuditFilter, at) -> list:
    """`since` and `until` as conditions on `at` (the column, or an expression of it)."""
    found = []
    if f.since:
        found.append(at >= _moment(f.since))
    if f.until:
        end = _moment(f.until, end_of_day=True)
        found.append(at < end if len(f.until) == 10 else at <= end)
    return found


# Decisions a date range may hold to be looked up in the index on `at` before the walk. SQLite
# reads that index alone (it holds the seq); PostgreSQL also visits each row, so less there.
WINDOW = {"sqlite": 300_000, "postgresql": 50_000}


def time_window(session: Session, f: AuditFilter) -> list:
    """A narrow date range as the span of sequence numbers it covers, so the walk in seq order
    reads that span only (exact: every decision in the range lies in the span).

    The range is read in `at` order through its index, WINDOW + 1 entries at most. SQLite stops
    at the range's far end; PostgreSQL is given the near end only and the far one is tested on
    what it read, since given both it may sort the whole range first."""
    if not (f.since or f.until):
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    size = WINDOW["sqlite" if sqlite else "postgresql"]
    bounds = time_bounds(f, Decision.at)  # since, until
    head = select(Decision.seq, Decision.at).where(*(bounds if sqlite else bounds[:1]))
    head = head.order_by(Decision.at if f.since else Decision.at.desc()).limit(size + 1).subquery()
    inside = and_(true(), *time_bounds(f, head.c.at)[1:])
    seq = case((inside, head.c.seq))
    read, found, low, high = session.connection().execute(select(func.count(), func.count(seq), func.min(seq), func.max(seq))).one()
    if read > size and found == read:
        return []  # a wide range: walking in seq order finds a page of it sooner than sorting it
    return [Decision.seq.between(low, high)] if found else [false()]


def _moment(text: str, end_of_day: bool = False) -> str:
    """An ISO date or time as the ledger writes times (UTC, microseconds), comparable as text."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{text!r} is not an ISO date or time (2024-05-20 or 2024-05-20T14:00Z)") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _among(column, ids: Select, postgres: bool) -> object:
    """column IN (ids). PostgreSQL is given = ANY(ARRAY(ids)): it then computes the few ids
    first and looks each up in an index, where with IN it walks the whole ledger testing each row."""
    return column == any_(func.array(ids.scalar_subquery())) if postgres else column.in_(ids)


def _target(kind: str, ids: Select, postgres: bool) -> object:
    return and_(Decision.target_type == kind, _among(Decision.target_id, ids, postgres))


def _concerns_claims(claim_ids: Select, postgres: bool) -> object:
    """Decisions on these claims, their links, thread memberships (verdicts) and dismissals."""
    among = lambda column: _among(column, claim_ids, postgres)  # noqa: E731
    return or_(
        _target("claim", claim_ids, postgres),
        _target("link", select(ClaimLink.id).where(or_(among(ClaimLink.a_id), among(ClaimLink.b_id))), postgres),
        _target("thread_member", select(ThreadMember.id).where(among(ThreadMember.claim_id)), postgres),
        _target("dismissal", select(Dismissal.id).where(or_(among(Dismissal.claim_id), among(Dismissal.other_id))), postgres),
    )


def _concerns_document(document_id: int, postgres: bool) -> object:
    return or_(
        and_(Decision.target_type == "document", Decision.target_id == document_id),
        _target("assignment", select(Assignment.id).where(Assignment.document_id == document_id), postgres),
        _target("mention", select(Mention.id).where(Mention.document_id == document_id), postgres),
        _concerns_claims(select(Claim.id).where(Claim.document_id == document_id), postgres),
    )


def _concerns_thread(thread_id: int, postgres: bool) -> object:
    return or_(
        and_(Decision.target_type == "thread", Decision.target_id == thread_id),
        _concerns_claims(select(ThreadMember.claim_id).where(ThreadMember.thread_id == thread_id), postgres),
    )


# --- the chain's health, for the log's header -----------------------------------------


def chain_status(record: Record) -> dict:
    """Does the hash chain verify (with its signed checkpoints), and what was the last checkpoint?"""
    settings = record.settings
    key = settings.resolved_key_file
    public = load_public_key(key) if key.exists() else None
    with record.session() as session:
        checkpoints = stored_checkpoints(session)
    report = verify(record.engine, public, checkpoints + file_checkpoints(settings.checkpoint_file), check_state=False)
    last = checkpoints[-1] if checkpoints else None
    return {
        "ok": report.ok,
        "size": report.size,
        "head": report.head,
        "problems": report.problems,
        "checkpoints_checked": report.checkpoints_checked,
        "last_checkpoint": last,
    }
