"""`claimtrail links …` (suggest, evaluate, add, remove, dismiss) and `claimtrail threads …`
(create, add, remove, rename, merge, verdict, show, suggest)."""

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from annotate.commands.common import DbOption, console, err, open_record, print_jsonl

if TYPE_CHECKING:
    from annotate.linking.index import Encode

links_app = typer.Typer(no_args_is_help=True, help="Links between claims of different documents: suggest, evaluate, review.")
threads_app = typer.Typer(no_args_is_help=True, help="Threads: named stories of linked claims, with verdicts and timelines.")

TopOption = Annotated[int, typer.Option("--top", help="Suggestions per claim.")]
ActorOption = Annotated[str | None, typer.Option("--actor", help="Who decides (default: $USER).")]
WhyOption = Annotated[str, typer.Option("--why", help="The rationale, kept in the ledger.")]


def _actor(actor: str | None) -> str:
    return actor or os.environ.get("USER") or "cli"


@links_app.command("suggest")
def suggest(
    format: Annotated[str, typer.Option(help="jsonl")] = "jsonl",
    top: TopOption = 5,
    db: DbOption = None,
) -> None:
    """Print the top suggestions for every claim, one JSON line per claim."""
    from annotate.linking.suggest import suggest_links

    if format != "jsonl":
        err.print(f"error: --format {format}: only jsonl is supported", markup=False)
        raise typer.Exit(2)
    with open_record(db).session() as session:
        spans = _spans(session)
        for claim_id in sorted(spans):
            found = suggest_links(session, claim_id, top=top)
            print_jsonl(
                [
                    {
                        "claim": spans[claim_id],
                        "suggestions": [{**spans[s.other_id], "relation": s.relation, "score": s.score, "reasons": list(s.reasons)} for s in found],
                    }
                ]
            )


def _spans(session) -> dict[int, dict]:
    from sqlalchemy import select
    from sqlmodel import col

    from annotate.store.models import Claim, Document

    query = select(col(Claim.id), col(Document.file_name), col(Claim.start), col(Claim.end)).join(Document, col(Document.id) == Claim.document_id)
    return {row.id: {"doc": row.file_name, "start": row.start, "end": row.end} for row in session.execute(query)}


@links_app.command("evaluate")
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", exists=True, dir_okay=False, help="Gold links, JSONL.")],
    top: TopOption = 5,
    held_out: Annotated[bool, typer.Option("--held-out", help="Score each story with a judge fitted on the other stories only.")] = False,
    format: Annotated[str, typer.Option(help="text or json")] = "text",
    db: DbOption = None,
) -> None:
    """Recall@K of suggestions and accuracy of relation guesses on gold links, with a confusion matrix and per story."""
    from annotate.linking.evaluate import evaluate as run
    from annotate.linking.evaluate import load_gold
    from annotate.linking.index import index_missing
    from annotate.linking.relations import RELATIONS

    with open_record(db).session() as session:
        index_missing(session)
        report = run(session, load_gold(gold), top=top, held_out=held_out)
    if format == "json":
        return typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    say = typer.echo
    say(f"gold links: {report['links']}, matched to stored claims: {report['matched']}" + (" (leave one story out)" if held_out else ""))
    say(f"recall@{top}: {report['recall_at_k']:.3f}")
    say(f"missed by the top {top}, then found by one search (the other claim's two rarest words): {report['reached_by_search']} of {report['missed']}")
    for relation, r in report["relation_accuracy"].items():
        say(f"relation {relation}: {r['right']}/{r['gold']} = {r['accuracy']:.3f}")
    say(f"relation accuracy, macro-averaged over types: {report['relation_macro']:.3f}")
    say("confusion (rows gold, columns guessed): " + " ".join(f"{r[:11]:>11}" for r in RELATIONS))
    for relation in RELATIONS:
        counts = report["confusion"].get(relation, {})
        say(f"  {relation:<12}" + " " * 28 + " ".join(f"{counts.get(g, 0):>11}" for g in RELATIONS))
    say("per story: links, recall, relation macro")
    for story, r in report["stories"].items():
        say(f"  {story:<70} {r['links']:>3} {r['recall_at_k']:.3f} {r['relation_macro']:.3f}")


