"""Timeline data for a thread or an entity: claims on a date axis, one lane per source.

The result is a JSON-ready dict (the API serves it as is, `render_svg` draws it):
claims placed by event date or by publication date (`axis`), lanes by publisher in
order of first appearance, active links between the claims, and, for a thread, every
verdict change from the ledger, placed at the date of its evidence when that is a claim.
"""

from sqlalchemy import text
from sqlmodel import Session

from annotate.errors import Invalid, NotFound
from annotate.linking.canonical import entity_groups
from annotate.linking.features import to_date
from annotate.linking.links import appearances_of, links_of
from annotate.linking.threads import members, verdict_history
from annotate.linking.timeline_svg import render_svg  # noqa: F401  (drawn from this module's data; public here)
from annotate.store.models import Entity, Thread

AXES = ("event", "published")
ENTITY_LIMIT = 500
UNKNOWN_SOURCE = "Unknown source"


def thread_timeline(session: Session, thread_id: int, axis: str = "event") -> dict:
    thread = session.get(Thread, thread_id)
    if thread is None:
        raise NotFound(f"no thread with id {thread_id}")
    verdicts = {m.claim_id: m.verdict for m in members(session, thread_id)}
    changes = verdict_history(session, thread_id)
    return build(session, "thread", thread_id, thread.name, list(verdicts), axis, verdicts, changes, description=thread.description)


def entity_timeline(session: Session, entity_id: int, axis: str = "event", limit: int = ENTITY_LIMIT) -> dict:
    """Claims naming the entity under any of its spellings (merges, aliases), the latest `limit` of them."""
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise NotFound(f"no entity with id {entity_id}")
    ids = entity_groups(session, [entity_id]).members(entity_id)
    params = {f"e{n}": e for n, e in enumerate(ids)}
    sql = (
        f"SELECT DISTINCT claim_id, day FROM claim_entity WHERE entity_id IN ({', '.join(':' + k for k in params)}) "
        f"ORDER BY day DESC, claim_id LIMIT {int(limit)}"
    )
    claim_ids = [row.claim_id for row in session.execute(text(sql), params)]
    return build(session, "entity", entity_id, entity.name, claim_ids, axis, {}, [])


def build(
    session: Session,
    kind: str,
    ident: int,
    title: str,
    claim_ids: list[int],
    axis: str,
    verdicts: dict[int, str],
    changes: list[dict],
    description: str | None = None,
) -> dict:
    if axis not in AXES:
        raise Invalid(f"axis must be one of {', '.join(AXES)}, not {axis!r}")
    claims, undated = [], []
    for a in sorted(appearances_of(session, claim_ids), key=lambda a: a["claim_id"]):
        when, source = _when(a, axis)
        if when is None:
            undated.append(a["claim_id"])
            continue
        cid = a.pop("claim_id")
        claims.append({"id": cid, **a, "date": when, "date_source": source, "lane": a["publisher"] or UNKNOWN_SOURCE, "verdict": verdicts.get(cid)})
    claims.sort(key=lambda c: (c["date"], c["id"]))
    placed = {c["id"]: c for c in claims}
    links = [
        {"id": link.id, "a": link.a_id, "b": link.b_id, "relation": link.relation}
        for link in links_of(session, placed)
        if link.a_id in placed and link.b_id in placed
    ]
    return {
        "kind": kind,
        "id": ident,
        "title": title,
        "description": description,
        "axis": axis,
        "start": claims[0]["date"] if claims else None,
        "end": claims[-1]["date"] if claims else None,
        "lanes": _lanes(claims),
        "claims": claims,
        "links": sorted(links, key=lambda x: x["id"]),
        "verdicts": [_placed(change, placed) for change in changes if change["claim_id"] in placed],
        "undated": undated,
    }


def _when(appearance: dict, axis: str) -> tuple[str | None, str | None]:
    """The claim's date on this axis as YYYY-MM-DD; the event axis falls back to publication."""
    event, published = to_date(appearance["event_date"]), to_date(appearance["published"])
    if axis == "event" and event:
        return event.isoformat(), "event"
    return (published.isoformat(), "published") if published else (None, None)


def _lanes(claims: list[dict]) -> list[dict]:
    lanes: dict[str, int] = {}
    for c in claims:  # already in date order: lanes in order of first appearance
        lanes[c["lane"]] = lanes.get(c["lane"], 0) + 1
    return [{"id": name, "label": name, "claims": n} for name, n in lanes.items()]


def _placed(change: dict, placed: dict[int, dict]) -> dict:
    """A verdict change, dated by the latest evidence claim on the timeline, else by its own claim."""
    evidence = [placed[e["claim"]]["date"] for e in change["evidence"] if isinstance(e, dict) and e.get("claim") in placed]
    return {**change, "date": max(evidence) if evidence else placed[change["claim_id"]]["date"]}
