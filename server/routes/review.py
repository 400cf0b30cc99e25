"""Review actions from the document page. Each calls one annotate.review.operations operation and answers
with the workbench partial (htmx; the progress counter rides along out of band) or, for a
plain form post, the whole page. A stale write answers 409 with the current state and a
form to reapply, so nothing the reviewer did is lost."""

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from annotate.errors import ClaimtrailError, Conflict, Invalid
from annotate.review import conflicts
from annotate.review.conflicts import Comparison
from annotate.review.operations import Done, corrected
from annotate.store.kinds import words
from annotate.store.models import Claim, Document, Entity, Mention
from server import views
from server.deps import ReviewDep, SessionDep, TemplatesDep, is_htmx

router = APIRouter(prefix="/review", include_in_schema=False)
Kind = Literal["claim", "mention"]
MODELS = {"claim": Claim, "mention": Mention}
CLAIM_TEXT = ("claimant", "reporting_verb", "event_date")


class Workbench:
    """The pieces every action needs to answer with the document's workbench."""

    def __init__(self, request: Request, session, templates, review, document_id: int):
        self.request, self.session, self.templates, self.review = request, session, templates, review
        self.document_id = document_id
        self.header_seen = views.header_versions(session, document_id)  # before the action: did it change the header?

    def render(self, status: int = 200, focus: str | None = None, after: str | None = None, **context):
        self.session.rollback()  # end the read transaction begun before the write: show the new state
        htmx = is_htmx(self.request)
        view = views.document_view(self.session, self.document_id, self.review, focus, after, header=not htmx, lens=views.Lens.of(self.request))
        view.update(context)
        if htmx:
            view.update(self.header_changes())
        name = "partials/_workbench.html" if htmx else "pages/document.html"
        return self.templates.TemplateResponse(self.request, name, {**view, "oob": htmx}, status_code=status)

    def attempt(
        self,
        ref: str,
        retry: dict,
        operation: Callable[[], Done],
        said: str,
        move_on: bool = False,
        compare: Callable[[Conflict], Comparison] | None = None,
        small: bool = False,
    ):
        """Run one review operation and show its outcome: done, stale (409) or refused. For an edit,
        `compare` says field by field what changed since (annotate/review/conflicts.py)."""
        try:
            done = operation()
        except Conflict as stale:
            self.session.rollback()
            comparison = compare(stale) if compare else None
            since = [{**d, "words": words(d["action"])} for d in stale.since]
            conflict = {"ref": ref, "current": stale.current, "since": since, "retry": retry, "comparison": comparison, "words": conflicts.FIELD_WORDS}
            return self.render(409, focus=ref, conflict=conflict)
        except ClaimtrailError as problem:
            return self.render(problem.status, focus=ref, message=message("error", str(problem)))
        if ref.endswith("-new"):
            ref = f"{ref.split('-')[0]}-{done.state['id']}"
        note = message("ok", said.format(**done.state) if done.decisions else "Nothing recorded.", done.warnings, done.decisions)
        if small and is_htmx(self.request) and (answer := self.small(ref, note)) is not None:
            return answer
        return self.render(after=ref, message=note) if move_on else self.render(focus=ref, message=note)

    def small(self, ref: str, note: dict):
        """One accept or reject answered with just that item and the counters (the page moves on to the
        next candidate itself); None when the document is finished (the whole workbench says so)."""
        self.session.rollback()
        kind, _, target_id = ref.partition("-")
        view = views.decided_view(self.session, self.review, kind, int(target_id), note)
        if view is None:
            return None
        view.update(self.header_changes())
        headers = {"HX-Retarget": f"#item-{ref}", "HX-Reswap": "outerHTML"}
        return self.templates.TemplateResponse(self.request, "partials/_decided.html", view, headers=headers)

    def header_changes(self) -> dict:
        """The document header (title and date, review state, history), out of band, when the action moved
        the review (a reviewer's first decision starts it) or the metadata (undoing a correction); nothing
        otherwise, so a key press stays small."""
        if views.header_versions(self.session, self.document_id) == self.header_seen:
            return {}
        doc = views.get_or_404(self.session, Document, self.document_id)
        return {**views.document_header(self.session, doc), "doc": doc, "publisher": views.publisher_name(self.session, doc), "header_oob": True}


def message(level: str, text: str, warnings=(), decisions=()) -> dict:
    return {"level": level, "text": text, "warnings": list(warnings), "decisions": list(decisions)}


def document_of(session, kind: str, target_id: int) -> int:
    found = session.get(MODELS[kind], target_id)
    if found is None:
        raise HTTPException(404, f"no {kind} with id {target_id}")
    return found.document_id


