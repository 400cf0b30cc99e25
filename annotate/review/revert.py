"""Taking decisions back. Undo in the workbench and revert in the audit log are this one mechanism.

A decision is taken back with new decisions (the ledger never forgets): the fields it
changed get their values from before it, and an object it created is withdrawn (links and
thread memberships are removed). An action that wrote several decisions (an entity merge,
a mention with its new entity, a bulk accept, a metadata correction with the claims it
re-dated) tags each with `{"group": <first seq>}` in its evidence, and is taken back whole,
last decision first, however many decisions it wrote. A later decision on the same object
makes it stale: `Conflict` names who changed it since.
"""

from sqlalchemy import select

from annotate.errors import Invalid, NotFound
from annotate.review import policy
from annotate.store.history import changed_fields
from annotate.store.kinds import reverted_kind
from annotate.store.ledger import Change, Writer, decision_dict
from annotate.store.models import STATE_TABLES, Decision

REMOVED = {"link": "removed", "thread_member": "removed"}  # how a created object is taken back; others are withdrawn
PAGE = 200  # decisions read at a time while following an action (its decisions are consecutive)


def take_back(w: Writer, seq: int, role: str, rationale: str = "", types: tuple[str, ...] | None = None) -> list[dict]:
    """Take back decision `seq` and the rest of its action in `w`'s transaction; the new states.
    `types` limits which kinds of object may be taken back (the workbench's undo: its own)."""
    head = decision(w, seq)
    policy.require_may_take_back(role, w.actor, head["actor"])
    states = []
    for d in reversed(group_of(w, head)):
        if types is not None and d["target_type"] not in types:
            raise Invalid(f"decision #{d['seq']} ({d['action']}) cannot be taken back here: use the audit log")
        states.append(w.apply(reversal(d, rationale)))
    return states


def reversal(d: dict, rationale: str = "") -> Change:
    """The change that takes back one decision."""
    if d["before"] is None:
        if "status" not in STATE_TABLES[d["target_type"]].model_fields:
            raise Invalid(f"decision #{d['seq']} created {d['target_type']} {d['target_id']}, which has no status to withdraw")
        restore = {"status": REMOVED.get(d["target_type"], "withdrawn")}
    else:
        restore = {name: old for name, old, _ in changed_fields(d)}
    why = f"reverts #{d['seq']} ({d['action']} by {d['actor']})" + (f": {rationale}" if rationale else "")
    return Change(
        reverted_kind(d["target_type"]),
        d["target_type"],
        d["target_id"],
        restore,
        base_version=d["target_version"],
        rationale=why,
        evidence=({"reverts": d["seq"]},),
    )


def reverted_seq(evidence: list) -> int | None:
    """The decision a decision takes back, if it does (older undos wrote "undoes")."""
    for e in evidence:
        if isinstance(e, dict) and (e.get("reverts") or e.get("undoes")):
            return e.get("reverts") or e.get("undoes")
    return None


def decision(w: Writer, seq: int) -> dict:
    w.flush()
    row = w.session.execute(select(Decision.__table__).where(Decision.seq == seq)).first()
    if row is None:
        raise NotFound(f"no decision #{seq}")
    return decision_dict(row)


def group_of(w: Writer, head: dict) -> list[dict]:
    """The decisions written by the same action as `head`: consecutive from the group's first,
    each tagged with the group, by the same actor; read page by page until one is not."""
    group = next((e["group"] for e in head["evidence"] if isinstance(e, dict) and "group" in e), None)
    if group is None:
        return [head]
    members: list[dict] = []
    while True:
        page = select(Decision.__table__).where(Decision.seq >= group + len(members)).order_by(Decision.seq).limit(PAGE)
        rows = [decision_dict(r) for r in w.session.execute(page)]
        for d in rows:
            if {"group": group} not in d["evidence"] or d["actor"] != head["actor"]:
                return members
            members.append(d)
        if len(rows) < PAGE:
            return members
