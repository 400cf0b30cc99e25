"""Assignments and document states: the lead assigns, the reviewer marks done, the lead approves or
sends back; the lead's dashboard. Thin handlers over annotate.review.assignments (HTML forms that
answer with a redirect to the page they came from; JSON under /api)."""

import inspect
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Header, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from annotate.review import policy
from annotate.review.assignments import Assignments, dashboard, of_document
from annotate.review.queue import REVIEWS, QueueFilter
from server.deps import CurrentUser, SessionDep, TemplatesDep, operations
from server.routes.api import base_version, run

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["assignments"])


AssignmentsDep = Annotated[Assignments, Depends(operations(Assignments))]


def queue_filter(
    q: str = "",
    publisher: str = "",
    date_from: str = "",
    date_to: str = "",
    entity: str = "",
    thread: str = "",
    status: str = "all",
    assignee: str = "",
    review: str = "",
) -> QueueFilter:
    number = lambda v: int(v) if v.isdigit() else None  # noqa: E731
    return QueueFilter(
        q=q[:200],
        publisher_id=number(publisher),
        date_from=date_from[:10],
        date_to=date_to[:10],
        entity=entity[:200],
        thread_id=number(thread),
        status=status if status in ("todo", "done", "all") else "all",
        assignee=assignee[:200],
        review=review if review in REVIEWS else "",
    )


# --- pages ----------------------------------------------------------------------------


@router.post("/assignments")
def assign(
    request: Request,
    desk: AssignmentsDep,
    session: SessionDep,
    reviewer: Annotated[str, Form(max_length=300)],
    document: Annotated[list[int], Form()] = [],
    scope: Annotated[str, Form()] = "ticked",  # noqa: B006
    back: Annotated[str, Form(max_length=2000)] = "/queue",
    q: Annotated[str, Form()] = "",
    publisher: Annotated[str, Form()] = "",
    date_from: Annotated[str, Form()] = "",
    date_to: Annotated[str, Form()] = "",
    entity: Annotated[str, Form()] = "",
    thread: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "all",
    assignee: Annotated[str, Form()] = "",
    review: Annotated[str, Form()] = "",
):
    """Assign the ticked documents, or (`scope=matching`) every document the queue's filter matches."""
    if scope == "matching":
        f = queue_filter(q, publisher, date_from, date_to, entity, thread, status, assignee, review)
        done = desk.assign_matching(session, f, reviewer)
    else:
        done = desk.assign(document, reviewer)
    said = {"assigned": len(done.decisions), "to": reviewer.strip(), "kept": _kept(done.warnings)}
    return RedirectResponse(_with(back, said), status_code=303)


def _kept(warnings: list[str]) -> int:
    return next((int(w.split()[0]) for w in warnings if w.split()[0].isdigit()), 0)


def _with(back: str, params: dict) -> str:
    """A local address (never another site) with these parameters added."""
    if not back.startswith("/") or back.startswith("//"):
        back = "/queue"
    return back + ("&" if "?" in back else "?") + urlencode(params)


@router.post("/documents/{document_id}/assignment")
def assign_one(document_id: int, desk: AssignmentsDep, reviewer: Annotated[str, Form(max_length=300)]):
    desk.assign([document_id], reviewer)
    return RedirectResponse(f"/documents/{document_id}?said=assigned", status_code=303)


@router.post("/documents/{document_id}/done")
def mark_done(document_id: int, desk: AssignmentsDep, version: Annotated[int, Form()]):
    done = desk.done(document_id, version)
    left = f"&left={done.warnings[0].split()[0]}" if done.warnings else ""
    return RedirectResponse(f"/documents/{document_id}?said=done{left}", status_code=303)


@router.post("/documents/{document_id}/approve")
def approve(document_id: int, desk: AssignmentsDep, version: Annotated[int, Form()], back: Annotated[str, Form(max_length=2000)] = ""):
    desk.approve(document_id, version)
    return RedirectResponse(_with(back, {"said": "approved"}) if back else f"/documents/{document_id}?said=approved", status_code=303)


