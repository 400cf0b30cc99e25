"""The upload page: files, archives, JSONL and Label Studio exports in; a job per upload,
its progress polled by htmx, and each file's outcome (a bad one named with its reason)."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from annotate.errors import Forbidden, Invalid, TooLarge
from annotate.jobs.intake import Limits, accepted_types, intake
from annotate.jobs.state import get_job, job_view, list_jobs
from annotate.review import policy
from server.deps import CurrentUser, SessionDep, TemplatesDep, is_htmx

router = APIRouter(include_in_schema=False)
FORM_SLACK = 1024 * 1024  # multipart framing and the form's other fields


def _limits(request: Request) -> Limits:
    settings = request.app.state.settings
    return Limits(max_files=settings.upload_max_files, max_bytes=int(settings.upload_max_mb * 1024 * 1024))


@router.get("/upload")
def upload_page(request: Request, session: SessionDep, templates: TemplatesDep, user: CurrentUser):
    context = {"jobs": list_jobs(session, 10), "accept": ",".join(accepted_types()), "types": accepted_types(), "limits": _limits(request)}
    return templates.TemplateResponse(request, "pages/upload.html", context)


@router.post("/upload")
async def upload(request: Request, user: CurrentUser):
    """Check the upload (names, types, sizes), store it as a job, and go to the job's page."""
    bounds = _limits(request)
    if int(request.headers.get("content-length") or 0) > bounds.max_bytes + FORM_SLACK:
        raise TooLarge(f"an upload holds at most {bounds.max_bytes / 1024 / 1024:g} MB")
    form = await request.form(max_files=bounds.max_files + 1)
    parts = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not parts:
        raise Invalid("choose at least one file")
    read = 0
    uploads = []
    for part in parts:
        data = await part.read(bounds.max_bytes - read + 1)
        read += len(data)
        if read > bounds.max_bytes:
            raise TooLarge(f"an upload holds at most {bounds.max_bytes / 1024 / 1024:g} MB")
        uploads.append((part.filename or "", data))
    files = await run_in_threadpool(intake, uploads, bounds)
    preannotate = form.get("preannotate") == "on"  # an unticked box is not sent
    job_id = await run_in_threadpool(request.app.state.jobs.ingest, user.name, "ui", files, preannotate)
    target = f"/upload/jobs/{job_id}"
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/upload/jobs/{job_id}")
def job_page(request: Request, job_id: int, session: SessionDep, templates: TemplatesDep, user: CurrentUser):
    """The job's progress and per-file report; htmx polls the same URL for the fragment."""
    context = {"job": job_view(session, job_id)}
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
