"""The upload page: files, archives, JSONL and Label Studio exports in; a job per upload,
its progress polled by htmx, and each file's outcome (a bad one named with its reason)."""

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import col

from annotate.errors import Forbidden, Invalid
from annotate.jobs.intake import accepted_types, intake
from annotate.jobs.state import get_job, job_view, list_jobs
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
    """Check the upload (names, types, sizes), store it as a job, and go to the job's page.

    Its files were spooled to disk while they arrived, within the limits (server/uploads.py);
    the job reads them from there."""
    form = await read_form(request)  # spooled: whatever is not handed to a job below goes (uploads.DiscardUnkept)
    received = spooled(form)
    if not received:
        raise Invalid("choose at least one file")
    files = await run_in_threadpool(intake, received, limits(request))
    preannotate = form.get("preannotate") == "on"  # an unticked box is not sent
    jobs = request.app.state.jobs
    job_id = await run_in_threadpool(jobs.ingest, user.name, "ui", files, preannotate)
    if jobs.local:
        keep(request)  # the job reads the files where they are; workers elsewhere have their bytes in its rows
    target = f"/upload/jobs/{job_id}"
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


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
    if action not in ("retry", "cancel"):
        raise Invalid(f"no action {action!r} on a job")
    if get_job(session, job_id).actor != user.name and not policy.is_lead(user.role):
        raise Forbidden("only whoever started a job, or a lead, can retry or cancel it")
    session.close()
    jobs = request.app.state.jobs
    await run_in_threadpool(jobs.retry if action == "retry" else jobs.cancel, job_id)
    target = f"/upload/jobs/{job_id}"
    return Response(status_code=200, headers={"HX-Redirect": target}) if is_htmx(request) else RedirectResponse(target, status_code=303)


def _titles(session, ids: list[int]) -> dict[int, str]:
    """The documents' titles (a document without one is shown by its number)."""
    if not ids:
        return {}
    rows = session.execute(select(Document.id, Document.title).where(col(Document.id).in_(ids)))
    return {row.id: row.title for row in rows if row.title}
