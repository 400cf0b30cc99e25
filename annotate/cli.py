"""The `claimtrail` command: the root Typer app and the record's own commands.

Other command groups live beside it in `annotate/commands/` and register here;
`server.cli` adds the commands that need the web app (serve, demo).
"""

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from annotate.config import Settings
from annotate.store.db import SchemaOutOfDate
from annotate.store.record import Record

app = typer.Typer(no_args_is_help=True, help="Track claims across reports, with a tamper-evident record.")
audit = typer.Typer(no_args_is_help=True, help="Check and read the decision ledger.")
app.add_typer(audit, name="audit")

console = Console()
err = Console(stderr=True)

DbOption = Annotated[Optional[str], typer.Option("--db", help="SQLAlchemy URL; default CLAIMTRAIL_DATABASE_URL or SQLite in CLAIMTRAIL_HOME.")]
AsOfOption = Annotated[Optional[str], typer.Option("--as-of", help="A ledger sequence number or an ISO time.")]


def open_record(db: str | None) -> Record:
    """The record at --db, or exit with the message that says how to fix the schema."""
    try:
        return Record.open(Settings.from_env(db))
    except SchemaOutOfDate as problem:
        err.print(f"[red]error:[/red] {problem}")
        raise typer.Exit(2)


def print_jsonl(rows) -> None:
    for row in rows:
        typer.echo(json.dumps(row, ensure_ascii=False, sort_keys=True))


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database, or upgrade it to the current schema; create the checkpoint key."""
    settings = Settings.from_env(db)
    record = Record.init(settings)
    console.print(f"database ready: {record.engine.url.render_as_string(hide_password=True)}")
    console.print(f"checkpoint key: {settings.resolved_key_file}")


@app.command()
def rebuild(db: DbOption = None) -> None:
    """Rebuild the current tables by replaying the ledger."""
    from annotate.store.ledger import rebuild as rebuild_state

    counts = rebuild_state(open_record(db).engine)
    console.print("rebuilt: " + ", ".join(f"{n} {name}" for name, n in counts.items() if n))


@app.command()
def history(
    target_id: Annotated[int, typer.Argument(metavar="CLAIM_ID")],
    kind: Annotated[str, typer.Option(help="Object type: claim, document, entity, link, thread…")] = "claim",
    as_of: AsOfOption = None,
    format: Annotated[str, typer.Option(help="text or jsonl")] = "text",
    db: DbOption = None,
) -> None:
    """Every version of a claim (or another object): who, when, what changed, why."""
    from annotate.store.history import changed_fields, object_history

    with open_record(db).session() as session:
        entries = object_history(session, kind, target_id, as_of)
    if not entries:
        err.print(f"[red]error:[/red] no {kind} with id {target_id}" + (f" as of {as_of}" if as_of else ""))
        raise typer.Exit(1)
    if format == "jsonl":
        return print_jsonl(entries)
    for entry in entries:
        console.print(f"[bold]v{entry['target_version']}[/bold] #{entry['seq']} {entry['at']} "
                      f"[cyan]{entry['actor']}[/cyan] ({entry['origin']}) {entry['action']}", highlight=False)  # fmt: skip
        for name, old, new in changed_fields(entry):
            console.print(f"    {name}: {json.dumps(old, ensure_ascii=False)} → {json.dumps(new, ensure_ascii=False)}",
                          highlight=False, markup=False)  # fmt: skip
        if entry["rationale"]:
            console.print(f"    why: {entry['rationale']}", highlight=False, markup=False)


@app.command()
def snapshot(
    as_of: AsOfOption = None,
    kind: Annotated[Optional[str], typer.Option(help="Only this object type.")] = None,
    db: DbOption = None,
) -> None:
    """The whole record (JSONL, one object a line) as it stood at a past moment."""
    from annotate.store.ledger import resolve_as_of, state_as_of

    with open_record(db).session() as session:
        seq = resolve_as_of(session, as_of)
        print_jsonl({"type": t, **row} for t, row in state_as_of(session, seq, kind))


@audit.command("verify")
def audit_verify(
    checkpoints: Annotated[list[Path], typer.Option("--checkpoints", help="Extra checkpoint files kept elsewhere.")] = [],
    state: Annotated[bool, typer.Option(help="Also compare the current tables with the ledger.")] = True,
    db: DbOption = None,
) -> None:
    """Recompute the hash chain and check signed checkpoints; exit 1 naming the first bad decision."""
    from annotate.store.checkpoints import file_checkpoints, load_public_key, stored_checkpoints
    from annotate.store.verify import verify

    record = open_record(db)
    settings = record.settings
    key_file = settings.resolved_key_file
    public = load_public_key(key_file) if key_file.exists() else None
    with record.session() as session:
        found = stored_checkpoints(session)
    for path in [settings.checkpoint_file, *checkpoints]:
        found += file_checkpoints(path)
    report = verify(record.engine, public, found, check_state=state)
    if not public:
        err.print(f"[yellow]warning:[/yellow] no key at {key_file}: checkpoints cannot be checked")
    if report.ok:
        console.print(f"OK: {report.size} decisions, head {report.head[:16]}…, {report.checkpoints_checked} signed checkpoints verified")
        return
    for problem in report.problems:
        err.print(f"[red]FAIL[/red] {problem}", highlight=False)
    raise typer.Exit(1)


@audit.command("checkpoint")
def audit_checkpoint(db: DbOption = None) -> None:
    """Sign the ledger head now and copy the checkpoint outside the database."""
    record = open_record(db)
    checkpoint = record.ledger.checkpoint()
    if checkpoint is None:
        err.print("[red]error:[/red] nothing to sign (no key, or an empty ledger); run `claimtrail init` first")
        raise typer.Exit(1)
    console.print(f"checkpoint at decision {checkpoint['seq']}, head {checkpoint['head_hash'][:16]}…, "
                  f"copied to {record.settings.checkpoint_file}")  # fmt: skip


def register_commands() -> None:
    """Command groups that live in their own modules (imported here: they import this one)."""
    from annotate.commands import audit_log, documents, export, labelstudio, links, preannotate, train, users

    for group in (documents, preannotate, train, users, links, export, audit_log, labelstudio):
        group.register(app)


register_commands()


def main() -> None:
    app()
