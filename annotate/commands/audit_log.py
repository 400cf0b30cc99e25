"""`claimtrail audit`: verify the chain, sign a checkpoint, read who changed what (`log`), take a decision back (`revert`)."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from annotate.commands.common import DbOption, console, err, open_record

audit = typer.Typer(no_args_is_help=True, help="Check and read the decision ledger.")


@audit.command("verify")
def audit_verify(
    checkpoints: Annotated[
        list[Path], typer.Option("--checkpoints", help="Extra checkpoint files, or witness folders (`audit checkpoint --publish`), kept elsewhere.")
    ] = [],
    state: Annotated[bool, typer.Option(help="Also compare the current tables with the ledger.")] = True,
    db: DbOption = None,
) -> None:
    """Recompute the hash chain and check signed checkpoints; exit 1 naming the first bad decision."""
    from annotate.store.checkpoints import (
        file_checkpoints,
        load_public_key,
        stored_checkpoints,
    )
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
def audit_checkpoint(
    publish: Annotated[
        Path | None, typer.Option("--publish", help="Also append it (and the public key) to this witness folder, kept off the database host.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Sign the ledger head now and copy the checkpoint outside the database."""
    record = open_record(db)
    checkpoint = record.ledger.checkpoint()
    if checkpoint is None:
        err.print("[red]error:[/red] nothing to sign (no key, or an empty ledger); run `claimtrail init` first")
        raise typer.Exit(1)
    copies = [str(record.settings.checkpoint_file)]
    if publish is not None:
        copies.append(str(record.ledger.signer.publish(checkpoint, publish)))
    console.print(
        f"checkpoint at decision {checkpoint['seq']}, head {checkpoint['head_hash'][:16]}…, copied to {' and '.join(copies)}", highlight=False, markup=False
    )


@audit.command("log")
def log(
    user: Annotated[str | None, typer.Option(help="Only decisions by this user or annotator (with --as-role reviewer: you).")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. claim.accepted or claim.*")] = None,
    since: Annotated[str | None, typer.Option(help="From this ISO date or time.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this ISO date (the whole day) or time.")] = None,
    document: Annotated[int | None, typer.Option(help="Decisions on this document, its claims, mentions and links.")] = None,
    claim: Annotated[int | None, typer.Option(help="Decisions on this claim, its links and verdicts.")] = None,
    thread: Annotated[int | None, typer.Option(help="Decisions on this thread and its claims.")] = None,
    as_role: Annotated[str, typer.Option(help="reviewer (your own decisions only), lead or admin (everyone's).")] = "admin",
    format: Annotated[str, typer.Option(help="table, jsonl or csv")] = "table",
    oldest_first: Annotated[bool, typer.Option(help="Oldest first (default newest first).")] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many (the table defaults to 200).")] = None,
    before: Annotated[int | None, typer.Option(help="Only decisions older than this one (the next page of the newest-first log: the last # shown).")] = None,
    db: DbOption = None,
) -> None:
    """Who changed what, when, and from what: decisions with their before/after diff."""
    from annotate.review.audit import AuditFilter, Viewer, audit_log, chain_status

    if as_role == "reviewer" and not user:
        err.print("[red]error:[/red] --as-role reviewer needs --user NAME: a reviewer sees their own decisions")
        raise typer.Exit(2)
    record = open_record(db)
    viewer = Viewer(user or "", as_role)
    filters = AuditFilter(user, action, since, until, document, claim, thread)
    limit = limit if limit is not None or format != "table" else 200
    with record.session() as session:
        entries = audit_log(session, filters, viewer, newest_first=not oldest_first, limit=limit, before=before)
        if format == "jsonl":
            for e in entries:
                typer.echo(json.dumps(e, ensure_ascii=False, sort_keys=True))
        elif format == "csv":
            _csv(entries)
        else:
            _table(entries, chain_status(record))


def _csv(entries) -> None:
    from annotate.review.audit import CSV_COLUMNS, flat
    from exports.csv import write_rows

    write_rows(map(flat, entries), sys.stdout, CSV_COLUMNS)


def _table(entries, chain: dict) -> None:
    from annotate.review.audit import describe_changes

    if chain["ok"]:
        console.print(
            f"chain OK: {chain['size']} decisions, head {chain['head'][:16]}…, {chain['checkpoints_checked']} signed checkpoints verified", highlight=False
        )
    else:
        console.print(f"[red]chain FAILS:[/red] {chain['problems'][0]}", highlight=False)
    last = chain["last_checkpoint"]
    console.print(
        f"last checkpoint: decision {last['seq']} at {last['at']}, head {last['head_hash'][:16]}…"
        if last
        else "last checkpoint: none yet (`claimtrail audit checkpoint` signs one)",
        highlight=False,
    )
    table = Table("#", "when (UTC)", "who", "action", "target", "changes", "why")
    for e in entries:
        action = e["action"] + (f"\n(reverts #{e['reverts']})" if e["reverts"] else "")
        target = f"{e['target_type']} {e['target_id']} v{e['target_version']}"
        table.add_row(
            str(e["seq"]),
            e["at"][:19].replace("T", " "),
            f"{e['actor']} ({e['origin']})",
            action,
            target,
            describe_changes(e["changes"], width=40),
            e["rationale"],
        )
    console.print(table, markup=False, highlight=False)


@audit.command("revert")
def revert(
    seq: Annotated[int, typer.Argument(help="The decision to take back.")],
    user: Annotated[str, typer.Option(help="Who reverts (recorded as the actor).")] = "cli",
    why: Annotated[str, typer.Option(help="The rationale, kept with the new decision.")] = "",
    db: DbOption = None,
) -> None:
    """Take a decision back with a new decision that restores the values it changed."""
    from annotate.review.operations import Review

    done = Review(open_record(db), user, "cli", role="admin").revert(seq, why)
    console.print(f"reverted #{seq} with a new decision; the object is now at version {done.state['version']}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(audit, name="audit")
