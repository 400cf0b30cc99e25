"""Finding entities: by name or alias, and near matches for a name typed slightly wrong (rapidfuzz),
so a merge is chosen from what the record holds, never typed exactly."""

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from sqlalchemy import String, cast, func, or_, select
from sqlmodel import Session

from annotate.review.queue import escape_like
from annotate.store.models import Entity, Mention

PER_PAGE = 50
LIVE = ("candidate", "accepted", "corrected")
NEAR = 80  # rapidfuzz WRatio (0–100) for a near match: a typo or a word order apart
NEAR_SCAN = 50_000  # names compared for near matches at most (the newest entities first)


@dataclass
class Found:
    id: int
    name: str
    type: str
    aliases: list[str]
    mentions: int
    near: bool = False  # found by similarity, not by the words typed


def search(session: Session, q: str = "", exclude: int | None = None, limit: int = PER_PAGE) -> list[Found]:
    """Entities that stand for themselves (not merged away) whose name or alias contains `q`; when
    fewer than `limit` do, near matches follow."""
    q = " ".join(q.split())
    query = select(Entity.id, Entity.name, Entity.type, Entity.aliases).where(Entity.merged_into.is_(None))
    if exclude is not None:
        query = query.where(Entity.id != exclude)
    exact = query
    if q:
        like = f"%{escape_like(q)}%"
        exact = query.where(or_(Entity.name.ilike(like, escape="\\"), cast(Entity.aliases, String).ilike(like, escape="\\")))
    rows = list(session.execute(exact.order_by(func.lower(Entity.name), Entity.id).limit(limit)))
    found = [Found(r.id, r.name, r.type, list(r.aliases or []), 0) for r in rows]
    if q and len(found) < limit:
        found += _near(session, query, q, {f.id for f in found}, limit - len(found))
    counts = _mention_counts(session, [f.id for f in found])
    for f in found:
        f.mentions = counts.get(f.id, 0)
    return found


def _near(session: Session, query, q: str, seen: set[int], limit: int) -> list[Found]:
    rows = {r.id: r for r in session.execute(query.order_by(Entity.id.desc()).limit(NEAR_SCAN)) if r.id not in seen}
    names = {i: r.name for i, r in rows.items()}
    best = process.extract(q, names, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=NEAR, limit=limit)
    return [Found(i, rows[i].name, rows[i].type, list(rows[i].aliases or []), 0, near=True) for _, _, i in best]


def _mention_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    query = select(Mention.entity_id, func.count()).where(Mention.entity_id.in_(ids), Mention.status.in_(LIVE))
    return dict(session.execute(query.group_by(Mention.entity_id)).all())
