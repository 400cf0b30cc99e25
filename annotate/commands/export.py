"""`claimtrail export` (a claim set in one format, with its manifest) and `export verify`."""

import os
from pathlib import Path
from typing import Annotated

import typer

from annotate.commands.common import AsOfOption, DbOption, console, err, open_record

export_app = typer.Typer(help="Export claims, and verify an export against the ledger.")


@export_app.callback(invoke_without_command=True)
def export(
    ctx: typer.Context,
    format: Annotated[str | None, typer.Option("--format", "-f", help="jsonl, csv, claimreview, webannotation, prov or labelstudio.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The file to write; the manifest goes beside it.")] = None,
    status: Annotated[list[str], typer.Option(help="Only claims with this status (repeatable): accepted, corrected…")] = [],
    verdict: Annotated[list[str], typer.Option(help="Only claims with this verdict (repeatable).")] = [],
    thread: Annotated[int | None, typer.Option(help="Only claims in this thread (by id).")] = None,
    publisher: Annotated[str | None, typer.Option(help="Only claims from this publisher (name or id).")] = None,
    as_of: AsOfOption = None,
    base_url: Annotated[
        str | None, typer.Option(help="Public address of this record, for the IRIs in JSON-LD and PROV (default CLAIMTRAIL_PUBLIC_URL).")
    ] = None,
    org: Annotated[str | None, typer.Option(help="Name of the organisation that reviews, for ClaimReview's author.")] = None,
    background: Annotated[bool, typer.Option(help="Queue a job and return (`claimtrail jobs show ID` for its progress); a worker writes FILE.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Write over FILE and its manifest if they exist (refused otherwise).")] = False,
    db: DbOption = None,
) -> None:
    """Write the claims as they stood at a ledger sequence (default: now), and FILE.manifest.json."""
    if ctx.invoked_subcommand is not None:
        return
    from exports.claims import Filters
    from exports.manifest import export as run_export
    from exports.manifest import manifest_path

    if not format or not output:
        err.print("[red]error:[/red] give --format and -o FILE (or `claimtrail export verify MANIFEST`)")
        raise typer.Exit(2)
    existing = [path for path in (output, manifest_path(output)) if path.exists()]
    if existing and not replace:  # an earlier export (of another cut, perhaps) is never silently lost
        err.print(f"error: {existing[0]} exists; choose another file, or pass --replace to write over it", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    filters = Filters(tuple(status), tuple(verdict), thread, publisher)
    options = {k: v for k, v in {"base_url": base_url or os.environ.get("CLAIMTRAIL_PUBLIC_URL"), "org": org}.items() if v}
    if background:
        from annotate.jobs.exporting import export_params
        from annotate.jobs.queue import queue_for

        record = open_record(db)
        params = export_params(format, filters, as_of, options, str(output.resolve()))
        job_id = queue_for(record, detached=True).export("cli", "cli", params)
        console.print(
            f"job {job_id} queued: `claimtrail jobs show {job_id}` for its progress; it writes {output.resolve()}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        return
    with open_record(db).session() as session:
        with err.status(f"writing {format} to {output}…"):  # a spinner on a terminal, silent in a pipe
            manifest = run_export(session, format, output, filters, as_of, options, workers=None)  # one per core when big
    counts = manifest["counts"]
    console.print(
        f"{counts['records']} records from {counts['claims']} claims → {output} (as of decision {manifest['ledger']['seq']}); manifest {manifest_path(output)}",
        highlight=False,
        markup=False,
    )


@export_app.command("verify")
def verify(
    manifest: Annotated[Path, typer.Argument(help="The FILE.manifest.json written beside an export.")],
    db: DbOption = None,
) -> None:
    """Re-derive the export from the ledger at its recorded sequence; exit 1 if it no longer matches."""
    from exports.manifest import verify as verify_manifest

    with open_record(db).session() as session:
        with err.status(f"re-deriving {manifest} from the ledger…"):
            result = verify_manifest(session, manifest, workers=None)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    if result.ok:
        console.print(f"OK: {manifest} matches the ledger", highlight=False, markup=False)
        return
    for problem in result.problems:
        err.print(f"[red]FAIL[/red] {problem}", highlight=False)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
