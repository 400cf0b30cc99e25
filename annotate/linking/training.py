"""Examples for the pair judge and the relation model: from gold links or reviewers' decisions.

For each claim that has a link, its candidate pool (suggest.pool) gives one example per
candidate: positive when the pair is linked, negative otherwise (and always negative when
a reviewer dismissed it). Stories — for leave-one-story-out checks — are the connected
components of the linked documents: found from the links themselves, never from names.
"""

from sqlalchemy import text
from sqlmodel import Session

from annotate.linking.suggest import pool


def pools(session: Session, claim_ids) -> dict[int, list[tuple]]:
    """Each claim's candidate pool, its linked and dismissed claims kept in: they are the examples."""
    return {c: pool(session, c, keep_decided=True) for c in sorted(set(claim_ids))}


def examples(found: dict[int, list[tuple]], linked: set[frozenset], dismissed: set[frozenset] = frozenset()):
    """(judge inputs, labels, query claim of each row) over the given pools."""
    rows, labels, owners = [], [], []
    for claim_id, candidates in found.items():
        for _, me, other, _, inputs in candidates:
            pair = frozenset((me.id, other.id))
            rows.append(inputs)
            labels.append(1 if pair in linked and pair not in dismissed else 0)
            owners.append(claim_id)
    return rows, labels, owners


def components(pairs) -> dict:
    """Each node's component (its smallest member), over undirected pairs."""
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def recorded_decisions(session: Session) -> tuple[set[frozenset], set[frozenset], list[dict]]:
    """Reviewers' active links and dismissed suggestions as unordered claim pairs, and the links as rows."""
    links = session.execute(text("SELECT a_id, b_id, relation FROM claimlink WHERE status = 'active'")).all()
    dismissed = session.execute(text("SELECT claim_id, other_id FROM dismissal")).all()
    rows = [{"a_claim": a, "b_claim": b, "relation": r} for a, b, r in links]
    return {frozenset((a, b)) for a, b, _ in links}, {frozenset(p) for p in dismissed}, rows
