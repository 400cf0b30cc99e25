"""`claimtrail labelstudio …`: the labeling config, importing exports, syncing with a server.

`config` and `import` work on plain files; `push` and `pull` need label-studio-sdk and
say which extra to install when it is missing.
"""

from pathlib import Path
from typing import Annotated

import typer

from annotate.commands.common import DbOption, console, err, open_record
from annotate.errors import ClaimtrailError

app = typer.Typer(no_args_is_help=True, help="Round trip with Label Studio: config, tasks, import, push, pull.")

UrlOption = Annotated[str, typer.Option("--url", help="Label Studio server, e.g. http://127.0.0.1:8080")]
TokenOption = Annotated[str, typer.Option("--token", envvar="LABEL_STUDIO_API_KEY", help="API token (legacy token or personal access token).")]


@app.command("config")
def config(out: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")] = None) -> None:
    """The labeling config XML for a Label Studio project (entities, claim spans, relations)."""
    from annotate.labelstudio.config import build_config

    xml = build_config()
    if out:
        out.write_text(xml + "\n", encoding="utf-8")
        console.print(f"labeling config written to {out}")
    else:
        typer.echo(xml)


@app.command("tasks")
def tasks(
    out: Annotated[Path, typer.Option("-o", "--output", help="JSON file to write.")],
    status: Annotated[list[str], typer.Option(help="Object statuses to include as predictions.")] = ["candidate"],
    db: DbOption = None,
) -> None:
    """Write every document as a Label Studio task, our candidates as predictions."""
    from annotate.labelstudio.tasks import write_tasks

    n = write_tasks(open_record(db), out, statuses=tuple(status))
    console.print(f"{n} tasks written to {out}")


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Label Studio JSON export, snapshot or task file.")],
    user: Annotated[list[str], typer.Option(help="ID=NAME: who a Label Studio user id is (JSON exports carry only ids).")] = [],
    config_file: Annotated[Path | None, typer.Option("--config", exists=True, help="The project's labeling config, if not ours.")] = None,
    add_documents: Annotated[
        bool, typer.Option("--add-documents", help="A task whose text is not a document yet brings it in (one pass: documents and predictions).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Read a Label Studio export back as decisions by its annotators (origin label-studio)."""
    from annotate.labelstudio.importer import Refused, import_tasks, load_export
    from annotate.store import statistics

    users = dict(_pair(u) for u in user)
    config = config_file.read_text(encoding="utf-8") if config_file else None
    record = open_record(db)
    try:
        report = import_tasks(record, load_export(file), config=config, users=users, add_documents=add_documents, path=str(file))
    except Refused as problem:
        raise Refused([f"{file}: {p}" for p in problem.problems]) from None
    statistics.refresh(record.engine)
    console.print(report.summary(), highlight=False, soft_wrap=True)


@app.command()
def push(
    url: UrlOption,
    token: TokenOption,
    project: Annotated[int | None, typer.Option(help="Project id; default: the project titled Claimtrail, made if missing.")] = None,
    page_size: Annotated[int, typer.Option(help="Tasks (or predictions) per import request.")] = 1000,
    db: DbOption = None,
) -> None:
    """Send documents the project lacks, and new predictions where our candidates changed."""
    from annotate.labelstudio import client

    report = _sdk(lambda: client.push(open_record(db), url, token, project, page_size))
    console.print(report.summary(), highlight=False, soft_wrap=True)


@app.command()
def pull(
    url: UrlOption,
    token: TokenOption,
    project: Annotated[int, typer.Option(help="Project id.")],
    page_size: Annotated[int, typer.Option(help="Tasks per page.")] = 100,
    db: DbOption = None,
) -> None:
    """Import the project's annotations as decisions by their Label Studio users."""
    from annotate.labelstudio import client

    report = _sdk(lambda: client.pull(open_record(db), url, token, project, page_size))
    console.print(report.summary(), highlight=False, soft_wrap=True)


def _sdk(call):
    """Run a server call; missing SDK, refusals and server errors become messages."""
    try:
        return call()
    except ClaimtrailError:
        raise  # said by the root command (annotate/commands/common.py)
    except Exception as problem:  # the SDK's HTTP and connection errors have no common base
        err.print(f"error: Label Studio: {type(problem).__name__}: {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _pair(text: str) -> tuple[int, str]:
    key, _, name = text.partition("=")
    if not key.strip().isdigit() or not name:
        raise typer.BadParameter(f"{text!r}: expected ID=NAME, e.g. 1=alice@example.com")
    return int(key), name


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="labelstudio")
