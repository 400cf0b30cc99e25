"""What every command shares: the options, the two consoles, opening the record, and the one
place where a domain error becomes a message and an exit code."""

import json
from typing import Annotated

import typer
import typer.core
from rich.console import Console

from annotate.errors import ClaimtrailError

console = Console()
err = Console(stderr=True)

DbOption = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL; default CLAIMTRAIL_DATABASE_URL or SQLite in CLAIMTRAIL_HOME.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="A ledger sequence number or an ISO time.")]


class Commands(typer.core.TyperGroup):
    """The root command group: a domain error anywhere below prints its message and exits with
    the error's own code (annotate/errors.py), never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ClaimtrailError as problem:
            err.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(problem.exit_code) from None


def open_record(db: str | None):
    """The record at --db (a schema behind the code is an error that says how to upgrade)."""
    from annotate.config import Settings
    from annotate.store.record import Record

    return Record.open(Settings.from_env(db))


def print_jsonl(rows) -> None:
    for row in rows:
        typer.echo(json.dumps(row, ensure_ascii=False, sort_keys=True))
