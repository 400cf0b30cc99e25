"""Links between claims, threads and timelines. Each write is one annotate.linking.links or
annotate.linking.threads operation under the signed-in user (origin "ui"); htmx gets the
re-rendered component back, a plain form the whole page."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from annotate.errors import ClaimtrailError, Conflict, Invalid
from annotate.linking.links import links_of
from annotate.linking.search import ClaimQuery
from annotate.linking.suggest import relation_between
from annotate.linking.timeline import entity_timeline, render_svg, thread_timeline
from annotate.store.models import Claim, ClaimLink, Thread
from server import link_views, views
from server.deps import CurrentUser, LinksDep, SessionDep, TemplatesDep, ThreadsDep, is_htmx
from server.routes.review import message

router = APIRouter(include_in_schema=False)
Axis = Annotated[Literal["event", "published"], Query()]
Why = Annotated[str, Form(max_length=2000)]


def _attempt(operation, said: str) -> tuple[dict, int]:
    """Run one write (it returns `Done`): the message to show, filled from the state it left and
    `n`, how many other objects it changed; and the status (done, stale 409, refused 422)."""
    try:
        done = operation()
    except Conflict as stale:
        by = "; ".join(f"#{d['seq']} {d['action']} by {d['actor']}" for d in stale.since) or "a newer decision"
        return message("error", f"Not saved: it changed since you looked ({by})."), 409
    except ClaimtrailError as problem:
        return message("error", f"Not saved: {problem}"), problem.status
    return message("ok", said.format(**done.state, n=len(done.changed))), 200


# --- links on a claim --------------------------------------------------------------------


def _panel(request: Request, session, templates, claim_id: int, note: dict | None = None, status: int = 200):
    """The links panel (htmx), or the claim page around it (a plain form post)."""
    session.rollback()  # end the read transaction begun before the write: show the new state
    panel = link_views.links_panel(session, claim_id, note)
    if is_htmx(request):
        return templates.TemplateResponse(request, "partials/_suggestions.html", panel, status_code=status)
    page = {**views.claim_view(session, claim_id), **panel}
    return templates.TemplateResponse(request, "pages/claim.html", page, status_code=status)


@router.get("/claims/{claim_id}/links")
def links_panel(request: Request, claim_id: int, session: SessionDep, templates: TemplatesDep, user: CurrentUser):
    if not is_htmx(request):  # the panel lives on the claim page
        return RedirectResponse(f"/claims/{claim_id}#links-{claim_id}", status_code=303)
    return _panel(request, session, templates, claim_id)


@router.post("/claims/{claim_id}/links")
def add_link(
    request: Request,
    claim_id: int,
    other_id: Annotated[int, Form()],
    relation: Annotated[str, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    links: LinksDep,
    rationale: Why = "",
    found_by: Annotated[str, Form(max_length=2000)] = "",
):
    existing = _pair_link(session, claim_id, other_id)
    if existing is not None:  # the form offered a suggestion, so the pair was unlinked when the reviewer saw it
        same = existing.relation == relation
        note = message(
            "ok" if same else "error",
            f"Already linked as {existing.relation} (link #{existing.id})" + ("." if same else f"; nothing saved. Remove it first to link as {relation}."),
        )
        return _panel(request, session, templates, claim_id, note, 200 if same else 409)
    a, b = link_views.newer_first(session, claim_id, other_id) if relation == "updates" else (claim_id, other_id)
    evidence: tuple[dict, ...] = ()
    if found_by:  # found by the reviewer's search, not suggested: the search is the evidence
        suggestion, evidence = None, ({"found_by": "search", "query": found_by},)
    else:  # its score and reasons: the decision's evidence
        suggestion, evidence = relation_between(session, claim_id, other_id), ()
    note, status = _attempt(
        lambda: links.link(a, b, relation, rationale.strip(), evidence, suggestion), f"Linked claim #{a} {relation} claim #{b} (link #{{id}})."
    )
    return _panel(request, session, templates, claim_id, note, status)


@router.post("/claims/{claim_id}/dismiss")
def dismiss_suggestion(
    request: Request,
    claim_id: int,
    other_id: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    links: LinksDep,
    rationale: Why = "",
):
    if other_id in link_views.dismissed(session, claim_id):
        return _panel(request, session, templates, claim_id, message("ok", f"Claim #{other_id} was already dismissed."))
    note, status = _attempt(lambda: links.dismiss(claim_id, other_id, rationale.strip()), f"Dismissed claim #{other_id}: it will not be suggested again.")
    return _panel(request, session, templates, claim_id, note, status)


@router.post("/claims/{claim_id}/links/{link_id}/remove")
def remove_link(
    request: Request,
    claim_id: int,
    link_id: int,
    version: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    links: LinksDep,
    rationale: Why = "",
):
    found = session.get(ClaimLink, link_id)
    if found is None or claim_id not in (found.a_id, found.b_id):
        raise HTTPException(404, f"claim {claim_id} has no link {link_id}")
    if found.status != "active" and found.version == version:
        return _panel(request, session, templates, claim_id, message("ok", f"Link #{link_id} was already removed."))
    note, status = _attempt(lambda: links.unlink(link_id, version, rationale.strip()), f"Removed link #{link_id} (version {{version}}).")
    return _panel(request, session, templates, claim_id, note, status)


def _pair_link(session, a: int, b: int) -> ClaimLink | None:
    return next((x for x in links_of(session, [a]) if {x.a_id, x.b_id} == {a, b}), None)


@router.post("/claims/{claim_id}/thread")
def create_thread(
    request: Request,
    claim_id: int,
    name: Annotated[str, Form(max_length=200)],
    session: SessionDep,
    threads: ThreadsDep,
    rationale: Why = "",
):
    views.get_or_404(session, Claim, claim_id)
    thread = threads.create(name.strip(), [claim_id], rationale=rationale.strip(), linked=True).state
    target = f"/threads/{thread['id']}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/claims/{claim_id}/search")
def search_claims(
    request: Request,
    claim_id: int,
    session: SessionDep,
    templates: TemplatesDep,
    user: CurrentUser,
    q: Annotated[str, Query(max_length=500)] = "",
    entity: Annotated[str, Query(max_length=200)] = "",
    date_from: str = "",
    date_to: str = "",
    dates: Literal["any", "event", "published"] = "any",
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
):
    """Claims of other documents found by words, entity and dates: just the results list (htmx) or the claim page."""
    claim = views.get_or_404(session, Claim, claim_id)
    query = ClaimQuery(q.strip(), entity.strip(), date_from.strip(), date_to.strip(), dates, exclude_document=claim.document_id)
    try:
        found = link_views.search_results(session, claim_id, query, offset)
    except Invalid as problem:  # shown in the results list, where the reviewer is looking
        found = {"query": query, "error": str(problem), "results": [], "page": None}
    context = {"claim": claim, "found": found, "relations": link_views.relation_choices()}
    if is_htmx(request):
        return templates.TemplateResponse(request, "partials/_search_results.html", context)
    page = {**views.claim_view(session, claim_id), **link_views.links_panel(session, claim_id), "found": found}
    return templates.TemplateResponse(request, "pages/claim.html", page)


@router.post("/claims/{claim_id}/threads")
def join_thread(
    request: Request,
    claim_id: int,
    thread_id: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    threads: ThreadsDep,
    linked: Annotated[bool, Form()] = False,
    rationale: Why = "",
):
    """Add this claim (or it and its linked claims) to an existing thread: one transaction."""
    views.get_or_404(session, Thread, thread_id)
    note, status = _attempt(lambda: threads.add(thread_id, claim_id, rationale.strip(), linked), f"Added {{n}} claim(s) to thread #{thread_id}.")
    return _panel(request, session, templates, claim_id, note, status)


# --- threads -----------------------------------------------------------------------------


@router.get("/threads")
def threads(request: Request, session: SessionDep, templates: TemplatesDep, user: CurrentUser):
    return templates.TemplateResponse(request, "pages/threads.html", link_views.threads_list(session))


@router.get("/threads/{thread_id}")
def thread(request: Request, thread_id: int, session: SessionDep, templates: TemplatesDep, user: CurrentUser, axis: Axis = "event"):
    return _thread(request, session, templates, thread_id, axis)


def _thread(request: Request, session, templates, thread_id: int, axis: str, note: dict | None = None, status: int = 200):
    """The thread component (htmx: the axis switch, a verdict) or the whole page."""
    session.rollback()
    context = link_views.thread_view(session, thread_id, axis, note)
    name = "partials/_thread.html" if is_htmx(request) else "pages/thread.html"
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.post("/threads/{thread_id}/verdict")
def verdict(
    request: Request,
    thread_id: int,
    claim_id: Annotated[int, Form()],
    value: Annotated[str, Form(alias="verdict")],
    session: SessionDep,
    templates: TemplatesDep,
    threads: ThreadsDep,
    rationale: Why = "",
    evidence: Annotated[list[int], Form()] = [],
    axis: Annotated[Literal["event", "published"], Form()] = "event",
):
    views.get_or_404(session, Thread, thread_id)
    proof = tuple({"claim": e} for e in evidence)
    note, status = _attempt(
        lambda: threads.set_verdict(thread_id, claim_id, value, rationale.strip(), proof),
        f"Verdict on claim #{claim_id}'s proposition: {value} ({{n}} claim(s) changed).",
    )
    return _thread(request, session, templates, thread_id, axis, note, status)


@router.post("/threads/{thread_id}/members")
def add_member(
    request: Request,
    thread_id: int,
    claim_id: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    threads: ThreadsDep,
    linked: Annotated[bool, Form()] = False,
    rationale: Why = "",
):
    views.get_or_404(session, Thread, thread_id)
    note, status = _attempt(
        lambda: threads.add(thread_id, claim_id, rationale.strip(), linked),
        f"Added {{n}} claim(s) to the thread (claim #{claim_id}{' and its linked claims' if linked else ''}).",
    )
    return _thread(request, session, templates, thread_id, "event", note, status)


@router.post("/threads/{thread_id}/members/{claim_id}/remove")
def remove_member(
    request: Request,
    thread_id: int,
    claim_id: int,
    session: SessionDep,
    templates: TemplatesDep,
    threads: ThreadsDep,
    version: Annotated[int | None, Form()] = None,
    rationale: Why = "",
):
    views.get_or_404(session, Thread, thread_id)
    note, status = _attempt(lambda: threads.remove(thread_id, claim_id, version, rationale.strip()), f"Removed claim #{claim_id} from the thread.")
    return _thread(request, session, templates, thread_id, "event", note, status)


@router.post("/threads/{thread_id}/rename")
def rename(
    request: Request,
    thread_id: int,
    name: Annotated[str, Form(max_length=200)],
    version: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    threads: ThreadsDep,
    rationale: Why = "",
):
    views.get_or_404(session, Thread, thread_id)
    note, status = _attempt(lambda: threads.rename(thread_id, name, version, rationale.strip()), "Renamed the thread “{name}”.")
    return _thread(request, session, templates, thread_id, "event", note, status)


@router.post("/threads/{thread_id}/merge")
def merge(
    request: Request,
    thread_id: int,
    into: Annotated[int, Form()],
    version: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    threads: ThreadsDep,
    rationale: Why = "",
):
    """Merge this thread into another; on success the reviewer goes to the thread that holds the claims now."""
    views.get_or_404(session, Thread, thread_id)
    note, status = _attempt(lambda: threads.merge(thread_id, into, version, rationale=rationale.strip()), "Merged into thread #{id}.")
    if status != 200:
        return _thread(request, session, templates, thread_id, "event", note, status)
    target = f"/threads/{into}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/threads/{thread_id}/timeline.svg")
def thread_svg(thread_id: int, session: SessionDep, user: CurrentUser, axis: Axis = "event"):
    return Response(render_svg(thread_timeline(session, thread_id, axis)), media_type="image/svg+xml")


@router.get("/threads/{thread_id}/timeline.json")
def thread_json(thread_id: int, session: SessionDep, user: CurrentUser, axis: Axis = "event"):
    return JSONResponse(thread_timeline(session, thread_id, axis))


@router.get("/entities/{entity_id}/timeline.svg")
def entity_svg(entity_id: int, session: SessionDep, user: CurrentUser, axis: Axis = "event"):
    return Response(render_svg(entity_timeline(session, entity_id, axis)), media_type="image/svg+xml")


@router.get("/entities/{entity_id}/timeline.json")
def entity_json(entity_id: int, session: SessionDep, user: CurrentUser, axis: Axis = "event"):
    return JSONResponse(entity_timeline(session, entity_id, axis))
