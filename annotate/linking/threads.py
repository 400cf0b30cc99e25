"""Threads: named stories that claims belong to, with a verdict per proposition over time.

Every operation is ledger decisions in one transaction, refused with a clear message when
it makes no sense (a claim already in the thread, a thread merged into itself, a stale
version). A merged thread keeps its history and says where its claims went. A verdict is set on a
proposition (the claims joined by same_event), so each of its claims in the thread
gets the same verdict, each change a decision with rationale and evidence.
"""

import json
from collections import Counter

from sqlalchemy import select
from sqlmodel import Session

from annotate.errors import Conflict, Invalid, NotFound
from annotate.linking.canonical import entity_groups, group_names
from annotate.linking.links import component, links_of
from annotate.review import limits
from annotate.review.operations import Done, Operations
from annotate.store.ledger import Change, Writer, decision_dict, history
from annotate.store.models import Claim, ClaimLink, Decision, Entity, Thread, ThreadMember

VAGUE_TYPES = {"NORP", "DATE", "QUANTITY"}  # "Russian" names no story
VERDICTS = ("unassessed", "corroborated", "contested", "refuted", "unverifiable")


class Threads(Operations):
    """A reviewer's operations on threads, each one ledger transaction; `Done.state` is the thread."""

    def create(self, name: str, claim_ids, description: str | None = None, rationale: str = "", linked: bool = False) -> Done:
        """A new thread holding these claims (with `linked`, and every claim linked to them, directly
        or through others); `changed` lists its members."""
        limits.check(name=name, description=description, rationale=rationale)
        if not name.strip():
            raise Invalid("a thread needs a name")
        with self.ledger.writer(self.actor, self.origin) as w:
            first = w.seq + 1
            ids = sorted({c for start in claim_ids for c in component(w.session, start)}) if linked else claim_ids
            thread = w.apply(Change("thread.created", "thread", set={"name": name, "description": description}, rationale=rationale))
            added = [_add(w, thread["id"], claim_id, rationale) for claim_id in dict.fromkeys(ids)]
            return Done(thread, decisions=list(range(first, w.seq + 1)), changed=added)

    def add(self, thread_id: int, claim_id: int, rationale: str = "", linked: bool = False) -> Done:
        """Add a claim (with `linked`, it and every claim linked to it) to a thread, in one transaction;
        `changed` lists the members added. Refused when they are all in the thread already."""
        limits.check(rationale=rationale)
        with self.ledger.writer(self.actor, self.origin) as w:
            thread = _open_thread(w, thread_id)
            if w.get("claim", claim_id) is None:
                raise NotFound(f"no claim with id {claim_id}")
            ids = component(w.session, claim_id) if linked else [claim_id]
            new = [c for c in ids if not _active(_member(w, thread_id, c))]
            if not new:
                what = f"claim {claim_id} and its linked claims are" if len(ids) > 1 else f"claim {claim_id} is"
                raise Invalid(f"{what} already in thread {thread_id} ({thread['name']})")
            first = w.seq + 1
            added = [_add(w, thread_id, c, rationale) for c in new]
            return Done(thread, decisions=list(range(first, w.seq + 1)), changed=added)

    def remove(self, thread_id: int, claim_id: int, base_version: int | None = None, rationale: str = "") -> Done:
        """Take a claim out of a thread; `state` is the membership, now removed."""
        limits.check(rationale=rationale)
        with self.ledger.writer(self.actor, self.origin) as w:
            member = _member(w, thread_id, claim_id)
            if not _active(member):
                raise NotFound(f"claim {claim_id} is not in thread {thread_id}")
            state = w.apply(
                Change("thread_member.removed", "thread_member", member["id"], set={"status": "removed"}, base_version=base_version, rationale=rationale)
            )
            return Done(state, decisions=[w.seq])

    def rename(self, thread_id: int, name: str, base_version: int | None = None, rationale: str = "") -> Done:
        limits.check(name=name, rationale=rationale)
        name = " ".join(name.split())
        if not name:
            raise Invalid("a thread needs a name")
        with self.ledger.writer(self.actor, self.origin) as w:
            thread = _open_thread(w, thread_id)
            if thread["name"] == name and base_version in (None, thread["version"]):
                raise Invalid(f"thread {thread_id} is already named {name!r}")
            state = w.apply(Change("thread.renamed", "thread", thread_id, set={"name": name}, base_version=base_version, rationale=rationale))
            return Done(state, decisions=[w.seq])

    def merge(self, thread_id: int, into_id: int, base_version: int | None = None, into_version: int | None = None, rationale: str = "") -> Done:
        """Move every claim of a thread into another (verdicts travel with claims new there) and mark
        the emptied thread merged; one transaction. `state` is the thread merged into."""
        limits.check(rationale=rationale)
        if thread_id == into_id:
            raise Invalid("a thread cannot be merged into itself")
        with self.ledger.writer(self.actor, self.origin) as w:
            _open_thread(w, thread_id)
            into = _open_thread(w, into_id)
            if into_version is not None and into_version != into["version"]:
                raise Conflict("thread", into_id, into_version, into, history(w.session, "thread", into_id, after_version=into_version))
            first = w.seq + 1
            w.apply(
                Change(
                    "thread.merged",
                    "thread",
                    thread_id,
                    set={"status": "merged"},
                    base_version=base_version,
                    rationale=rationale,
                    evidence=({"into": into_id},),
                )
            )
            for member in members(w.session, thread_id):
                w.apply(
                    Change("thread_member.removed", "thread_member", member.id, set={"status": "removed"}, rationale=rationale, evidence=({"into": into_id},))
                )
                if not _active(_member(w, into_id, member.claim_id)):
                    _add(w, into_id, member.claim_id, rationale, verdict=member.verdict, evidence=({"merged_from": thread_id},))
            return Done(w.get("thread", into_id), decisions=list(range(first, w.seq + 1)))

    def set_verdict(self, thread_id: int, claim_id: int, verdict: str, rationale: str = "", evidence: tuple = ()) -> Done:
        """The thread's verdict on the proposition this claim belongs to (all its same_event claims in
        the thread); `changed` lists the members whose verdict changed."""
        limits.check(verdict=verdict, rationale=rationale)
        if verdict not in VERDICTS:
            raise Invalid(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        with self.ledger.writer(self.actor, self.origin) as w:
            thread = _open_thread(w, thread_id)
            same = set(component(w.session, claim_id, ("same_event",)))
            found = [m for m in (_member(w, thread_id, c) for c in sorted(same)) if m and m["status"] == "active"]
            if not any(m["claim_id"] == claim_id for m in found):
                raise NotFound(f"claim {claim_id} is not in thread {thread_id}")
            first = w.seq + 1
            changed = [
                w.apply(Change("thread_member.verdict_set", "thread_member", m["id"], set={"verdict": verdict}, rationale=rationale, evidence=tuple(evidence)))
                for m in found
                if m["verdict"] != verdict
            ]
            return Done(thread, decisions=list(range(first, w.seq + 1)), changed=changed)


def _add(w: Writer, thread_id: int, claim_id: int, rationale: str, verdict: str | None = None, evidence: tuple = ()) -> dict:
    if w.get("claim", claim_id) is None:
        raise NotFound(f"no claim with id {claim_id}")
    member = _member(w, thread_id, claim_id)
    extra = {"verdict": verdict} if verdict else {}
    if member is None:
        values = {"thread_id": thread_id, "claim_id": claim_id, **extra}
        return w.apply(Change("thread_member.added", "thread_member", set=values, rationale=rationale, evidence=evidence))
    if member["status"] == "active":
        return member
    return w.apply(Change("thread_member.restored", "thread_member", member["id"], set={"status": "active", **extra}, rationale=rationale, evidence=evidence))


def _open_thread(w: Writer, thread_id: int) -> dict:
    thread = w.get("thread", thread_id)
    if thread is None:
        raise NotFound(f"no thread with id {thread_id}")
    if thread["status"] == "merged":
        raise Invalid(f"thread {thread_id} ({thread['name']}) was merged into another thread")
    return thread


def _active(member: dict | None) -> bool:
    return member is not None and member["status"] == "active"


def _member(w: Writer, thread_id: int, claim_id: int) -> dict | None:
    w.flush()
    t = ThreadMember.__table__
    row = w.session.execute(select(t.c.id).where(t.c.thread_id == thread_id, t.c.claim_id == claim_id)).first()
    return w.get("thread_member", row.id) if row else None


# --- reading ----------------------------------------------------------------------------


def members(session: Session, thread_id: int) -> list[ThreadMember]:
    query = select(ThreadMember).where(ThreadMember.thread_id == thread_id, ThreadMember.status == "active")
    return list(session.execute(query.order_by(ThreadMember.claim_id)).scalars())


def threads_touching(session: Session, claim_id: int) -> list[dict]:
    """Open threads that a claim linked to this one belongs to, and this one does not: offered to join."""
    partners = {x.b_id if x.a_id == claim_id else x.a_id: x.id for x in links_of(session, [claim_id])}
    if not partners:
        return []
    query = (
        select(Thread.id, Thread.name, ThreadMember.claim_id)
        .join(ThreadMember, ThreadMember.thread_id == Thread.id)
        .where(ThreadMember.claim_id.in_(list(partners)), ThreadMember.status == "active", Thread.status != "merged")
        .order_by(Thread.id, ThreadMember.claim_id)
    )
    mine = {t for (t,) in session.execute(select(ThreadMember.thread_id).where(ThreadMember.claim_id == claim_id, ThreadMember.status == "active"))}
    found: dict[int, dict] = {}
    for thread_id, name, partner in session.execute(query):
        if thread_id not in mine:
            found.setdefault(thread_id, {"id": thread_id, "name": name, "via": partner})
    return list(found.values())


def open_threads(session: Session, limit: int = 100) -> list[tuple[int, str]]:
    """Threads a claim can join, newest first."""
    query = select(Thread.id, Thread.name).where(Thread.status != "merged").order_by(Thread.id.desc()).limit(limit)
    return [tuple(row) for row in session.execute(query)]


def merged_into(session: Session, thread_id: int) -> int | None:
    """The thread this one was merged into, from the decision that merged it."""
    query = (
        select(Decision.evidence)
        .where(Decision.target_type == "thread", Decision.target_id == thread_id, Decision.action == "thread.merged")
        .order_by(Decision.seq.desc())
        .limit(1)
    )
    found = session.execute(query).scalar()
    return next((e["into"] for e in json.loads(found) if "into" in e), None) if found else None


def verdict_history(session: Session, thread_id: int) -> list[dict]:
    """Every verdict change in the thread, oldest first: who, when, why, on which claim, with what evidence."""
    ids = session.execute(select(ThreadMember.id).where(ThreadMember.thread_id == thread_id)).scalars().all()
    if not ids:
        return []
    query = select(Decision.__table__).where(Decision.target_type == "thread_member", Decision.target_id.in_(ids))
    changes = []
    for row in session.execute(query.order_by(Decision.seq)):
        d = decision_dict(row)
        before, after = d["before"] or {}, d["after"]
        if after.get("verdict") != before.get("verdict", "unassessed"):
            changes.append(
                {
                    "seq": d["seq"],
                    "at": d["at"],
                    "actor": d["actor"],
                    "origin": d["origin"],
                    "claim_id": after["claim_id"],
                    "verdict": after["verdict"],
                    "previous": before.get("verdict", "unassessed"),
                    "rationale": d["rationale"],
                    "evidence": d["evidence"],
                }
            )
    return changes


def suggest_threads(session: Session, min_size: int = 3) -> list[dict]:
    """Linked components of at least `min_size` claims, none of them in a thread yet, largest first."""
    links = session.execute(select(ClaimLink.a_id, ClaimLink.b_id).where(ClaimLink.status == "active")).all()
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for claim_id in list(parent):
        groups.setdefault(find(claim_id), []).append(claim_id)
    threaded = set(session.execute(select(ThreadMember.claim_id).where(ThreadMember.status == "active")).scalars())
    found = [sorted(g) for g in groups.values() if len(g) >= min_size and not threaded & set(g)]
    return [{"claim_ids": g, "name": suggested_name(session, g)} for g in sorted(found, key=lambda g: (-len(g), g[0]))]


def suggested_name(session: Session, claim_ids: list[int]) -> str:
    """The things the claims name most often (places, people, organisations before nationalities):
    a starting point for the reviewer's thread name."""
    lists = session.execute(select(Claim.entity_ids).where(Claim.id.in_(claim_ids))).scalars().all()
    ids = [e for entity_ids in lists for e in (entity_ids or []) if isinstance(e, int)]
    groups = entity_groups(session, ids)
    names = group_names(session, groups)
    types = dict(session.execute(select(Entity.id, Entity.type).where(Entity.id.in_(set(groups.parent)))).all())
    counts = Counter(groups.canonical(e) for e in ids)
    ranked = sorted(counts, key=lambda e: (types.get(e) in VAGUE_TYPES, -counts[e], e))
    return " / ".join(names[e] for e in ranked[:2] if e in names) or f"Story of claim {claim_ids[0]}"