@links_app.command("fit")
def fit(
    gold: Annotated[
        list[Path] | None, typer.Option("--gold", exists=True, dir_okay=False, help="Fit on gold links instead of the record's decisions (repeatable).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for judge.json and relations.json (default: the record's own, <home>/models, which its suggestions use)."),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Write over weights already in that folder (refused otherwise).")] = False,
    db: DbOption = None,
) -> None:
    """Fit the pair judge and the relation model on link and dismiss decisions (or on a gold links file).
    Written to the record's own folder, its suggestions use them from then on (the shipped ones are kept)."""
    from annotate.linking import judge, relation_model, training, weights
    from annotate.linking.evaluate import load_gold, matched_links, relation_examples
    from annotate.linking.index import index_missing

    record = open_record(db)
    folder = out or weights.folder_of(record.settings.home)
    existing = [f for f in (folder / "judge.json", folder / "relations.json") if f.exists()]
    if existing and not replace:
        err.print(
            f"error: {existing[0]} exists (the weights there are in use or kept); pass --replace to write over it, or --out FOLDER",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    with record.session() as session:
        index_missing(session)
        if not gold:
            linked, dismissed, rows = training.recorded_decisions(session)
        else:
            rows = matched_links(session, [g for path in gold for g in load_gold(path)])
            linked, dismissed = {frozenset((r["a_claim"], r["b_claim"])) for r in rows}, set()
        if len(rows) < 10:
            err.print(f"error: {len(rows)} links; at least 10 are needed to fit", markup=False)
            raise typer.Exit(1)
        inputs, labels, owners = training.examples(training.pools(session, {c for p in linked | dismissed for c in p}), linked, dismissed)
        model = judge.fit(inputs, labels, owners)
        relations = relation_model.fit(relation_examples(session, rows), [r["relation"] for r in rows])
    folder.mkdir(parents=True, exist_ok=True)
    judge.save(model, folder / judge.DEFAULT.name)
    relation_model.save(relations, folder / relation_model.DEFAULT.name)
    console.print(f"judge and relation model fitted on {len(rows)} links: {folder}", highlight=False, markup=False)


@links_app.command("index")
def index(
    background: Annotated[bool, typer.Option(help="Queue a job and return (`claimtrail jobs show ID`); a worker runs it.")] = False,
    db: DbOption = None,
) -> None:
    """Compute the sentence vectors of every claim that has none (new or edited claims)."""
    if background:
        from annotate.commands.jobs import enqueue_kind

        return enqueue_kind(open_record(db), "index_links")
    console.print(f"{index_claims(open_record(db))} claims indexed", highlight=False)


def index_claims(record, document_ids: list[int] | None = None, encode: "Encode | None" = None) -> int:
    """Sentence vectors for the claims (of these documents) that have none, with a progress bar: what
    a background ingest does after pre-annotation, so new claims can be linked at once. `encode`: the
    encoder's work spread over forked processes (preannotate/processes.py), else this process's."""
    from annotate.linking.index import index_documents, index_missing
    from annotate.linking.vectors import every_core

    with every_core(), Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True) as bar:
        task = bar.add_task("indexing claims for linking", total=None)
        with record.session() as session:
            if document_ids is None:
                return index_missing(session, on_batch=lambda n: bar.advance(task, n), encode=encode)
            return index_documents(session, document_ids, on_batch=lambda n: bar.advance(task, n), encode=encode)


@links_app.command("import")
def import_gold(
    gold: Annotated[Path, typer.Option("--gold", exists=True, dir_okay=False, help="Links, JSONL: {a, b, relation}.")],
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Record links from a JSONL file (spans matched to stored claims), e.g. to seed a demo."""
    from annotate.linking.evaluate import import_links, load_gold
    from annotate.linking.links import Links

    done, skipped = import_links(Links(open_record(db), _actor(actor), "import"), load_gold(gold))
    console.print(f"{done} links recorded, {skipped} skipped (no stored claim for a span)", highlight=False)


@links_app.command("add")
def add(
    a: Annotated[int, typer.Argument(help="Claim id (for updates: the newer claim).")],
    b: Annotated[int, typer.Argument(help="Claim id.")],
    relation: Annotated[str, typer.Option("--relation", help="same_event, supports, contradicts or updates.")],
    why: WhyOption,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Link two claims (a decision in the ledger)."""
    from annotate.linking.links import Links

    made = Links(open_record(db), _actor(actor), "cli").link(a, b, relation, rationale=why).state
    console.print(f"link {made['id']}: claim {a} {relation} claim {b}", highlight=False)


@links_app.command("remove")
def remove(link_id: int, why: WhyOption, actor: ActorOption = None, db: DbOption = None) -> None:
    """Remove a link (the removal is a decision; the link's history stays)."""
    from annotate.linking.links import Links

    Links(open_record(db), _actor(actor), "cli").unlink(link_id, rationale=why)
    console.print(f"link {link_id} removed", highlight=False)


@links_app.command("dismiss")
def dismiss(claim: int, other: int, why: WhyOption = "", actor: ActorOption = None, db: DbOption = None) -> None:
    """Dismiss a suggestion: this pair is not suggested again."""
    from annotate.linking.links import Links

    Links(open_record(db), _actor(actor), "cli").dismiss(claim, other, rationale=why)
    console.print(f"dismissed: claim {claim} ↔ claim {other}", highlight=False)


@threads_app.command("create")
def create(
    name: str,
    claim: Annotated[list[int], typer.Option("--claim", help="A claim in the thread (repeat the option).")],
    description: Annotated[str | None, typer.Option(help="What the story is about.")] = None,
    linked: Annotated[bool, typer.Option(help="Also add every claim linked to the given ones.")] = False,
    why: WhyOption = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Create a thread from claims."""
    from annotate.linking.threads import Threads

    done = Threads(open_record(db), _actor(actor), "cli").create(name, claim, description, why, linked)
    console.print(f"thread {done.state['id']}: {name} ({len(done.changed)} claims)", highlight=False, markup=False)


@threads_app.command("add")
def add_to_thread(
    thread: int,
    claim: int,
    linked: Annotated[bool, typer.Option(help="Also add every claim linked to it, directly or through others.")] = False,
    why: WhyOption = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Add a claim (or it and its linked claims) to a thread: one transaction; refused (exit 2) if all are members already."""
    from annotate.linking.threads import Threads

    added = Threads(open_record(db), _actor(actor), "cli").add(thread, claim, why, linked).changed
    console.print(f"thread {thread}: added claim(s) {', '.join(str(m['claim_id']) for m in added)}", highlight=False)


@threads_app.command("remove")
def remove_from_thread(thread: int, claim: int, why: WhyOption = "", actor: ActorOption = None, db: DbOption = None) -> None:
    """Take a claim out of a thread (a decision; its history and verdicts stay)."""
    from annotate.linking.threads import Threads

    Threads(open_record(db), _actor(actor), "cli").remove(thread, claim, rationale=why)
    console.print(f"thread {thread}: removed claim {claim}", highlight=False)


@threads_app.command("rename")
def rename(
    thread: int,
    name: str,
    version: Annotated[int | None, typer.Option(help="The thread's version you saw; refused if it changed since.")] = None,
    why: WhyOption = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Rename a thread."""
    from annotate.linking.threads import Threads

    done = Threads(open_record(db), _actor(actor), "cli").rename(thread, name, version, why).state
    console.print(f"thread {thread}: {done['name']} (version {done['version']})", highlight=False, markup=False)


@threads_app.command("merge")
def merge(
    thread: int,
    into: int,
    version: Annotated[int | None, typer.Option(help="The merged thread's version you saw; refused if it changed since.")] = None,
    why: WhyOption = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Merge THREAD into INTO: its claims move (with their verdicts), THREAD is marked merged."""
    from annotate.linking.threads import Threads

    done = Threads(open_record(db), _actor(actor), "cli").merge(thread, into, version, rationale=why).state
    console.print(f"thread {thread} merged into thread {done['id']}: {done['name']}", highlight=False, markup=False)


@threads_app.command("verdict")
def verdict(
    thread: int,
    claim: int,
    value: Annotated[str, typer.Argument(metavar="VERDICT")],
    why: WhyOption,
    evidence: Annotated[list[int], typer.Option("--evidence", help="A claim that supports the verdict.")] = [],
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Set the thread's verdict on a claim's proposition: unassessed, corroborated, contested, refuted, unverifiable."""
    from annotate.linking.threads import Threads

    proof = tuple({"claim": e} for e in evidence)
    changed = Threads(open_record(db), _actor(actor), "cli").set_verdict(thread, claim, value, why, proof).changed
    console.print(f"{len(changed)} claim(s) now {value}", highlight=False)


@threads_app.command("show")
def show(
    thread: int,
    format: Annotated[str, typer.Option(help="json or svg")] = "json",
    axis: Annotated[str, typer.Option(help="event or published")] = "event",
    db: DbOption = None,
) -> None:
    """A thread's timeline, as JSON or as an SVG drawing."""
    from annotate.linking.timeline import render_svg, thread_timeline

    if format not in ("json", "svg"):
        err.print(f"error: --format {format}: json or svg", markup=False)
        raise typer.Exit(2)
    with open_record(db).session() as session:
        data = thread_timeline(session, thread, axis)
    typer.echo(render_svg(data) if format == "svg" else json.dumps(data, ensure_ascii=False, indent=2))


@threads_app.command("suggest")
def suggest_threads(
    min_size: Annotated[int, typer.Option(help="Smallest component worth a thread.")] = 3,
    create: Annotated[bool, typer.Option(help="Create a thread for each, named after its entities.")] = False,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Linked groups of claims not yet in any thread, as JSON lines (or made into threads)."""
    from annotate.linking.threads import Threads
    from annotate.linking.threads import suggest_threads as find

    record = open_record(db)
    with record.session() as session:
        found = find(session, min_size)
    if not create:
        return print_jsonl(found)
    for group in found:
        why = "a linked group of claims not yet in a thread"
        thread = Threads(record, _actor(actor), "cli").create(group["name"], group["claim_ids"], rationale=why).state
        console.print(f"thread {thread['id']}: {group['name']} ({len(group['claim_ids'])} claims)", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(links_app, name="links")
    app.add_typer(threads_app, name="threads")
