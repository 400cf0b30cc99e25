"""The JSON API for scripts (`Authorization: Bearer <token>` from `claimtrail user token`).

Every write names the version of the object it was based on — a `version` field or an
`If-Match: "<version>"` header; without one the answer is 428. A stale version answers
409 with the current state and the decisions made since, never a silent overwrite.
"""

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from annotate.ingest.pipeline import document_text
from annotate.linking.links import appearances_of
from annotate.linking.search import ClaimQuery, search
from annotate.linking.suggest import suggest_links
from annotate.linking.threads import members as thread_members
from annotate.linking.threads import merged_into
from annotate.review.operations import Done
from annotate.review.queue import REVIEWS, QueueFilter, queue_page
from annotate.store.history import changed_fields, object_history
from annotate.store.models import Claim, Document, Entity, Mention, Thread
from server import views
from server.deps import CurrentUser, LinksDep, Replayed, ReviewDep, SessionDep, ThreadsDep
from server.idempotency import IdempotencyDep, leased


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """Why a request was refused: a sentence, or (a malformed request) one entry per field."""

    detail: str | list[FieldProblem]


# Every refusal of the API has this body (server/errors.py); declared once, for the whole app (server/app.py).
REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": words}
    for status, words in [
        (400, "Malformed (e.g. an If-Match that is no version)"),
        (401, "Not signed in"),
        (403, "Not allowed for this role"),
        (404, "No such object"),
        (409, "Changed meanwhile, or taken"),
        (412, "Version mismatch"),
        (413, "A field over its limit"),
        (422, "Invalid: the request, or what it asks for"),
        (428, "No version sent"),
        (503, "Busy or read-only: retry after Retry-After"),
    ]
}

router = APIRouter(prefix="/api", tags=["api"])
Kinds = Literal["claims", "mentions"]
MODELS = {"claims": Claim, "mentions": Mention}


class Decide(BaseModel):
    version: int | None = Field(None, description="The version you saw; or send If-Match.")
    rationale: str = Field("", max_length=2000)


class Edit(BaseModel):
    version: int | None = None
    start: int | None = None
    end: int | None = None
    label: str | None = None
    claimant: str | None = None
    reporting_verb: str | None = None
    event_date: str | None = None
    hedged: bool | None = None
    negated: bool | None = None
    rationale: str = Field("", max_length=2000)


class NewClaim(BaseModel):
    start: int
    end: int
    claimant: str | None = None
    reporting_verb: str | None = None
    event_date: str | None = None
    hedged: bool = False
    negated: bool = False
    rationale: str = Field("", max_length=2000)


class NewMention(BaseModel):
    start: int
    end: int
    label: str
    entity: int | str | None = Field(None, description="An entity id, or a name found or created.")


class Merge(BaseModel):
    into: int
    version: int | None = None
    into_version: int | None = None
    rationale: str = Field("", max_length=2000)


class Undo(BaseModel):
    seq: int = Field(description="The decision to take back (with the rest of its action).")


VERSION = re.compile(r"[0-9]{1,18}")  # ASCII digits only ("²".isdigit() is true), below 2**63


def base_version(body_version: int | None, if_match: str | None) -> int:
    if body_version is not None:
        return body_version
    tag = (if_match or "").strip().removeprefix("W/").strip('"')
    if VERSION.fullmatch(tag):
        return int(tag)
    if tag:
        raise HTTPException(400, 'If-Match must be a version the API sent as an ETag, e.g. If-Match: "3"')
    raise HTTPException(428, 'send the version you saw: a "version" field or an If-Match: "<version>" header')


def outcome(operation: Callable[[], Done]) -> Done:
    """Run one operation (a domain error answers through server/errors.py)."""
    try:
        return operation()
    except Replayed as replay:  # the same Idempotency-Key again: what the first request made
        return Done(replay.state, decisions=[replay.seq])


def run(operation: Callable[[], Done], status: int = 200) -> JSONResponse:
    """One review operation as JSON: the new state, warnings and decision numbers; or why not."""
    done = outcome(operation)
    body = {"state": done.state, "warnings": done.warnings, "decisions": done.decisions}
    return JSONResponse(body, status, headers={"ETag": f'"{done.state.get("version", "")}"'})


