"""`claimtrail worker`, `claimtrail jobs …` and what `ingest --background` queues."""

from typing import Annotated

import typer

from annotate.commands.common import DbOption, console, err, open_record, print_jsonl

jobs_app = typer.Typer(invoke_without_command=True, help="Background jobs: progress, failures, retry, cancel.")
JobId = Annotated[int, typer.Argument(metavar="ID", help="The job's number (see `claimtrail jobs`).")]


@jobs_app.callback()
def jobs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many of the newest jobs.")] = 20,
    format: Annotated[str, typer.Option(help="table or jsonl")] = "table",
    db: DbOption = None,
) -> None:
    """List the newest jobs with their progress and failures (subcommands: show, retry, cancel, run)."""
    if ctx.invoked_subcommand:
        return
    from annotate.jobs.state import list_jobs

    with open_record(db).session() as session:
        rows = list_jobs(session, limit)
    if format == "jsonl":
        return print_jsonl(rows)
    for row in rows:
        console.print(_line(row), markup=False, highlight=False, soft_wrap=True)  # one line a job, however wide
    if not rows:
        console.print("no jobs yet")


def _line(row: dict) -> str:
    what = (
        f"{row['finished']}/{row['total']} {'pieces' if row['files_uploaded'] < row['total'] else 'files'}, {row['documents']} documents ({row['added']} new)"
        if row["kind"] == "ingest"
        else f"{row['finished']} done"
    )
    failed = f", {row['failed']} failed" if row["failed"] else ""
    failed += f", {row['partly']} with records refused" if row.get("partly") else ""
    return f"{row['id']:>5} {row['kind']:<12} {row['status']:<9} {row['percent']:>3}%  {what}{failed}  {row['actor']} {row['created_at'][:19]}"


@jobs_app.command("show")
def show(job_id: JobId, format: Annotated[str, typer.Option(help="text or jsonl")] = "text", db: DbOption = None) -> None:
    """A job's files, each with its outcome and the reason a bad one was refused."""
    from annotate.jobs.state import job_view

    with open_record(db).session() as session:
        view = job_view(session, job_id)
    if format == "jsonl":
        return print_jsonl([view])
    console.print(_line(view), markup=False, highlight=False, soft_wrap=True)
    if view["error"]:
        console.print(f"  error: {view['error']}", markup=False, highlight=False)
    if view["kind"] == "export" and view["finished_at"] and not view["error"]:
        console.print(f"  written: {view['path']}", markup=False, highlight=False, soft_wrap=True)
    for f in view["files"]:
        piece = f" {f['starts']}" if f["starts"] else ""
        console.print(f"  {f['status']:<9} {f['name']}{piece}: {f['documents']} documents ({f['added']} new)", markup=False, highlight=False)
        for reason in f["errors"]:
            console.print(f"      {reason}", markup=False, highlight=False)


@jobs_app.command("retry")
def retry(job_id: JobId, db: DbOption = None) -> None:
    """Queue again the files of a job that failed or were left by a worker that died."""
    from annotate.jobs.queue import queue_for

    count = queue_for(open_record(db), detached=True).retry(job_id)
    console.print(f"job {job_id}: {count} files queued again", highlight=False)


@jobs_app.command("cancel")
def cancel(job_id: JobId, db: DbOption = None) -> None:
    """Stop a job: files not started are not read (a batch already running finishes)."""
    from annotate.jobs.queue import queue_for

    queue_for(open_record(db), detached=True).cancel(job_id)
    console.print(f"job {job_id} cancelled", highlight=False)


@jobs_app.command("run")
def run(job_id: JobId, db: DbOption = None) -> None:
    """Run what is left of a job here, in the foreground (what `ingest --background` starts on SQLite)."""
    from annotate.jobs.queue import run_now

    run_now(open_record(db), job_id)


def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs at once in this process (threads); for more cores, start more workers.")] = 1,
    stalled_after: Annotated[float, typer.Option(hidden=True, help="Seconds without a heartbeat before a worker's jobs run again.")] = 30.0,
    niceness: Annotated[int, typer.Option(min=0, max=19, help="CPU priority (Linux nice): 10 lets a web server on the same machine answer first.")] = 10,
    db: DbOption = None,
) -> None:
    """Run background jobs from the PostgreSQL queue until stopped (start one per core, on any machine)."""
    from annotate.errors import Unavailable
    from annotate.store.db import is_sqlite

    record = open_record(db)
    if is_sqlite(record.engine):
        raise Unavailable("workers need PostgreSQL (CLAIMTRAIL_DATABASE_URL); on SQLite the web server runs jobs itself")
    from annotate.jobs.pgqueue import run_worker

    err.print(f"worker: {record.engine.url.render_as_string(hide_password=True)}, {concurrency} at once", highlight=False, soft_wrap=True)
    _log_to_stderr()
    run_worker(record, concurrency, stalled_after, niceness=niceness)


def _log_to_stderr() -> None:
    """A line for each part a worker finishes, and the queue's warnings (retries, failures)."""
    import logging

    from annotate.jobs.tasks import log

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)


def enqueue_kind(record, kind: str) -> None:
    """Queue a job without files (`preannotate --background`, `links index --background`) and say so."""
    from annotate.jobs.queue import queue_for

    job_id = queue_for(record, detached=True).start(kind, "cli", "cli")
    console.print(f"job {job_id} queued: `claimtrail jobs show {job_id}` for its progress", highlight=False)


def enqueue_paths(record, paths: list[str], preannotate: bool) -> int:
    """Read the files now (workers may be on other machines) and queue them as one job."""
    import os

    from annotate.ingest.readers import expand_paths
    from annotate.ingest.source import ReadError
    from annotate.jobs.intake import Incoming, Limits, Spooled, intake
    from annotate.jobs.queue import queue_for

    found: list[Incoming] = []
    uploads = []
    bounds = Limits(max_files=10**9, max_bytes=10**13)
    for item in expand_paths(paths):
        if isinstance(item, ReadError):
            found.append(Incoming(item.path, reason=item.reason))
            continue
        name = os.path.basename(item)
        try:
            size = os.path.getsize(item)
            if size > bounds.file_bytes(name):
                uploads.append((name, Spooled(None, size)))  # too large: refused by intake, never read
                continue
            with open(item, "rb") as f:
                uploads.append((name, f.read()))
        except OSError as e:
            found.append(Incoming(name, reason=f"cannot read: {e.strerror or e}"))
    files = intake(uploads, bounds) + found
    return queue_for(record, detached=True).ingest("cli", "cli", files, preannotate)


def register(app: typer.Typer) -> None:
    app.command()(worker)
    app.add_typer(jobs_app, name="jobs")
