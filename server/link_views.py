"""What the links panel, the thread pages and the timelines show (reads only: writes go
through annotate.linking.links and annotate.linking.threads)."""

from sqlalchemy import func, select
from sqlmodel import Session

from annotate.linking.links import appearances_of, component, links_of, proposition
from annotate.linking.relations import RELATIONS
from annotate.linking.search import ClaimQuery, search
from annotate.linking.suggest import relation_between, suggest_links
from annotate.linking.threads import VERDICTS, members, merged_into, open_threads, suggested_name, threads_touching, verdict_history
from annotate.linking.timeline import render_svg, thread_timeline
from annotate.store.models import Claim, Dismissal, Thread, ThreadMember
from server.views import get_or_404

TOP = 5  # suggestions shown per claim: the target is the right claim within the top 5
RELATION_LABELS = {"same_event": "same event", "supports": "supports", "contradicts": "contradicts", "updates": "updates (the newer supersedes the older)"}
# A link read from each of its claims: "#80 updates #77" shows as "updates #77" on #80, "updated by #80" on #77.
OUTGOING = {"same_event": "same event as", "supports": "supports", "contradicts": "contradicts", "updates": "updates"}
INCOMING = {"same_event": "same event as", "supports": "supported by", "contradicts": "contradicted by", "updates": "updated by"}


class InlineSvg:
    """A timeline drawing placed inline in a page. Jinja inserts objects with `__html__`
    unescaped: this is the one such object in the app. It is safe because render_svg
    escapes every piece of text it writes (annotate.timeline_svg.esc) and writes no
    script, style attribute or link; tests/server/test_links_routes.py draws a hostile
    quote and checks that it stays text, and that nothing else in server/ uses `__html__`."""

    def __init__(self, timeline: dict):
        self.svg = render_svg(timeline)

    def __html__(self) -> str:
        return self.svg


def links_panel(session: Session, claim_id: int, message: dict | None = None) -> dict:
    """The claim's suggestions, links, proposition and threads."""
    claim = get_or_404(session, Claim, claim_id)
    found = suggest_links(session, claim_id, top=TOP)
    links = links_of(session, [claim_id])
    others = {s.other_id for s in found} | {x.b_id if x.a_id == claim_id else x.a_id for x in links}
    shown = {a["claim_id"]: a for a in appearances_of(session, others)} if others else {}
    reach = component(session, claim_id)
    return {
        "claim": claim,
        "suggestions": [(s, shown[s.other_id]) for s in found if s.other_id in shown],
        "linked": [_link_row(x, claim_id, shown) for x in sorted(links, key=lambda x: x.id)],
        "proposition": proposition(session, claim_id),
        "threads": threads_of(session, claim_id),
        "offers": threads_touching(session, claim_id),
        "joinable": [t for t in open_threads(session) if t[0] not in {i for i, _ in threads_of(session, claim_id)}],
        "component": reach,
        "thread_name": suggested_name(session, reach),
        "relations": relation_choices(),
        "found": None,
        "message": message,
        "conflict": None,
    }


def _link_row(link, claim_id: int, shown: dict) -> dict:
    """The link as read from this claim: "a relation b" from a's side, the passive from b's."""
    outgoing = link.a_id == claim_id
    other = link.b_id if outgoing else link.a_id
    return {"link": link, "other": shown[other], "says": (OUTGOING if outgoing else INCOMING)[link.relation]}


def search_results(session: Session, claim_id: int, query: ClaimQuery, offset: int = 0) -> dict:
    """A page of claims found by hand for this claim's panel, each with the relation the pair looks like."""
    page = search(session, query, offset)
    shown = {a["claim_id"]: a for a in appearances_of(session, page.claim_ids)}
    linked = {x.b_id if x.a_id == claim_id else x.a_id: x.relation for x in links_of(session, [claim_id])}
    results = [{"other": shown[i], "guess": _guess(session, claim_id, i), "linked": linked.get(i)} for i in page.claim_ids if i in shown and i != claim_id]
    return {"query": query, "page": page, "results": results, "error": None}


def relation_choices() -> list[tuple[str, str]]:
    return [(r, RELATION_LABELS[r]) for r in RELATIONS]


def _guess(session: Session, claim_id: int, other_id: int):
    found = relation_between(session, claim_id, other_id)
    return found.relation if found else "same_event"


def threads_of(session: Session, claim_id: int) -> list[tuple[int, str]]:
    query = (
        select(Thread.id, Thread.name)
        .join(ThreadMember, ThreadMember.thread_id == Thread.id)
        .where(ThreadMember.claim_id == claim_id, ThreadMember.status == "active")
        .order_by(Thread.id)
    )
    return [tuple(row) for row in session.execute(query)]


def dismissed(session: Session, claim_id: int) -> set[int]:
    """Claims dismissed as suggestions for this one, from either side."""
    mine = select(Dismissal.other_id).where(Dismissal.claim_id == claim_id)
    theirs = select(Dismissal.claim_id).where(Dismissal.other_id == claim_id)
    return set(session.execute(mine.union(theirs)).scalars())


def newer_first(session: Session, one: int, other: int) -> tuple[int, int]:
    """An `updates` link points from the newer claim: order the pair by publication date."""
    dates = {a["claim_id"]: (a["published"] or "", a["claim_id"]) for a in appearances_of(session, [one, other])}
    return (one, other) if dates.get(one, ("", 0)) >= dates.get(other, ("", 0)) else (other, one)


# --- threads ---------------------------------------------------------------------------


def threads_list(session: Session) -> dict:
    counts = select(ThreadMember.thread_id, func.count().label("claims")).where(ThreadMember.status == "active").group_by(ThreadMember.thread_id).subquery()
    query = (
        select(Thread.id, Thread.name, Thread.description, func.coalesce(counts.c.claims, 0))
        .outerjoin(counts, counts.c.thread_id == Thread.id)
        .order_by(Thread.id.desc())
    )
    return {"threads": session.execute(query).all()}


def thread_view(session: Session, thread_id: int, axis: str, message: dict | None = None) -> dict:
    thread = get_or_404(session, Thread, thread_id)
    timeline = thread_timeline(session, thread_id, axis)
    return {
        "thread": thread,
        "axis": axis,
        "svg": InlineSvg(timeline),
        "timeline": timeline,
        "propositions": propositions(session, thread_id),
        "history": verdict_history(session, thread_id),
        "merged_into": merged_into(session, thread_id) if thread.status == "merged" else None,
        "others": [t for t in open_threads(session) if t[0] != thread_id],
        "verdicts": VERDICTS,
        "message": message,
        "conflict": None,
    }


def propositions(session: Session, thread_id: int) -> list[dict]:
    """The thread's claims grouped by same_event, each group with its verdict and first appearance."""
    verdicts = {m.claim_id: m.verdict for m in members(session, thread_id)}
    seen, groups = set(), []
    for claim_id in verdicts:
        if claim_id in seen:
            continue
        found = proposition(session, claim_id)
        inside = [a for a in found["appearances"] if a["claim_id"] in verdicts]
        seen |= {a["claim_id"] for a in inside}
        groups.append({"appearances": inside, "first": inside[0], "verdict": verdicts[inside[0]["claim_id"]]})
    return sorted(groups, key=lambda g: (g["first"]["published"] or "9999", g["first"]["claim_id"]))