@router.post("/{kind}/{target_id}/accept")
def accept(
    request: Request,
    kind: Kind,
    target_id: int,
    version: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
    rationale: Annotated[str, Form(max_length=2000)] = "",
):
    return decide(Workbench(request, session, templates, review, document_of(session, kind, target_id)), "accept", kind, target_id, version, rationale)


@router.post("/{kind}/{target_id}/reject")
def reject(
    request: Request,
    kind: Kind,
    target_id: int,
    version: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
    rationale: Annotated[str, Form(max_length=2000)] = "",
):
    return decide(Workbench(request, session, templates, review, document_of(session, kind, target_id)), "reject", kind, target_id, version, rationale)


def decide(bench: Workbench, action: str, kind: str, target_id: int, version: int, rationale: str):
    operation = bench.review.accept if action == "accept" else bench.review.reject
    retry = {"url": bench.request.url.path, "label": f"{action.capitalize()} anyway", "fields": {"rationale": rationale}}
    done = f"{'Accepted' if action == 'accept' else 'Rejected'} {kind} #{{id}} (version {{version}})."
    return bench.attempt(f"{kind}-{target_id}", retry, lambda: operation(kind, target_id, version, rationale), done, move_on=True, small=True)


@router.post("/documents/{document_id}/bulk")
def bulk(
    request: Request,
    document_id: int,
    status: Annotated[Literal["accepted", "rejected"], Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
    ref: Annotated[list[str], Form()] = [],  # noqa: B006
):
    """Several candidates at once (`ref`: kind-id:version as the page showed them), one transaction."""
    bench = Workbench(request, session, templates, review, _document(session, document_id))
    targets = [_target(r) for r in ref]
    said = f"{status.capitalize()} {len(targets)} candidate{'s' if len(targets) != 1 else ''}."
    return bench.attempt("bulk", {}, lambda: review.decide_many(targets, status), said, move_on=True)


def _target(ref: str) -> tuple[str, int, int]:
    kind, _, rest = ref.partition("-")
    target_id, _, version = rest.partition(":")
    if kind not in MODELS or not target_id.isdigit() or not version.isdigit():
        raise Invalid(f"not a candidate reference: {ref[:40]!r}")
    return kind, int(target_id), int(version)


@router.get("/{kind}/{target_id}/edit")
def edit_form(request: Request, kind: Kind, target_id: int, session: SessionDep, templates: TemplatesDep, review: ReviewDep):
    obj = session.get(MODELS[kind], target_id)
    if obj is None:
        raise HTTPException(404, f"no {kind} with id {target_id}")
    if not is_htmx(request):  # without JavaScript: the whole page, with this item's form open
        return Workbench(request, session, templates, review, obj.document_id).render(focus=f"{kind}-{target_id}", editing=f"{kind}-{target_id}")
    return templates.TemplateResponse(request, "partials/_edit.html", {"item": views.Item(kind, obj), "labels": views.LABEL_CHOICES})


class EditForm(BaseModel):
    """The edit form: it always shows every field, so an unticked checkbox (absent) means False."""

    version: int
    start: int
    end: int
    label: str = ""
    claimant: str = ""
    reporting_verb: str = ""
    event_date: str = ""
    hedged: bool = False
    negated: bool = False
    rationale: str = Field("", max_length=2000)

    def fields(self, kind: str) -> dict:
        names = ("start", "end", "label") if kind == "mention" else ("start", "end", *CLAIM_TEXT, "hedged", "negated")
        return {name: getattr(self, name) for name in names}


@router.post("/{kind}/{target_id}/edit")
def edit(
    request: Request,
    kind: Kind,
    target_id: int,
    form: Annotated[EditForm, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
):
    operation = lambda: review.edit(kind, target_id, form.version, form.fields(kind), form.rationale)  # noqa: E731
    return _edit(Workbench(request, session, templates, review, document_of(session, kind, target_id)), kind, target_id, form, form.version, operation)


class ReapplyForm(EditForm):
    """A stale edit sent again: the version it began from, and whose value stays where both changed a field."""

    base_version: int
    keep_status: str = ""
    keep_start: str = ""
    keep_end: str = ""
    keep_label: str = ""
    keep_claimant: str = ""
    keep_reporting_verb: str = ""
    keep_event_date: str = ""
    keep_hedged: str = ""
    keep_negated: str = ""

    def choices(self) -> dict[str, str]:
        return {name.removeprefix("keep_"): value for name, value in self if name.startswith("keep_") and value}


@router.post("/{kind}/{target_id}/reapply")
def reapply(
    request: Request,
    kind: Kind,
    target_id: int,
    form: Annotated[ReapplyForm, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
):
    """Only the fields this reviewer changed go on top of the current version (`version`)."""
    fields = form.fields(kind)
    operation = lambda: review.reapply(kind, target_id, form.base_version, form.version, fields, form.choices(), form.rationale)  # noqa: E731
    return _edit(Workbench(request, session, templates, review, document_of(session, kind, target_id)), kind, target_id, form, form.base_version, operation)


def _edit(bench: Workbench, kind: str, target_id: int, form: EditForm, base_version: int, operation: Callable[[], Done]):
    fields = form.fields(kind)
    retry = {
        "url": f"/review/{kind}/{target_id}/reapply",
        "label": "Save my changes on top of theirs",
        "fields": {**fields, "rationale": form.rationale, "base_version": base_version},
    }
    compare = lambda stale: conflicts.explain(bench.session, stale, corrected(kind, fields), base_version)  # noqa: E731
    return bench.attempt(f"{kind}-{target_id}", retry, operation, f"Corrected {kind} #{{id}} (version {{version}}).", compare=compare)


@router.post("/documents/{document_id}/claims")
def add_claim(
    request: Request,
    document_id: int,
    start: Annotated[int, Form()],
    end: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
):
    bench = Workbench(request, session, templates, review, _document(session, document_id))
    operation = lambda: review.add_claim(document_id, start, end)  # noqa: E731
    return bench.attempt("claim-new", {}, operation, "Added claim #{id}: edit it with e.")


@router.post("/documents/{document_id}/mentions")
def add_mention(
    request: Request,
    document_id: int,
    start: Annotated[int, Form()],
    end: Annotated[int, Form()],
    label: Annotated[str, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
    entity: Annotated[str, Form(max_length=300)] = "",
):
    bench = Workbench(request, session, templates, review, _document(session, document_id))
    operation = lambda: review.add_mention(document_id, start, end, label, entity.strip() or None)  # noqa: E731
    return bench.attempt("mention-new", {}, operation, "Added {label} mention #{id}.")


@router.post("/documents/{document_id}/undo")
def undo(
    request: Request,
    document_id: int,
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
    seq: Annotated[int | None, Form()] = None,
):
    bench = Workbench(request, session, templates, review, _document(session, document_id))
    last = review.last_undoable(session, document_id) if seq is None else {"seq": seq}
    if last is None:
        return bench.render(422, message=message("error", "Nothing of yours to undo in this document."))
    return bench.attempt("undo", {}, lambda: review.undo(last["seq"]), f"Undid #{last['seq']}: the values before it are back.")


@router.post("/entities/{entity_id}/merge")
def merge(
    request: Request,
    entity_id: int,
    into: Annotated[str, Form(max_length=300)],
    version: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
):
    """Merge after the confirmation page; the target's page then says so and offers undo."""
    target = _entity(session, into)

    def operation() -> Done:
        if target is None:
            raise Invalid(f"no entity {into!r} to merge into: search for it on this page and choose it")
        return review.merge(entity_id, target, version)

    return _on_entity(request, session, templates, entity_id, operation, lambda done: f"/entities/{target}?merged={done.decisions[0]}")


@router.post("/entities/{entity_id}/undo")
def undo_merge(
    request: Request,
    entity_id: int,
    seq: Annotated[int, Form()],
    session: SessionDep,
    templates: TemplatesDep,
    review: ReviewDep,
):
    """Take back a merge whole: the entity stands on its own again and the other loses its names."""
    return _on_entity(request, session, templates, entity_id, lambda: review.undo(seq), lambda done: f"/entities/{entity_id}?undone={seq}")


def _on_entity(request: Request, session, templates, entity_id: int, operation: Callable[[], Done], then: Callable[[Done], str]):
    try:
        done = operation()
    except ClaimtrailError as problem:
        session.rollback()
        context = {
            **views.entity_view(session, entity_id),
            "message": message("error", str(problem)),
            "conflict": None,
            "into_q": "",
            "into": [],
            "merged": None,
        }
        return templates.TemplateResponse(request, "pages/entity.html", context, status_code=problem.status)
    return RedirectResponse(then(done), status_code=303)


def _entity(session, ref: str) -> int | None:
    """An entity by id, or by exact name."""
    ref = ref.strip()
    if ref.isdigit():
        return int(ref) if session.get(Entity, int(ref)) else None
    return session.execute(select(Entity.id).where(Entity.name == ref, Entity.merged_into.is_(None)).limit(1)).scalar()


def _document(session, document_id: int) -> int:
    views.get_or_404(session, Document, document_id)
    return document_id
