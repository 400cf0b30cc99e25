"""The `claimtrail` command: annotate's commands plus `serve` and `demo`, which need the web app."""

import os
from pathlib import Path
from typing import Annotated

import typer

from annotate.cli import app
from annotate.commands.common import console, err

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reports"  # not gold/: the demo ingests reports
GOLD_LINKS = EXAMPLES.parent / "gold" / "links.jsonl"  # links only: the demo's claims stay the annotator's
HostOption = Annotated[str, typer.Option(help="Address to listen on.")]
PortOption = Annotated[int | None, typer.Option(help="Port to listen on (default: $PORT, else 8000).")]


def default_port() -> int:
    return int(os.environ.get("PORT", "8000"))


def build_app(demo: bool):
    """The app, or exit with the reason it refused to start (secret, schema)."""
    from annotate.store.db import SchemaOutOfDate
    from server.app import create_app
    from server.settings import InsecureSettings

    try:
        return create_app(demo=demo)
    except (InsecureSettings, SchemaOutOfDate) as problem:
        err.print(f"[red]error:[/red] {problem}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(2) from None


def run(web_app, host: str, port: int) -> None:
    import copy

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from annotate.jobs.tasks import log as job_log

    # On SQLite this process runs the uploads' jobs: a line for each part, beside uvicorn's own.
    log_config = copy.deepcopy(LOGGING_CONFIG)
    log_config["loggers"][job_log.name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    # No proxy headers from uvicorn: it would believe X-Forwarded-For from any local client;
    # the app reads them itself, from CLAIMTRAIL_TRUSTED_PROXIES only (server/auth.py).
    uvicorn.run(web_app, host=host, port=port, proxy_headers=False, log_level="info", log_config=log_config)


@app.command()
def serve(host: HostOption = "127.0.0.1", port: PortOption = None) -> None:
    """Serve the review workbench and the JSON API (needs CLAIMTRAIL_SECRET)."""
    run(build_app(demo=False), host, port or default_port())


@app.command()
def demo(host: HostOption = "127.0.0.1", port: PortOption = None) -> None:
    """Set up a demo record from examples/ (in CLAIMTRAIL_HOME) with user demo/demo, and serve it."""
    from annotate.accounts import AccountError, add_user
    from annotate.config import Settings
    from annotate.ingest.pipeline import ingest_paths
    from annotate.store.record import Record

    record = Record.init(Settings.from_env())
    report = ingest_paths(record.ledger, [str(EXAMPLES)])
    console.print(f"examples: {len(report.added)} added, {len(report.unchanged)} already there, {len(report.errors)} failed")
    preannotate(record, report.added)
    seed_links(record)
    try:
        add_user(record, "demo", "lead", "demo", weak_ok=True)
    except AccountError:
        pass  # kept from an earlier run
    record.engine.dispose()
    port = port or default_port()
    console.print(f"\nClaimtrail demo: open http://{host}:{port}/  and sign in as  demo / demo\n", highlight=False)
    run(build_app(demo=True), host, port)


def preannotate(record, document_ids: list[int]) -> None:
    """Store the rules annotator's candidates for new documents, when pre-annotation is installed."""
    try:
        from annotate.preannotate.registry import get_annotator
        from annotate.preannotate.store import preannotate as store
    except ImportError:
        console.print("pre-annotation is not available here: documents have no candidates yet")
        return
    if document_ids:
        report = store(record.ledger, get_annotator("rules"), document_ids)
        console.print(f"pre-annotation: {report.claims} claim and {report.mentions} entity candidates")


def seed_links(record) -> None:
    """Link the example claims as examples/gold/links.jsonl says and make threads of the linked
    groups, so a reviewer can go from a claim to its story's timeline. Once: a rerun keeps them."""
    from sqlalchemy import select
    from sqlmodel import col

    from annotate.linking.evaluate import import_links, load_gold
    from annotate.linking.links import Links
    from annotate.linking.threads import Threads, suggest_threads
    from annotate.store.models import ClaimLink

    with record.session() as session:
        if not GOLD_LINKS.is_file() or session.execute(select(col(ClaimLink.id)).limit(1)).first():
            return
    linked, skipped = import_links(Links(record, "demo", "import"), load_gold(GOLD_LINKS))
    with record.session() as session:
        groups = suggest_threads(session)
    for group in groups:
        Threads(record, "demo", "import").create(group["name"], group["claim_ids"], rationale="a linked group of claims in the demo")
    console.print(f"links: {linked} recorded ({skipped} without a matching claim), {len(groups)} threads")


def main() -> None:
    app()
