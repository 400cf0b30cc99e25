"""A small end-to-end run of the learning loop on our gold documents.

    .venv/bin/python -m tests.preannotate.measure_training [--epochs 10]

A fresh SQLite record in a temporary CLAIMTRAIL_HOME gets the twelve documents with
entity gold (samples and three held-out sets); the rules propose; a simulated reviewer
accepts the candidates that match the gold exactly, rejects the others and adds what is
missing; then `claimtrail train` runs on it and prints its per-label table. Twelve
documents are far below the real minimum, so --min-sentences is lowered.
"""

import hashlib
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

from sqlalchemy import insert
from sqlmodel import select
from typer.testing import CliRunner

from annotate.cli import app
from annotate.config import Settings
from annotate.preannotate.learning import learned_rules_annotator
from annotate.preannotate.store import preannotate
from annotate.store.ledger import Change
from annotate.store.models import DocumentText, Mention
from annotate.store.record import Record

SETS = [("samples", HERE / "gold" / "samples.jsonl")] + [(d, HERE / d / "gold.jsonl") for d in ("heldout", "heldout2", "heldout3")]


def load(record: Record) -> dict[int, list[dict]]:
    """Store every gold document's text; document id -> its gold entities."""
    gold = {}
    with record.ledger.writer("cli", "cli") as w:
        for folder, path in SETS:
            for row in map(json.loads, path.read_text().splitlines()):
                text = (HERE / folder / row["doc"]).read_text(encoding="utf-8")
                sha = hashlib.sha256(text.encode()).hexdigest()
                w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
                doc = w.apply(Change("document.ingested", "document", set={"sha256": sha, "file_name": row["doc"], "length": len(text)}))
                gold[doc["id"]] = row["entities"]
    return gold


def review(record: Record, gold: dict[int, list[dict]]) -> dict[str, int]:
    """Accept exact matches, reject the rest, add what the rules missed."""
    counts = {"accepted": 0, "rejected": 0, "added": 0}
    with record.session() as session:
        proposed = session.exec(select(Mention)).all()
    with record.ledger.writer("reviewer", "ui") as w:
        seen = set()
        for m in proposed:
            key = (m.start, m.end, m.label)
            ok = any((g["start"], g["end"], g["label"]) == key for g in gold[m.document_id])
            w.apply(Change(f"mention.{'accepted' if ok else 'rejected'}", "mention", m.id, {"status": "accepted" if ok else "rejected"}))
            counts["accepted" if ok else "rejected"] += 1
            seen.add((m.document_id, *key))
        for doc_id, entities in gold.items():
            for g in entities:
                if (doc_id, g["start"], g["end"], g["label"]) not in seen:
                    w.apply(
                        Change(
                            "mention.added",
                            "mention",
                            set={"document_id": doc_id, "start": g["start"], "end": g["end"], "text": g["text"], "label": g["label"], "status": "accepted"},
                        )
                    )
                    counts["added"] += 1
    return counts


def main(args: list[str]) -> None:
    home = Path(tempfile.mkdtemp(prefix="claimtrail-train-"))
    settings = Settings(home=home)
    record = Record.init(settings)
    gold = load(record)
    with record.session() as session:
        rules = learned_rules_annotator(session)
    preannotate(record.ledger, rules)
    print(f"{len(gold)} documents; simulated review: {review(record, gold)}")
    result = CliRunner().invoke(
        app,
        ["train", "--db", settings.resolved_database_url, "--min-sentences", "20", "--min-support", "3", *args],
        env={"CLAIMTRAIL_HOME": str(home), "COLUMNS": "100"},
    )
    print(result.output)


if __name__ == "__main__":
    main(sys.argv[1:])