def row(obj) -> dict:
    return obj.model_dump()


def get(session, model, object_id: int):
    return views.get_or_404(session, model, object_id)


@router.get("/me")
def me(user: CurrentUser) -> dict:
    return {"name": user.name, "role": user.role}


@router.get("/documents")
def documents(
    session: SessionDep,
    user: CurrentUser,
    q: str = "",
    publisher_id: int | None = None,
    date_from: str = "",
    date_to: str = "",
    entity: str = "",
    thread_id: int | None = None,
    status: Literal["todo", "done", "all"] = "all",
    after: Annotated[int | None, Query(description="The page after this document id (from `older`).")] = None,
    before: Annotated[int | None, Query(description="The page before this document id (from `newer`).")] = None,
    assignee: Annotated[str, Query(max_length=200, description="Documents on this user's queue.")] = "",
    review: Annotated[Literal[REVIEWS], Query(description="Where the review stands: open = to do or in review.")] = "",  # type: ignore[valid-type]
) -> dict:
    """The review queue, newest first: documents with candidates left, accepted and rejected, who has them and their review state."""
    page = queue_page(session, QueueFilter(q, publisher_id, date_from, date_to, entity, thread_id, status, after, before, assignee, review))
    return {"documents": [vars(r) for r in page.rows], "newer": page.newer, "older": page.older}


def _document(doc: Document) -> dict:
    return {k: v for k, v in row(doc).items() if k not in ("path",)}


@router.get("/documents/{document_id}")
def document(document_id: int, session: SessionDep, user: CurrentUser) -> dict:
    """A document with its exact text (offsets index into it), claims and mentions."""
    doc = get(session, Document, document_id)
    claims = session.execute(select(Claim).where(Claim.document_id == doc.id).order_by(Claim.start)).scalars()
    mentions = session.execute(select(Mention).where(Mention.document_id == doc.id).order_by(Mention.start)).scalars()
    return {**_document(doc), "text": document_text(session, doc), "claims": [row(c) for c in claims], "mentions": [row(m) for m in mentions]}


@router.post("/documents/{document_id}/claims", status_code=201)
def add_claim(document_id: int, body: NewClaim, review: ReviewDep, keyed: IdempotencyDep):
    fields = body.model_dump(exclude={"start", "end", "rationale"})
    with leased(review, keyed, "claim"):
        return run(lambda: review.add_claim(document_id, body.start, body.end, fields, body.rationale), 201)


@router.post("/documents/{document_id}/mentions", status_code=201)
def add_mention(document_id: int, body: NewMention, review: ReviewDep, keyed: IdempotencyDep):
    with leased(review, keyed, "mention"):
        return run(lambda: review.add_mention(document_id, body.start, body.end, body.label, body.entity), 201)


@router.get("/entities/{entity_id}")
def entity(entity_id: int, session: SessionDep, user: CurrentUser, response: Response) -> dict:
    found = get(session, Entity, entity_id)
    response.headers["ETag"] = f'"{found.version}"'
    return row(found)


@router.post("/entities/{entity_id}/merge")
def merge(entity_id: int, body: Merge, review: ReviewDep, if_match: Annotated[str | None, Header()] = None):
    """Merge an entity into another (lead or admin): its names become the other's aliases."""
    version = base_version(body.version, if_match)
    return run(lambda: review.merge(entity_id, body.into, version, body.into_version, body.rationale))


@router.post("/undo")
def undo(body: Undo, review: ReviewDep):
    """Take back a decision with new decisions restoring the values before it."""
    return run(lambda: review.undo(body.seq))


# --- finding and linking claims, threads (annotate.linking: search, suggest, threads) ---------
# Refusals answer through server/errors.py: 404 missing, 409 stale (with what changed), 422 makes no sense.


