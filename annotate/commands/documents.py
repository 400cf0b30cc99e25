"""`claimtrail ingest` and `claimtrail documents`."""

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from annotate.commands.common import DbOption, console, err, open_record, print_jsonl
from annotate.commands.preannotate import INDEX_HELP
from annotate.store import statistics


def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or globs.")],
    preannotate: Annotated[bool, typer.Option(help="Propose entities and claims for the new documents (rules annotator).")] = True,
    index: Annotated[bool, typer.Option(help=INDEX_HELP)] = True,
    background: Annotated[bool, typer.Option(help="Queue a job and return (`claimtrail jobs` shows it); workers run it.")] = False,
    db: DbOption = None,
) -> None:
    """Read documents into the record; bad files are reported, the rest go in. A Label Studio
    export with predictions or annotations brings them too, as `labelstudio import --add-documents`."""
    if background:
        from annotate.commands.jobs import enqueue_paths

        job_id = enqueue_paths(open_record(db), paths, preannotate)
        console.print(f"job {job_id} queued: `claimtrail jobs show {job_id}` for its progress", highlight=False)
        return
    from annotate.ingest.pipeline import ingest_items
    from annotate.ingest.readahead import read_files
    from annotate.ingest.readers import expand_paths
    from annotate.ingest.source import ReadError
    from annotate.labelstudio.intake import import_export, predicted_tasks

    record = open_record(db)
    files = list(expand_paths(paths))
    exports = {f: tasks for f in files if isinstance(f, str) and (tasks := predicted_tasks(f)) is not None}
    added, failed = [], 0
    for path, tasks in exports.items():
        outcome = import_export(record, tasks, "cli", path)
        for problem in outcome.problems:
            err.print(f"error: {path}: {problem}", markup=False, highlight=False)
        if outcome.report:
            console.print(f"{path}: {outcome.report.summary()}", markup=False, highlight=False)
            added += outcome.report.document_ids
        failed += bool(outcome.problems)
    items = read_files(f for f in files if isinstance(f, ReadError) or f not in exports)  # before the bar's thread starts
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True) as bar:
        task = bar.add_task("ingesting", total=None)

        def on_item(item) -> None:
            if isinstance(item, ReadError):
                bar.console.print(f"error: {item}", markup=False, highlight=False)
            bar.advance(task)

        report = ingest_items(record.ledger, items, on_item=on_item)
    added += report.added
    console.print(f"{len(added)} added ({len(report.new_versions)} new versions), {len(report.unchanged)} unchanged, {len(report.errors) + failed} failed")
    if preannotate and added:
        from annotate.commands.preannotate import annotate_stored
        from annotate.preannotate.registry import get_annotator

        annotate_stored(record, get_annotator("rules"), added, index)
    record.ledger.checkpoint()
    statistics.refresh(record.engine)
    if report.errors or failed:
        raise typer.Exit(1)


def documents(
    format: Annotated[str, typer.Option(help="jsonl or table")] = "table",
    db: DbOption = None,
) -> None:
    """List stored documents with their metadata and boilerplate spans."""
    from sqlmodel import select

    from annotate.store.models import Document, Publisher

    with open_record(db).session() as session:
        publishers = dict(session.exec(select(Publisher.id, Publisher.name)).all())
        rows = [document_row(d, publishers) for d in session.exec(select(Document).order_by(Document.id))]
    if format == "jsonl":
        return print_jsonl(rows)
    for row in rows:
        console.print(
            f"{row['id']:>5} {row['published'] or '?':<10} {row['publisher'] or '?':<30.30} {row['title'] or row['file_name']}", markup=False, highlight=False
        )


def document_row(doc, publishers: dict[int, str]) -> dict:
    return {
        "id": doc.id,
        "file_name": doc.file_name,
        "title": doc.title,
        "publisher": publishers.get(doc.publisher_id),
        "url": doc.url,
        "published": doc.published,
        "inferred": doc.inferred,
        "text_sha256": doc.sha256,
        "boilerplate": doc.boilerplate,
        "previous_id": doc.previous_id,
    }


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(documents)
