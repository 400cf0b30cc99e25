"""`claimtrail preannotate`: candidates for files (no database) or for stored documents."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from annotate.commands.common import DbOption, console, err, open_record
from annotate.store import statistics

BACKGROUND_HELP = (
    "Queue a job and return (`claimtrail jobs show ID`): the rules annotator, with what it learned from reviewers, "
    "for every stored document it has not done, and the new claims indexed for linking; a worker runs it."
)
INDEX_HELP = "Compute the new claims' sentence vectors now, so they can be linked at once (else `links index` does, or each link suggestion a few)."


def preannotate(
    files: Annotated[list[str] | None, typer.Argument(help="Files to annotate without a database; none: the stored documents.")] = None,
    format: Annotated[str, typer.Option(help="Output for FILE mode: jsonl.")] = "jsonl",
    annotator: Annotated[str, typer.Option(help="Annotator name (see --list).")] = "rules",
    document: Annotated[list[int] | None, typer.Option(help="Only these stored document ids.")] = None,
    index: Annotated[bool, typer.Option(help=INDEX_HELP)] = True,
    list_annotators: Annotated[bool, typer.Option("--list", help="List the available annotators.")] = False,
    background: Annotated[bool, typer.Option(help=BACKGROUND_HELP)] = False,
    db: DbOption = None,
) -> None:
    """Propose entities and claims: printed as JSONL for FILEs, or recorded for stored documents."""
    from annotate.config import Settings
    from annotate.preannotate.model import MODEL_ANNOTATORS, NoModel, model_annotator
    from annotate.preannotate.registry import available, get_annotator

    if list_annotators:
        return console.print("\n".join(available() + list(MODEL_ANNOTATORS)))
    try:  # the model annotators need a model trained by `claimtrail train`
        chosen = model_annotator(annotator, Settings.from_env(db).home) if annotator in MODEL_ANNOTATORS else get_annotator(annotator)
    except (KeyError, NoModel) as problem:
        err.print(f"error: {problem.args[0]}", markup=False)
        raise typer.Exit(2) from None
    if files:
        raise typer.Exit(_annotate_files(chosen, files, format))
    if background:
        if annotator != "rules" or document:
            err.print("error: --background runs the rules annotator on every stored document it has not done: drop --annotator and --document", markup=False)
            raise typer.Exit(2)
        from annotate.commands.jobs import enqueue_kind

        return enqueue_kind(open_record(db), "preannotate")
    record = open_record(db)
    annotate_stored(record, chosen, document, index)
    record.ledger.checkpoint()
    statistics.refresh(record.engine)


def _annotate_files(chosen, files: list[str], format: str) -> int:
    """One JSON object per document, offsets into the text exactly as ingestion stores it."""
    from annotate.preannotate.jsonl import candidates_to_json

    if format != "jsonl":
        err.print(f"error: --format {format}: only jsonl is supported", markup=False)
        return 2
    documents, failed = read_inputs(files)
    for name, doc in documents:
        entities, claims = chosen.annotate(doc)
        typer.echo(json.dumps(candidates_to_json(name, doc.text, entities, claims, chosen), ensure_ascii=False))
    return 1 if failed else 0


def read_inputs(files: list[str]) -> tuple[list[tuple[str, object]], int]:
    """(file name, annotator input) for each readable document, as ingestion would store it;
    unreadable files are reported on stderr and counted."""
    from annotate.ingest.readers import read_paths
    from annotate.ingest.source import ReadError
    from annotate.preannotate.base import DocumentInput

    items = list(read_paths(files))
    for problem in (i for i in items if isinstance(i, ReadError)):
        err.print(f"error: {problem}", markup=False, highlight=False)
    docs = [i for i in items if not isinstance(i, ReadError)]
    inputs = [
        (d.file_name, DocumentInput(d.text, d.published, d.publisher, d.title, tuple((s["start"], s["end"]) for s in spans)))
        for d, spans in zip(docs, _boilerplate_across(docs))
    ]
    return inputs, len(items) - len(docs)


def evaluate(
    gold: Annotated[str, typer.Option(help="Gold JSONL: one object per document {doc, entities, claims}.")],
    docs: Annotated[list[str], typer.Argument(help="The documents the gold describes (files, folders or globs).")],
    annotator: Annotated[str, typer.Option(help="Annotator name (see preannotate --list).")] = "rules",
    sentences: Annotated[
        str | None, typer.Option(help="Sentence labels JSONL (claim/not/skip) for claim precision; default: sentences.jsonl beside the gold, if there.")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Claim score below which candidates are hidden (default: CLAIMTRAIL_CLAIM_THRESHOLD or 0.5).")
    ] = None,
    misses: Annotated[bool, typer.Option("--misses", help="Also list each gold claim not found or found with a wrong claimant or event date.")] = False,
) -> None:
    """Entity P/R/F1 per label, claim recall, claimant and event-date accuracy, reviewer effort, and claim precision by sentence."""
    from annotate.preannotate.evaluate import evaluate as score
    from annotate.preannotate.evaluate import format_misses, format_report, predictions, read_jsonl
    from annotate.preannotate.registry import get_annotator
    from annotate.preannotate.sentence_scores import format_sentences, score_sentences
    from annotate.preannotate.shown import BadThreshold, claim_threshold

    try:
        threshold = claim_threshold() if threshold is None else threshold
        expected = read_jsonl(gold)
        labelled = read_jsonl(sentences or _beside(gold)) if sentences or Path(_beside(gold)).exists() else None
    except (OSError, ValueError, BadThreshold) as problem:
        err.print(f"error: {problem}", markup=False)
        raise typer.Exit(2) from None
    documents, failed = read_inputs(docs)
    by_name = {Path(g["doc"]).name: g["doc"] for g in expected}  # gold may name "folder/file.txt"
    documents = [(by_name.get(name, name), doc) for name, doc in documents]
    missing = sorted({g["doc"] for g in expected} - {name for name, _ in documents})
    if missing:
        err.print(f"error: {gold}: no document given for {', '.join(missing)}", markup=False)
        raise typer.Exit(2)
    predicted = predictions(get_annotator(annotator), documents)
    report = score(expected, predicted, threshold=threshold)
    out = format_report(report)
    if labelled is not None:
        out += "\n" + format_sentences(score_sentences(labelled, predicted, threshold), threshold)
    if misses:
        out += "\n" + format_misses(report)
    typer.echo(out)  # not console.print: it wraps long lines at the terminal width
    if failed:
        raise typer.Exit(1)


def _beside(gold: str) -> str:
    return str(Path(gold).with_name("sentences.jsonl"))


def _boilerplate_across(docs) -> list[list[dict]]:
    """Boilerplate as ingestion would mark it, with the given files as the corpus."""
    from collections import Counter

    from annotate.ingest.boilerplate import boilerplate_spans, paragraphs

    hashes = [{p.hash for p in paragraphs(d.text)} for d in docs]
    seen = Counter(h for own in hashes for h in own)
    return [boilerplate_spans(d.text, lambda h, own=own: seen[h] - (h in own)) for d, own in zip(docs, hashes)]


def annotate_stored(record, chosen, document_ids, index: bool = True) -> None:
    """Record candidates for stored documents (all not yet done by this annotator version, or these)."""
    from annotate.preannotate.learning import learned_rules_annotator
    from annotate.preannotate.model import CombinedAnnotator
    from annotate.preannotate.processes import annotating_processes, encoding
    from annotate.preannotate.rules import RulesAnnotator
    from annotate.preannotate.store import preannotate as run

    if isinstance(chosen, RulesAnnotator):  # the rules learn from the record's reviewer decisions
        with record.session() as session:
            chosen = learned_rules_annotator(session)
    elif isinstance(chosen, CombinedAnnotator):  # so do the rules beside a model
        with record.session() as session:
            chosen = CombinedAnnotator(learned_rules_annotator(session), chosen.model)
    documents = len(document_ids) if document_ids is not None else _documents(record)
    with annotating_processes(chosen, documents) as pool:  # forks before the bar's thread starts
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True) as bar:
            task = bar.add_task(f"{chosen.name}@{chosen.version}", total=None)
            report = run(record.ledger, chosen, document_ids, on_document=lambda _: bar.advance(task), pool=pool)
        for problem in report.failed:
            err.print(f"error: {problem}", markup=False, highlight=False)
        console.print(
            f"{report.documents} documents annotated ({report.skipped} already done): "
            f"{report.mentions} mentions, {report.claims} claims, {report.entities} new entities"
            + (f"; {report.held} candidates the documents held already not proposed again" if report.held else "")
        )
        if report.claims and index:
            from annotate.commands.links import index_claims

            indexed = index_claims(record, document_ids, encoding(pool) if pool else None)
            console.print(f"{indexed} claims indexed for linking", highlight=False)
    if report.failed:
        raise typer.Exit(1)


def _documents(record) -> int:
    from sqlalchemy import func, select

    from annotate.store.models import Document

    with record.session() as session:
        return session.execute(select(func.count()).select_from(Document)).scalar() or 0


def register(app: typer.Typer) -> None:
    app.command()(preannotate)
    app.command()(evaluate)