class NewThread(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    claim_ids: list[int] = Field(min_length=1, max_length=5000, description="The claims it starts with.")
    linked: bool = Field(False, description="Also add every claim linked to them, directly or through others.")
    description: str | None = Field(None, max_length=5000)
    rationale: str = Field("", max_length=2000)


class ThreadMemberIn(BaseModel):
    claim_id: int
    linked: bool = Field(False, description="Also add every claim linked to it, directly or through others.")
    rationale: str = Field("", max_length=2000)


class MemberOut(BaseModel):
    version: int | None = Field(None, description="The member's version you saw (optional; a newer one is a 409).")
    rationale: str = Field("", max_length=2000)


class Rename(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    version: int | None = Field(None, description="The thread's version you saw; or send If-Match.")
    rationale: str = Field("", max_length=2000)


class ThreadMerge(BaseModel):
    into: int = Field(description="The thread that receives the claims.")
    version: int | None = Field(None, description="This thread's version you saw; or send If-Match.")
    into_version: int | None = None
    rationale: str = Field("", max_length=2000)


@router.get("/search/claims")
def search_claims(
    session: SessionDep,
    user: CurrentUser,
    q: Annotated[str, Query(max_length=500, description="Words: claims with all of them, else with some.")] = "",
    entity: Annotated[str, Query(max_length=200, description="A name or alias (or #id); merged and same-named entities count.")] = "",
    date_from: Annotated[str, Query(description="YYYY, YYYY-MM or YYYY-MM-DD.")] = "",
    date_to: Annotated[str, Query(description="YYYY, YYYY-MM or YYYY-MM-DD (inclusive).")] = "",
    dates: Annotated[Literal["any", "event", "published"], Query(description="Which date must be in the range.")] = "any",
    exclude_document: int | None = None,
    offset: Annotated[int, Query(ge=0, le=10_000, description="From `next_offset` of the previous page.")] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict:
    """Claims of all documents by words, entity and date range, best first (by date when no words), a page at a time."""
    query = ClaimQuery(q.strip(), entity.strip(), date_from.strip(), date_to.strip(), dates, exclude_document)
    page = search(session, query, offset, limit)
    found = {a["claim_id"]: a for a in appearances_of(session, page.claim_ids)}
    return {
        "results": [found[i] for i in page.claim_ids if i in found],
        "offset": offset,
        "next_offset": page.next_offset,
        "loose": page.loose,
        "entities": page.entities,
        "unknown_entity": page.unknown_entity,
    }


@router.get("/claims/{claim_id}/suggestions")
def suggestions(claim_id: int, session: SessionDep, user: CurrentUser, top: Annotated[int, Query(ge=1, le=50)] = 5) -> list[dict]:
    """Claims of other reports likely related to this one, best first, with a relation guess and reasons."""
    get(session, Claim, claim_id)
    found = suggest_links(session, claim_id, top=top)
    shown = {a["claim_id"]: a for a in appearances_of(session, [s.other_id for s in found])}
    return [{**shown[s.other_id], "score": s.score, "relation": s.relation, "reasons": list(s.reasons)} for s in found if s.other_id in shown]


class NewLink(BaseModel):
    a: int = Field(description="A claim; for `updates`, the newer one.")
    b: int = Field(description="A claim of another document.")
    relation: Literal["same_event", "supports", "contradicts", "updates"]
    rationale: str = Field("", max_length=2000)
    found_by: str = Field("", max_length=2000, description="The search that found it, kept as evidence.")


@router.post("/links", status_code=201)
def create_link(body: NewLink, links: LinksDep, keyed: IdempotencyDep):
    """Link two claims ("a relation b"), e.g. one found with /api/search/claims; the same link again changes nothing."""
    evidence = ({"found_by": "search", "query": body.found_by},) if body.found_by else ()
    with leased(links, keyed, "link"):
        return outcome(lambda: links.link(body.a, body.b, body.relation, body.rationale, evidence)).state


@router.get("/threads/{thread_id}")
def thread(thread_id: int, session: SessionDep, user: CurrentUser, response: Response) -> dict:
    """A thread, its claims with their verdicts, and where it went if it was merged."""
    found = get(session, Thread, thread_id)
    response.headers["ETag"] = f'"{found.version}"'
    return {**row(found), "merged_into": merged_into(session, thread_id), "members": [row(m) for m in thread_members(session, thread_id)]}


@router.post("/threads", status_code=201)
def create_thread(body: NewThread, threads: ThreadsDep, session: SessionDep, keyed: IdempotencyDep) -> dict:
    """A new thread holding these claims, answered as GET /api/threads/{id} shows it."""
    with leased(threads, keyed, "thread"):
        made = outcome(lambda: threads.create(body.name, body.claim_ids, body.description, body.rationale, body.linked)).state
    return {**made, "merged_into": None, "members": [row(m) for m in thread_members(session, made["id"])]}


@router.post("/threads/{thread_id}/members", status_code=201)
def add_thread_member(thread_id: int, body: ThreadMemberIn, threads: ThreadsDep, keyed: IdempotencyDep):
    """Add a claim (with `linked`, it and its linked claims) to a thread; 422 when they are all members already."""
    with leased(threads, keyed, "thread_member"):
        done = outcome(lambda: threads.add(thread_id, body.claim_id, body.rationale, body.linked))
    return {"added": done.changed or [done.state]}  # a repeated key: the member the first request added


@router.post("/threads/{thread_id}/members/{claim_id}/remove")
def remove_thread_member(thread_id: int, claim_id: int, body: MemberOut, threads: ThreadsDep):
    return threads.remove(thread_id, claim_id, body.version, body.rationale).state


@router.post("/threads/{thread_id}/rename")
def rename(thread_id: int, body: Rename, threads: ThreadsDep, if_match: Annotated[str | None, Header()] = None):
    version = base_version(body.version, if_match)
    return threads.rename(thread_id, body.name, version, body.rationale).state


@router.post("/threads/{thread_id}/merge")
def merge_thread(thread_id: int, body: ThreadMerge, threads: ThreadsDep, if_match: Annotated[str | None, Header()] = None):
    """Move every claim of this thread into `into` and mark this one merged; answers the thread merged into."""
    version = base_version(body.version, if_match)
    return threads.merge(thread_id, body.into, version, body.into_version, body.rationale).state


# Generic routes last: /{kinds}/… would otherwise catch /entities/… and answer 422.
@router.get("/{kinds}/{target_id}")
def candidate(kinds: Kinds, target_id: int, session: SessionDep, user: CurrentUser, response: Response) -> dict:
    """A claim or mention; its ETag is its version, for If-Match."""
    obj = get(session, MODELS[kinds], target_id)
    response.headers["ETag"] = f'"{obj.version}"'
    return row(obj)


@router.get("/{kinds}/{target_id}/history")
def history(kinds: Kinds, target_id: int, session: SessionDep, user: CurrentUser) -> list[dict]:
    """Every version: who, when, what changed, why."""
    get(session, MODELS[kinds], target_id)
    return [
        {**entry, "changes": [{"field": f, "before": b, "after": a} for f, b, a in changed_fields(entry)]}
        for entry in object_history(session, kinds[:-1], target_id)
    ]


@router.post("/{kinds}/{target_id}/accept")
def accept(kinds: Kinds, target_id: int, body: Decide, review: ReviewDep, if_match: Annotated[str | None, Header()] = None):
    version = base_version(body.version, if_match)
    return run(lambda: review.accept(kinds[:-1], target_id, version, body.rationale))


@router.post("/{kinds}/{target_id}/reject")
def reject(kinds: Kinds, target_id: int, body: Decide, review: ReviewDep, if_match: Annotated[str | None, Header()] = None):
    version = base_version(body.version, if_match)
    return run(lambda: review.reject(kinds[:-1], target_id, version, body.rationale))


@router.patch("/{kinds}/{target_id}")
def edit(kinds: Kinds, target_id: int, body: Edit, review: ReviewDep, if_match: Annotated[str | None, Header()] = None):
    """Correct span, label (mentions), claimant, reporting verb, event date, hedging, negation."""
    version = base_version(body.version, if_match)
    fields = body.model_dump(exclude_unset=True, exclude={"version", "rationale"})
    return run(lambda: review.edit(kinds[:-1], target_id, version, fields, body.rationale))
