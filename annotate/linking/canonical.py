"""Which entity rows name the same thing: merges (merged_into) and shared names or aliases.

Kupyansk and Kupiansk are one place whether a reviewer merged the two rows or one row
lists the other spelling as an alias; either way their claims should meet. Groups are
found by union-find over the entity table and the `entity_key` index (alembic 0002).
"""

from collections.abc import Iterable

from sqlalchemy import text
from sqlmodel import Session

ROUNDS = 3  # merge chains and alias hops followed; longer chains are not worth a query each
KEY_ROWS = 2000  # bound on rows read per alias lookup, for names shared by very many rows


class Groups:
    """Union-find over entity ids; `canonical(id)` names each group by its smallest id."""

    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, i: int) -> int:
        self.parent.setdefault(i, i)
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def canonical(self, i: int) -> int:
        return self.find(i)

    def members(self, i: int) -> list[int]:
        root = self.find(i)
        return sorted(j for j in self.parent if self.find(j) == root)


def entity_groups(session: Session, ids: Iterable[int]) -> Groups:
    """Groups of equivalent entities reachable from `ids` by merges and shared names/aliases."""
    groups, seen = Groups(), set()
    frontier = {int(i) for i in ids}
    for i in frontier:
        groups.find(i)
    for _ in range(ROUNDS):
        new = frontier - seen
        if not new:
            break
        seen |= new
        frontier |= _merges(session, new, groups) | _same_names(session, new, groups)
    return groups


def _merges(session: Session, ids: set[int], groups: Groups) -> set[int]:
    found = set()
    params = _params(ids)
    sql = f"SELECT id, merged_into FROM entity WHERE merged_into IS NOT NULL AND (id IN ({params[0]}) OR merged_into IN ({params[0]}))"
    for child, parent in session.execute(text(sql), params[1]):
        groups.union(child, parent)
        found |= {child, parent}
    return found


def _same_names(session: Session, ids: set[int], groups: Groups) -> set[int]:
    names, values = _params(ids)
    sql = (
        "SELECT a.entity_id, b.entity_id FROM entity_key a JOIN entity_key b ON b.key = a.key "
        f"WHERE a.entity_id IN ({names}) AND b.entity_id <> a.entity_id LIMIT {KEY_ROWS}"
    )
    found = set()
    for a, b in session.execute(text(sql), values):
        groups.union(a, b)
        found.add(b)
    return found


def group_names(session: Session, groups: Groups) -> dict[int, str]:
    """A name per group (by its canonical id): the entity the others were merged into, else the oldest."""
    ids = set(groups.parent)
    if not ids:
        return {}
    names, values = _params(ids)
    rows = session.execute(text(f"SELECT id, name, merged_into FROM entity WHERE id IN ({names}) ORDER BY id"), values).all()
    chosen: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: (r.merged_into is not None, r.id)):
        chosen.setdefault(groups.canonical(row.id), row.name)
    return chosen


def entity_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    names, values = _params(ids)
    return dict(session.execute(text(f"SELECT id, name FROM entity WHERE id IN ({names})"), values).all())


def _params(ids: Iterable[int]) -> tuple[str, dict]:
    values = {f"e{n}": int(i) for n, i in enumerate(ids)}
    return ", ".join(":" + k for k in values) or "NULL", values
