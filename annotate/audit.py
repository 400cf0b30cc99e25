"""Who changed what, when, and from what: the decisions as an auditor reads them.

`audit_log` filters the ledger by actor, action, time, and by what a decision concerns
(a document, a claim, a thread), and gives each decision its before/after diff. A
reviewer sees only their own decisions; leads and admins see everyone's.
`revert` takes a decision back with a new decision: the ledger is never rewritten.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from annotate.checkpoints import file_checkpoints, load_public_key, stored_checkpoints
from annotate.history import changed_fields
from annotate.ledger import Change, NotFound, decision_dict
from annotate.models import STATE_TABLES, Claim, ClaimLink, Decision, Dismissal, Mention, ThreadMember
from annotate.record import Record
from annotate.verify import verify

SEE_EVERYONE = ("lead", "admin")
REMOVED = {"link": "removed", "thread_member": "removed"}  # how a created object is taken back; others are withdrawn


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
    session: Session, f: AuditFilter, viewer: Viewer | None = None, newest_first: bool = True,
    limit: int | None = None, before: int | None = None,
) -> Iterator[dict]:
    """The decisions that pass `f` and that `viewer` may see, each with its changes
    (`before`: only decisions older than that sequence number, for paging)."""
    query = select(Decision.__table__).where(*conditions(f, viewer))
    if before is not None:
        query = query.where(Decision.seq < before)
    query = query.order_by(Decision.seq.desc() if newest_first else Decision.seq).limit(limit)
    for row in session.connection().execution_options(yield_per=1000).execute(query):
        yield entry(decision_dict(row))


def entry(d: dict) -> dict:
    """A decision as the audit log shows it: the diff, and which decision it reverts, if any."""
    return {
        "seq": d["seq"], "at": d["at"], "actor": d["actor"], "origin": d["origin"], "action": d["action"],
        "target_type": d["target_type"], "target_id": d["target_id"], "target_version": d["target_version"],
        "created": d["before"] is None, "reverts": _reverted(d["evidence"]), "rationale": d["rationale"],
        "changes": [{"field": n, "before": old, "after": new} for n, old, new in changed_fields(d)],
        "hash": d["hash"],
    }  # fmt: skip


def _reverted(evidence: list) -> int | None:
    """The decision this one takes back (`revert` writes "reverts", the review's undo "undoes")."""
    for e in evidence:
        if isinstance(e, dict) and (e.get("reverts") or e.get("undoes")):
            return e.get("reverts") or e.get("undoes")
    return None


CSV_COLUMNS = ["seq", "at", "actor", "origin", "action", "target_type", "target_id", "target_version",
               "changes", "rationale", "reverts", "hash"]  # fmt: skip


def flat(entry: dict) -> dict:
    """An entry for a CSV row: the changes as readable text."""
    return {**entry, "changes": describe_changes(entry["changes"])}


def describe_changes(changes: list[dict], width: int | None = None) -> str:
    """ "field: before → after" per changed field, one a line."""

    def show(value) -> str:
        text = json.dumps(value, ensure_ascii=False)
        return text if width is None or len(text) <= width else text[: width - 1] + "…"

    return "\n".join(f"{c['field']}: {show(c['before'])} → {show(c['after'])}" for c in changes)


def conditions(f: AuditFilter, viewer: Viewer | None) -> list:
    found = []
    if viewer is not None and viewer.role not in SEE_EVERYONE:
        found.append(Decision.actor == viewer.name)  # a reviewer reads their own decisions only
    if f.actor:
        found.append(Decision.actor == f.actor)
    if f.action:
        found.append(Decision.action.like(f.action.replace("*", "%")) if "*" in f.action else Decision.action == f.action)
    if f.since:
        found.append(Decision.at >= _moment(f.since))
    if f.until:
        end = _moment(f.until, end_of_day=True)
        found.append(Decision.at < end if len(f.until) == 10 else Decision.at <= end)
    if f.document is not None:
        found.append(_concerns_document(f.document))
    if f.claim is not None:
        found.append(_concerns_claims(select(Claim.id).where(Claim.id == f.claim)))
    if f.thread is not None:
        found.append(_concerns_thread(f.thread))
    return found


def _moment(text: str, end_of_day: bool = False) -> str:
    """An ISO date or time as the ledger writes times (UTC, microseconds), comparable as text."""
    if len(text) == 10:
        day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
        moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    else:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _target(kind: str, ids) -> object:
    return and_(Decision.target_type == kind, Decision.target_id.in_(ids))


def _concerns_claims(claim_ids) -> object:
    """Decisions on these claims, their links, thread memberships (verdicts) and dismissals."""
    return or_(
        _target("claim", claim_ids),
        _target("link", select(ClaimLink.id).where(or_(ClaimLink.a_id.in_(claim_ids), ClaimLink.b_id.in_(claim_ids)))),
        _target("thread_member", select(ThreadMember.id).where(ThreadMember.claim_id.in_(claim_ids))),
        _target("dismissal", select(Dismissal.id).where(or_(Dismissal.claim_id.in_(claim_ids), Dismissal.other_id.in_(claim_ids)))),
    )


def _concerns_document(document_id: int) -> object:
    return or_(
        and_(Decision.target_type == "document", Decision.target_id == document_id),
        _target("mention", select(Mention.id).where(Mention.document_id == document_id)),
        _concerns_claims(select(Claim.id).where(Claim.document_id == document_id)),
    )


def _concerns_thread(thread_id: int) -> object:
    return or_(
        and_(Decision.target_type == "thread", Decision.target_id == thread_id),
        _concerns_claims(select(ThreadMember.claim_id).where(ThreadMember.thread_id == thread_id)),
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
    return {"ok": report.ok, "size": report.size, "head": report.head, "problems": report.problems,
            "checkpoints_checked": report.checkpoints_checked, "last_checkpoint": last}  # fmt: skip


# --- reverting ------------------------------------------------------------------------


def revert(record: Record, seq: int, actor: str, origin: str, rationale: str = "") -> dict:
    """Take decision `seq` back with a new decision that restores the values it changed.

    A created object cannot be un-created: it is withdrawn (or removed, for links and
    thread memberships). A later decision on the same object makes the revert stale
    (ledger.Conflict names it): revert that one first, or decide afresh.
    """
    with record.ledger.writer(actor, origin) as w:
        w.flush()
        row = w.session.execute(select(Decision.__table__).where(Decision.seq == seq)).first()
        if row is None:
            raise NotFound(f"no decision #{seq}")
        d = decision_dict(row)
        if d["before"] is None:
            if "status" not in STATE_TABLES[d["target_type"]].model_fields:
                raise ValueError(f"decision #{seq} created {d['target_type']} {d['target_id']}, which has no status to withdraw")
            restore = {"status": REMOVED.get(d["target_type"], "withdrawn")}
        else:
            restore = {name: old for name, old, _ in changed_fields(d)}
        why = f"reverts #{seq} ({d['action']} by {d['actor']})" + (f": {rationale}" if rationale else "")
        return w.apply(Change(f"{d['target_type']}.reverted", d["target_type"], d["target_id"], restore,
                              base_version=d["target_version"], rationale=why, evidence=({"reverts": seq},)))  # fmt: skip
