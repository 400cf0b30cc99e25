"""The `claimtrail` command: the root Typer app and the record's own commands.

Other command groups live beside it in `annotate/commands/` and register here;
`server.cli` adds the commands that need the web app (serve, demo).
"""

import json
from typing import Annotated

import typer

from annotate.commands import (
    assignments,
    audit_log,
    documents,
    export,
    jobs,
    labelstudio,
    links,
    preannotate,
    train,
    users,
)
from annotate.commands.common import (
    AsOfOption,
    Commands,
    DbOption,
    console,
    err,
    open_record,
    print_jsonl,
)

app = typer.Typer(cls=Commands, no_args_is_help=True, help="Track claims across reports, with a tamper-evident record.")


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database, or upgrade it to the current schema; create the checkpoint key."""
    from annotate.config import Settings
    from annotate.store.record import Record

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
        console.print(
            f"[bold]v{entry['target_version']}[/bold] #{entry['seq']} {entry['at']} [cyan]{entry['actor']}[/cyan] ({entry['origin']}) {entry['action']}",
            highlight=False,
        )
        for name, old, new in changed_fields(entry):
            console.print(f"    {name}: {json.dumps(old, ensure_ascii=False)} → {json.dumps(new, ensure_ascii=False)}", highlight=False, markup=False)
        if entry["rationale"]:
            console.print(f"    why: {entry['rationale']}", highlight=False, markup=False)


@app.command()
def snapshot(
    as_of: AsOfOption = None,
    kind: Annotated[str | None, typer.Option(help="Only this object type.")] = None,
    db: DbOption = None,
) -> None:
    """The whole record (JSONL, one object a line) as it stood at a past moment."""
    from annotate.store.ledger import resolve_as_of, state_as_of

    with open_record(db).session() as session:
        seq = resolve_as_of(session, as_of)
        print_jsonl({"type": t, **row} for t, row in state_as_of(session, seq, kind))


for group in (documents, assignments, preannotate, train, users, links, export, audit_log, labelstudio, jobs):
    group.register(app)  # command groups that live in their own modules


def main() -> None:
    app()
