"""The pages a reviewer reads: queue, document, claim, entity, keys. Each URL also answers
htmx with just the component that changes (branching on the HX-Request header)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from annotate.review import policy
from annotate.review.assignments import open_count
from annotate.review.entities import search as search_entities
from annotate.review.queue import REVIEWS, STATUSES, QueueFilter
from server import link_views, views
from server.deps import CurrentUser, ReviewDep, SessionDep, TemplatesDep, is_htmx

router = APIRouter(include_in_schema=False)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    user: CurrentUser,
    q: str = "",
    publisher: Annotated[str, Query()] = "",
    date_from: str = "",
    date_to: str = "",
    entity: str = "",
    thread: Annotated[str, Query()] = "",
    status: str = "todo",
    after: Annotated[int | None, Query(ge=0)] = None,
    before: Annotated[int | None, Query(ge=0)] = None,
    assignee: str = "",
    review: str = "",
    assigned: Annotated[int | None, Query(ge=0)] = None,
    to: str = "",
    kept: Annotated[int, Query(ge=0)] = 0,
    said: str = "",
):
    mine = not request.url.query and open_count(session, user.name) > 0  # the queue opens on the reviewer's own work
    if mine:
        assignee, review, status = user.name, "open", "all"
    f = QueueFilter(
        q=q[:200],
        publisher_id=_int(publisher),
        date_from=date_from[:10],
        date_to=date_to[:10],
        entity=entity[:200],
        thread_id=_int(thread),
        status=status if status in STATUSES else "todo",
        after=after,
        before=before,
        assignee=assignee[:200],
        review=review if review in REVIEWS else "",
    )
    context = views.queue_view(session, f)
    context["said"] = _assigned_message(assigned, to[:300], kept) if assigned is not None else views.SAID.get(said)
    name = "partials/_queue.html" if is_htmx(request) else "pages/queue.html"
    return templates.TemplateResponse(request, name, context)


def _assigned_message(assigned: int, to: str, kept: int) -> str:
    text = f"Assigned {assigned} document{'s' if assigned != 1 else ''} to {to}."
    return text + (f" {kept} were on {to}'s queue already." if kept else "")


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@router.get("/documents/{document_id}")
def document(
    request: Request, document_id: int, session: SessionDep, templates: TemplatesDep, review: ReviewDep, focus: str = "", said: str = "", left: str = ""
):
    context = views.document_view(session, document_id, review, focus or None, header=not is_htmx(request), lens=views.Lens.of(request))
    if is_htmx(request):
        return templates.TemplateResponse(request, "partials/_workbench.html", {**context, "oob": True})
    context.update(views.document_header(session, context["doc"], said, left[:6]))
    return templates.TemplateResponse(request, "pages/document.html", {**context, "oob": False})


@router.get("/claims/{claim_id}")
def claim(request: Request, claim_id: int, session: SessionDep, templates: TemplatesDep, user: CurrentUser):
    context = {**views.claim_view(session, claim_id), **link_views.links_panel(session, claim_id)}
    return templates.TemplateResponse(request, "pages/claim.html", context)


@router.get("/entities")
def entities(request: Request, session: SessionDep, templates: TemplatesDep, user: CurrentUser, q: str = ""):
    return templates.TemplateResponse(request, "pages/entities.html", {"q": q[:200], "found": search_entities(session, q[:200])})


@router.get("/entities/{entity_id}")
def entity(
    request: Request,
    entity_id: int,
    session: SessionDep,
    templates: TemplatesDep,
    user: CurrentUser,
    into_q: str = "",
    merged: Annotated[int | None, Query()] = None,
    undone: Annotated[int | None, Query()] = None,
):
    context = {**views.entity_view(session, entity_id), "message": views.merge_message(session, merged, undone), "conflict": None}
    context.update(into_q=into_q[:200], into=search_entities(session, into_q[:200], exclude=entity_id) if into_q.strip() else [], merged=merged)
    return templates.TemplateResponse(request, "pages/entity.html", context)


@router.get("/entities/{entity_id}/merge")
def confirm_merge(request: Request, entity_id: int, into: int, session: SessionDep, templates: TemplatesDep, user: CurrentUser):
    """Both entities side by side before a merge is made."""
    context = {"source": views.entity_view(session, entity_id, limit=5), "target": views.entity_view(session, into, limit=5)}
    return templates.TemplateResponse(request, "pages/merge.html", context)


@router.get("/keys")
def keys(request: Request, templates: TemplatesDep, user: CurrentUser):
    return templates.TemplateResponse(request, "pages/keys.html", {})


@router.get("/exports")
def export_form(request: Request, session: SessionDep, templates: TemplatesDep, user: CurrentUser, preset: str = "verified"):
    """The export form (leads and admins): several statuses at once, "verified" = accepted + corrected."""
    policy.require_lead(user.role, "exporting")
    return templates.TemplateResponse(request, "pages/export.html", views.export_view(session, preset))