@router.post("/documents/{document_id}/send-back")
def send_back(
    document_id: int,
    desk: AssignmentsDep,
    version: Annotated[int, Form()],
    note: Annotated[str, Form(max_length=2000)],
    reviewer: Annotated[str, Form(max_length=300)] = "",
):
    desk.send_back(document_id, note, reviewer.strip() or None, version)
    return RedirectResponse(f"/documents/{document_id}?said=sent_back", status_code=303)


@router.get("/dashboard")
def dashboard_page(request: Request, session: SessionDep, templates: TemplatesDep, user: CurrentUser):
    """Per reviewer: documents to do, in review, done, approved; decisions; time in review per document."""
    policy.require_lead(user.role, "the review dashboard")
    return templates.TemplateResponse(request, "pages/dashboard.html", {"rows": dashboard(session)})


# --- JSON API -------------------------------------------------------------------------


class Assign(BaseModel):
    reviewer: str = Field(max_length=300, description="The user whose queue the documents go on.")
    documents: list[int] = Field([], description="Document ids; or give `matching`.")
    matching: dict[str, str] | None = Field(
        None, description="A queue filter (q, publisher, date_from, date_to, entity, thread, status, assignee, review): every document it matches."
    )
    rationale: str = Field("", max_length=2000)


class Step(BaseModel):
    version: int | None = Field(None, description="The assignment's version you saw; or send If-Match.")
    rationale: str = Field("", max_length=2000)


class SendBack(BaseModel):
    version: int | None = Field(None, description="The assignment's version you saw; or send If-Match.")
    note: str = Field(min_length=1, max_length=2000, description="What needs another look.")
    reviewer: str | None = Field(None, max_length=300, description="Another reviewer to send it to (default: the same).")


@api.post("/assignments")
def api_assign(body: Assign, desk: AssignmentsDep, session: SessionDep):
    """Assign documents (lead or admin): listed ones, or every one a queue filter matches. Documents already on
    that reviewer's queue are left as they are (a warning counts them)."""
    if body.matching is not None:
        unknown = sorted(set(body.matching) - set(inspect.signature(queue_filter).parameters))
        if unknown:  # a TypeError (500) before; found by tests/server/test_openapi_fuzz.py
            raise HTTPException(422, f"matching: no queue filter named {', '.join(map(repr, unknown))}")
        f = queue_filter(**{k: str(v) for k, v in body.matching.items()})
        return run(lambda: desk.assign_matching(session, f, body.reviewer, body.rationale))
    return run(lambda: desk.assign(body.documents, body.reviewer, body.rationale))


@api.get("/documents/{document_id}/assignment")
def api_assignment(document_id: int, session: SessionDep, user: CurrentUser) -> dict:
    """Who has the document and where its review stands (null when nobody does)."""
    found = of_document(session, document_id)
    return {"assignment": found.model_dump() if found else None}


@api.post("/documents/{document_id}/assignment/done")
def api_done(document_id: int, body: Step, desk: AssignmentsDep, if_match: Annotated[str | None, Header()] = None):
    return run(lambda: desk.done(document_id, base_version(body.version, if_match), body.rationale))


@api.post("/documents/{document_id}/assignment/approve")
def api_approve(document_id: int, body: Step, desk: AssignmentsDep, if_match: Annotated[str | None, Header()] = None):
    return run(lambda: desk.approve(document_id, base_version(body.version, if_match), body.rationale))


@api.post("/documents/{document_id}/assignment/send-back")
def api_send_back(document_id: int, body: SendBack, desk: AssignmentsDep, if_match: Annotated[str | None, Header()] = None):
    return run(lambda: desk.send_back(document_id, body.note, body.reviewer, base_version(body.version, if_match)))


@api.get("/dashboard")
def api_dashboard(session: SessionDep, user: CurrentUser) -> list[dict]:
    """Per reviewer: documents by state, decisions made, seconds in review per finished document (lead or admin)."""
    policy.require_lead(user.role, "the review dashboard")
    return [{**vars(r), "seconds_per_document": r.per_document} for r in dashboard(session)]
