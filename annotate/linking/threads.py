"""Threads: named stories that claims belong to, with a verdict per proposition over time.

Every operation is ledger decisions in one transaction. A verdict is set on a
proposition (the claims joined by same_event), so each of its claims in the thread
gets the same verdict, each change a decision with rationale and evidence.
"""

from collections import Counter

from sqlalchemy import select
from sqlmodel import Session

from annotate.errors import Invalid, NotFound
from annotate.linking.canonical import entity_groups, group_names
from annotate.linking.links import component
from annotate.store.ledger import Change, Ledger, Writer, decision_dict
from annotate.store.models import Claim, ClaimLink, Decision, Entity, ThreadMember

VAGUE_TYPES = {"NORP", "DATE", "QUANTITY"}  # "Russian" names no story
VERDICTS = ("unassessed", "corroborated", "contested", "refuted", "unverifiable")


def create_thread(ledger: Ledger, name: str, claim_ids, actor: str, origin: str,
                  description: str | None = None, rationale: str = "") -> dict:  # fmt: skip
    """A new thread holding these claims."""
    if not name.strip():
        raise Invalid("a thread needs a name")
    with ledger.writer(actor, origin) as w:
        thread = w.apply(Change("thread.created", "thread", set={"name": name, "description": description}, rationale=rationale))
        for claim_id in dict.fromkeys(claim_ids):
            _add(w, thread["id"], claim_id, rationale)
    return thread


def thread_from_claim(ledger: Ledger, claim_id: int, name: str, actor: str, origin: str,
                      description: str | None = None, rationale: str = "") -> dict:  # fmt: skip
    """A thread from one claim and every claim linked to it, directly or through others."""
    with Session(ledger.engine) as session:
        claim_ids = component(session, claim_id)
    return create_thread(ledger, name, claim_ids, actor, origin, description, rationale)


def add_claim(ledger: Ledger, thread_id: int, claim_id: int, actor: str, origin: str, rationale: str = "") -> dict:
    with ledger.writer(actor, origin) as w:
        if w.get("thread", thread_id) is None:
            raise NotFound(f"no thread with id {thread_id}")
        return _add(w, thread_id, claim_id, rationale)


def remove_claim(ledger: Ledger, thread_id: int, claim_id: int, actor: str, origin: str, rationale: str = "") -> dict:
    with ledger.writer(actor, origin) as w:
        member = _member(w, thread_id, claim_id)
        if member is None or member["status"] != "active":
            raise NotFound(f"claim {claim_id} is not in thread {thread_id}")
        return w.apply(Change("thread_member.removed", "thread_member", member["id"], set={"status": "removed"}, rationale=rationale))


def set_verdict(ledger: Ledger, thread_id: int, claim_id: int, verdict: str, actor: str, origin: str,
                rationale: str = "", evidence: tuple = ()) -> list[dict]:  # fmt: skip
    """The thread's verdict on the proposition this claim belongs to (all its same_event claims in the thread)."""
    if verdict not in VERDICTS:
        raise Invalid(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    with ledger.writer(actor, origin) as w:
        same = set(component(w.session, claim_id, ("same_event",)))
        members = [m for m in (_member(w, thread_id, c) for c in sorted(same)) if m and m["status"] == "active"]
        if not any(m["claim_id"] == claim_id for m in members):
            raise NotFound(f"claim {claim_id} is not in thread {thread_id}")
        return [w.apply(Change("thread_member.verdict_set", "thread_member", m["id"], set={"verdict": verdict},
                               rationale=rationale, evidence=tuple(evidence)))
                for m in members if m["verdict"] != verdict]  # fmt: skip


def _add(w: Writer, thread_id: int, claim_id: int, rationale: str) -> dict:
    if w.get("claim", claim_id) is None:
        raise NotFound(f"no claim with id {claim_id}")
    member = _member(w, thread_id, claim_id)
    if member is None:
        return w.apply(Change("thread_member.added", "thread_member", set={"thread_id": thread_id, "claim_id": claim_id}, rationale=rationale))
    if member["status"] == "active":
        return member
    return w.apply(Change("thread_member.restored", "thread_member", member["id"], set={"status": "active"}, rationale=rationale))


def _member(w: Writer, thread_id: int, claim_id: int) -> dict | None:
    w.flush()
    t = ThreadMember.__table__
    row = w.session.execute(select(t.c.id).where(t.c.thread_id == thread_id, t.c.claim_id == claim_id)).first()
    return w.get("thread_member", row.id) if row else None


# --- reading ----------------------------------------------------------------------------


def members(session: Session, thread_id: int) -> list[ThreadMember]:
    query = select(ThreadMember).where(ThreadMember.thread_id == thread_id, ThreadMember.status == "active")
    return list(session.execute(query.order_by(ThreadMember.claim_id)).scalars())


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
            changes.append({"seq": d["seq"], "at": d["at"], "actor": d["actor"], "origin": d["origin"],
                            "claim_id": after["claim_id"], "verdict": after["verdict"],
                            "previous": before.get("verdict", "unassessed"), "rationale": d["rationale"],
                            "evidence": d["evidence"]})  # fmt: skip
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
