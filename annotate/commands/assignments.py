"""`claimtrail assign` (documents onto a reviewer's queue) and `claimtrail assignments …` (list, done,
approve, send-back, dashboard). The command line holds the database, so it acts with the admin role
under `--actor` (default: $USER)."""

import os
from typing import Annotated

import typer

from annotate.commands.common import DbOption, console, open_record, print_jsonl

assignments_app = typer.Typer(no_args_is_help=True, help="Documents on reviewers' queues: to do → in review → done → approved.")

ActorOption = Annotated[str | None, typer.Option("--actor", help="Who decides (default: $USER).")]
Version = Annotated[int | None, typer.Option("--version", help="The assignment's version you saw (default: the current one).")]


def _actor(actor: str | None) -> str:
    return actor or os.environ.get("USER") or "cli"


def _desk(db: str | None, actor: str | None):
    from annotate.review.assignments import Assignments

    return Assignments(open_record(db), _actor(actor), "cli", "admin")


def _said(done, text: str) -> None:
    console.print(
        f"{text} (decision{'s' if len(done.decisions) != 1 else ''} {', '.join(f'#{s}' for s in done.decisions) or 'none'})", markup=False, highlight=False
    )
    for warning in done.warnings:
        console.print(f"note: {warning}", markup=False, highlight=False)


def assign(
    documents: Annotated[list[int] | None, typer.Argument(help="Document ids (or use the filters).")] = None,
    to: Annotated[str, typer.Option("--to", help="The reviewer whose queue they go on.")] = "",
    unassigned: Annotated[bool, typer.Option(help="Every document on nobody's queue.")] = False,
    q: Annotated[str, typer.Option("--q", help="Documents whose text or claims have these words.")] = "",
    publisher: Annotated[int | None, typer.Option(help="Documents of this publisher id.")] = None,
    date_from: Annotated[str, typer.Option(help="Published on or after (YYYY-MM-DD).")] = "",
    date_to: Annotated[str, typer.Option(help="Published on or before.")] = "",
    todo: Annotated[bool, typer.Option(help="Only documents with candidates left.")] = False,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Put documents on a reviewer's queue: listed ids, or every document the filters match."""
    from annotate.review.queue import QueueFilter

    if not to:
        raise typer.BadParameter("say whose queue: --to NAME", param_hint="--to")
    desk = _desk(db, actor)
    if documents:
        done = desk.assign(documents, to)
    else:
        if not (unassigned or q or publisher or date_from or date_to or todo):
            raise typer.BadParameter("give document ids, or a filter (--unassigned, --q, --publisher, --date-from, --date-to, --todo)")
        f = QueueFilter(
            q=q, publisher_id=publisher, date_from=date_from, date_to=date_to, status="todo" if todo else "all", review="none" if unassigned else ""
        )
        with open_record(db).session() as session:
            done = desk.assign_matching(session, f, to)
    _said(done, f"assigned {len(done.decisions)} document(s) to {to}")


@assignments_app.command("list")
def list_(
    reviewer: Annotated[str, typer.Option(help="Only this reviewer's documents.")] = "",
    review: Annotated[str, typer.Option(help="open, todo, in_review, done, approved, sent_back or none.")] = "",
    format: Annotated[str, typer.Option(help="table or jsonl")] = "table",
    db: DbOption = None,
) -> None:
    """Documents with who has them and where their review stands, newest first."""
    from annotate.review.queue import REVIEWS, QueueFilter, queue_page

    if review not in REVIEWS:
        raise typer.BadParameter(f"one of {', '.join(r for r in REVIEWS if r)}", param_hint="--review")
    f, rows = QueueFilter(status="all", assignee=reviewer, review=review), []
    with open_record(db).session() as session:
        while True:
            page = queue_page(session, f, per_page=500)
            rows += page.rows
            if page.older is None:
                break
            f = QueueFilter(status="all", assignee=reviewer, review=review, after=page.older)
    if format == "jsonl":
        return print_jsonl(vars(r) for r in rows)
    for r in rows:
        state = f"{r.review or '-':<10} {r.reviewer or '':<16}"
        console.print(f"{r.id:>6} {state} {r.left:>4} left  {r.title}" + (f"  [sent back: {r.note}]" if r.note else ""), markup=False, highlight=False)


@assignments_app.command("done")
def done(document: int, version: Version = None, why: Annotated[str, typer.Option("--why")] = "", actor: ActorOption = None, db: DbOption = None) -> None:
    """Mark a document done (its reviewer, or a lead)."""
    _said(_desk(db, actor).done(document, version, why), f"document {document} done")


@assignments_app.command("approve")
def approve(document: int, version: Version = None, why: Annotated[str, typer.Option("--why")] = "", actor: ActorOption = None, db: DbOption = None) -> None:
    """Approve a document marked done."""
    _said(_desk(db, actor).approve(document, version, why), f"document {document} approved")


@assignments_app.command("send-back")
def send_back(
    document: int,
    note: Annotated[str, typer.Option("--note", help="What needs another look (required).")],
    to: Annotated[str | None, typer.Option("--to", help="Another reviewer (default: the same).")] = None,
    version: Version = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Send a done or approved document back with a note, to the same reviewer or another."""
    _said(_desk(db, actor).send_back(document, note, to, version), f"document {document} sent back")


@assignments_app.command("dashboard")
def dashboard(format: Annotated[str, typer.Option(help="table or jsonl")] = "table", db: DbOption = None) -> None:
    """Per reviewer: documents to do, in review, sent back, done, approved; decisions; time in review per document."""
    from annotate.review.assignments import dashboard as rows

    with open_record(db).session() as session:
        found = rows(session)
    if format == "jsonl":
        return print_jsonl({**vars(r), "seconds_per_document": r.per_document} for r in found)
    console.print(f"{'reviewer':<16} {'to do':>6} {'review':>6} {'back':>5} {'done':>5} {'appr.':>6} {'decisions':>9} {'s/doc':>7}", markup=False)
    for r in found:
        per = "-" if r.per_document is None else f"{r.per_document:.0f}"
        console.print(
            f"{r.name:<16} {r.todo:>6} {r.in_review:>6} {r.sent_back:>5} {r.done:>5} {r.approved:>6} {r.decisions:>9} {per:>7}", markup=False, highlight=False
        )


def register(app: typer.Typer) -> None:
    app.command()(assign)
    app.add_typer(assignments_app, name="assignments")
