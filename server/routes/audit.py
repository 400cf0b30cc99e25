"""The audit page (who changed what), its CSV, reverting a decision, and export downloads.

Thin handlers over annotate.review.audit and exports: a reviewer sees their own decisions, leads
and admins everyone's; reverting someone else's decision and exporting need a lead or admin.
"""

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse
from starlette.background import BackgroundTask

from annotate.review import policy
from annotate.review.audit import (
    CSV_COLUMNS,
    AuditFilter,
    Viewer,
    audit_log,
    chain_status,
    flat,
)
from annotate.review.operations import Review
from annotate.store.ledger import resolve_as_of
from exports.csv import neutralise
from server.deps import CurrentUser, RecordDep, SessionDep, TemplatesDep

router = APIRouter(include_in_schema=False)
PAGE = 200
CHAIN_INLINE = 20_000  # decisions: a longer chain takes seconds to verify, so the page asks for it once shown


def audit_filter(
    user: Annotated[str, Query()] = "",
    action: str = "",
    since: str = "",
    until: str = "",
    document: str = "",
    claim: str = "",
    thread: str = "",
) -> AuditFilter:
    """The log's filters from the query string (the page's form, its CSV link): one declaration for both."""
    number = lambda v: int(v) if v.isdigit() else None  # noqa: E731
    return AuditFilter(user[:200] or None, action[:200] or None, since[:40] or None, until[:40] or None, number(document), number(claim), number(thread))


Filter = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    record: RecordDep,
    templates: TemplatesDep,
    user: CurrentUser,
    f: Filter,
    before: Annotated[int, Query(ge=0)] = 0,
):
    try:
        entries = list(audit_log(session, f, Viewer(user.name, user.role), limit=PAGE + 1, before=before or None))
    except ValueError as problem:  # a date that is not ISO
        raise HTTPException(400, str(problem)) from None
    context = {
        "entries": entries[:PAGE],
        "more": entries[PAGE]["seq"] + 1 if len(entries) > PAGE else None,
        "chain": chain_status(record) if resolve_as_of(session, None) <= CHAIN_INLINE else None,
        "query": dict(request.query_params),
        "everyone": policy.sees_everyone(user.role),
    }
    return templates.TemplateResponse(request, "pages/audit.html", context)


@router.get("/audit/chain")
def audit_chain(request: Request, record: RecordDep, templates: TemplatesDep, user: CurrentUser):
    """The chain's verification for the audit page's header (a long chain's, after the page shows)."""
    return templates.TemplateResponse(request, "partials/_chain.html", {"chain": chain_status(record)})


@router.get("/audit.csv")
def audit_csv(session: SessionDep, user: CurrentUser, f: Filter):
    entries = audit_log(session, f, Viewer(user.name, user.role))
    return StreamingResponse(
        csv_chunks(map(flat, entries)), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": 'attachment; filename="audit.csv"'}
    )


def csv_chunks(rows: Iterator[dict], size: int = 1 << 16) -> Iterator[str]:
    """CSV text in chunks as the rows come, every cell neutralised for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row.get(c)) for c in CSV_COLUMNS])
        if buffer.tell() > size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.post("/audit/revert/{seq}")
def audit_revert(seq: int, session: SessionDep, record: RecordDep, user: CurrentUser, why: Annotated[str, Form(max_length=2000)] = ""):
    decision = next(audit_log(session, AuditFilter(), Viewer(user.name, user.role), limit=1, before=seq + 1), None)
    if decision is None or decision["seq"] != seq:
        raise HTTPException(404, f"no decision #{seq} that you may see")
    Review(record, user.name, "ui", user.role).revert(seq, why)  # the policy refuses another's decision to a reviewer
    return RedirectResponse(f"/audit?claim={decision['target_id']}" if decision["target_type"] == "claim" else "/audit", status_code=303)


@router.get("/export")
def export_download(
    session: SessionDep,
    user: CurrentUser,
    request: Request,
    format: str = "jsonl",
    status: Annotated[list[str], Query()] = [],
    verdict: Annotated[list[str], Query()] = [],
    thread: str = "",
    publisher: str = "",
    as_of: str = "",
):
    """The export and its manifest, zipped: the manifest lets anyone verify it later."""
    policy.require_lead(user.role, "exporting")
    return _export_now(session, request, format, _filters(status, verdict, thread, publisher), as_of)


@router.post("/export")
async def export_form_sent(request: Request, session: SessionDep, user: CurrentUser):
    """The export form: a small record's export at once, a large one as a job whose page shows
    its progress and then offers the file (the browser does not wait minutes on one request)."""
    from annotate.jobs.exporting import export_params, is_large
    from exports import FormatUnavailable

    policy.require_lead(user.role, "exporting")
    form = await request.form()
    fmt, as_of = str(form.get("format") or "jsonl"), str(form.get("as_of") or "")
    status, verdict = ([str(v) for v in form.getlist(name)] for name in ("status", "verdict"))
    filters = _filters(status, verdict, str(form.get("thread") or ""), str(form.get("publisher") or ""))
    if not await run_in_threadpool(is_large, session):
        return await run_in_threadpool(_export_now, session, request, fmt, filters, as_of)
    try:
        params = export_params(fmt, filters, as_of or None, {"base_url": str(request.base_url).rstrip("/")})
    except FormatUnavailable as problem:
        raise HTTPException(400, str(problem)) from None
    session.close()
    job_id = await run_in_threadpool(request.app.state.jobs.export, user.name, "ui", params)
    return RedirectResponse(f"/upload/jobs/{job_id}", status_code=303)


@router.get("/export/jobs/{job_id}/download")
def export_job_download(job_id: int, session: SessionDep, user: CurrentUser):
    """The file an export job wrote (its zip: the export and its manifest)."""
    from annotate.jobs.exporting import download

    policy.require_lead(user.role, "exporting")
    path = download(session, job_id)
    return FileResponse(path, media_type="application/zip", filename=f"claimtrail-export-{job_id}.zip")


def _filters(status: list[str], verdict: list[str], thread: str, publisher: str):
    from exports.claims import Filters

    return Filters(tuple(s for s in status if s), tuple(v for v in verdict if v), int(thread) if thread.isdigit() else None, publisher or None)


def _export_now(session, request: Request, format: str, filters, as_of: str) -> FileResponse:
    from exports import FormatUnavailable, writer
    from exports.manifest import bundle, export

    try:
        suffix = writer(format).SUFFIX
    except FormatUnavailable as problem:
        raise HTTPException(400, str(problem)) from None
    folder = Path(tempfile.mkdtemp(prefix="claimtrail-export-"))
    data = folder / f"claims-{format}{suffix}"
    try:
        export(session, format, data, filters, as_of or None, {"base_url": str(request.base_url).rstrip("/")})
    except ValueError as problem:  # an as-of past the end of the ledger, a bad time
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(400, str(problem)) from None
    return FileResponse(
        bundle(data), media_type="application/zip", filename=f"claimtrail-{format}.zip", background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    )
