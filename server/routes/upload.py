"""The upload page: files, archives, JSONL and Label Studio exports in; a job per upload,
its progress polled by htmx, and each file's outcome (a bad one named with its reason).
The same for scripts under /api (`api`): an upload answers with its job, followed as JSON."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import col

from annotate.errors import Forbidden, Invalid
from annotate.jobs.intake import accepted_types, intake
from annotate.jobs.state import get_job, job_status, job_view, list_jobs
from annotate.review import policy
from annotate.store.models import Document
from server.deps import CurrentUser, SessionDep, TemplatesDep, is_htmx
from server.uploads import keep, limits, read_form, spooled

router = APIRouter(include_in_schema=False)
FILES_SHOWN = 200  # a job page's file rows, polled every second while it runs (`?files=all` for every one)
DOCUMENTS_SHOWN = 5  # a file's documents linked by title in its row (a JSONL file may hold thousands)


@router.get("/upload")
def upload_page(request: Request, session: SessionDep, templates: TemplatesDep, user: CurrentUser):
    context = {"jobs": list_jobs(session, 10), "accept": ",".join(accepted_types()), "types": accepted_types(), "limits": limits(request)}
    return templates.TemplateResponse(request, "pages/upload.html", context)


@router.post("/upload")
async def upload(request: Request, user: CurrentUser):
    """Check the upload (names, types, sizes), store it as a job, and go to the job's page."""
    form = await read_form(request)
    job_id = await _start_job(request, form, user.name, "ui", preannotate=form.get("preannotate") == "on")  # an unticked box is not sent
    target = f"/upload/jobs/{job_id}"
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _start_job(request: Request, form, actor: str, origin: str, preannotate: bool) -> int:
    """The upload's files checked (names, types, sizes) and stored as a job; its number.

    The files were spooled to disk while they arrived, within the limits (server/uploads.py);
    the job reads them from there. Whatever is not handed to the job goes (uploads.DiscardUnkept)."""
    received = spooled(form)
    if not received:
        raise Invalid("choose at least one file")
    files = await run_in_threadpool(intake, received, limits(request))
    jobs = request.app.state.jobs
    job_id = await run_in_threadpool(jobs.ingest, actor, origin, files, preannotate)
    if jobs.local:
        keep(request)  # the job reads the files where they are; workers elsewhere have their bytes in its rows
    return job_id


@router.get("/upload/jobs/{job_id}")
def job_page(request: Request, job_id: int, session: SessionDep, templates: TemplatesDep, user: CurrentUser, files: Literal["", "all"] = ""):
    """The job's progress and per-file report (the first FILES_SHOWN files, refused ones first, unless
    `files=all`); htmx polls the same URL for the fragment."""
    job = job_view(session, job_id, None if files == "all" else FILES_SHOWN)
    shown = [i for f in job["files"] for i in f["document_ids"][:DOCUMENTS_SHOWN]]
    context = {"job": job, "all_files": files == "all", "titles": _titles(session, shown), "documents_shown": DOCUMENTS_SHOWN}
    name = "partials/_job.html" if is_htmx(request) else "pages/job.html"
    return templates.TemplateResponse(request, name, context)


@router.post("/upload/jobs/{job_id}/{action}")
async def job_action(request: Request, job_id: int, action: str, session: SessionDep, user: CurrentUser):
    """Retry what failed, or cancel what has not started: the uploader's or a lead's call."""
    await _act(request, job_id, action, session, user)
    target = f"/upload/jobs/{job_id}"
    return Response(status_code=200, headers={"HX-Redirect": target}) if is_htmx(request) else RedirectResponse(target, status_code=303)


def _titles(session, ids: list[int]) -> dict[int, str]:
    """The documents' titles (a document without one is shown by its number)."""
    if not ids:
        return {}
    rows = session.execute(select(Document.id, Document.title).where(col(Document.id).in_(ids)))
    return {row.id: row.title for row in rows if row.title}


async def _act(request: Request, job_id: int, action: str, session, user) -> None:
    if action not in ("retry", "cancel"):
        raise Invalid(f"no action {action!r} on a job")
    if get_job(session, job_id).actor != user.name and not policy.is_lead(user.role):
        raise Forbidden("only whoever started a job, or a lead, can retry or cancel it")
    session.close()
    jobs = request.app.state.jobs
    await run_in_threadpool(jobs.retry if action == "retry" else jobs.cancel, job_id)


# --- the same for scripts: JSON, `Authorization: Bearer <token>` -------------------------------

api = APIRouter(prefix="/api", tags=["uploads"])
MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "Files, zips, JSONL, Label Studio JSON."},
                        "preannotate": {
                            "type": "string",
                            "enum": ["true", "false"],
                            "default": "true",
                            "description": "Propose candidates for the new documents.",
                        },
                    },
                }
            }
        },
    }
}


@api.post("/uploads", status_code=202, openapi_extra=MULTIPART)
async def api_upload(request: Request, user: CurrentUser) -> JSONResponse:
    """Files in as one job, as the Upload page takes them (the same types and limits); follow `job` for its progress."""
    form = await read_form(request)
    flag = str(form.get("preannotate", "true")).strip().lower()
    if flag not in ("true", "false", "on", "off", "1", "0"):
        raise Invalid(f"preannotate: expected true or false, got {flag[:20]!r}")
    job_id = await _start_job(request, form, user.name, "api", preannotate=flag in ("true", "on", "1"))
    return JSONResponse({"job": job_id, "url": f"/api/jobs/{job_id}"}, 202, headers={"Location": f"/api/jobs/{job_id}"})


@api.get("/jobs")
def api_jobs(session: SessionDep, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[dict]:
    """The newest jobs with their progress: uploads, re-annotation, link indexing, exports."""
    return list_jobs(session, limit)


@api.get("/jobs/{job_id}")
def api_job(session: SessionDep, user: CurrentUser, job_id: int, limit: Annotated[int | None, Query(ge=1)] = None) -> dict:
    """A job's progress and each file's outcome (refused ones with their reasons, the documents it holds):
    every file in order, or at most `limit`, those to act on first."""
    return job_view(session, job_id, limit)


@api.post("/jobs/{job_id}/{action}")
async def api_job_action(request: Request, job_id: int, action: Literal["retry", "cancel"], session: SessionDep, user: CurrentUser) -> dict:
    """Retry what failed, or cancel what has not started (the uploader or a lead); the job as it is then."""
    await _act(request, job_id, action, session, user)
    with request.app.state.record.session() as fresh:
        return job_status(fresh, job_id)
