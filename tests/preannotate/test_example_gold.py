"""The pre-annotation gold for the example corpus (examples/gold/preannotate.jsonl) stays
aligned with the reports: every span's text is the document's text at its offsets.

An edit of a report that moves or changes a gold span fails here; rebuild the gold with
`python examples/gold/build_preannotate.py` after fixing the spec in
examples/gold/preannotate_src/. No quality thresholds are asserted here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from examples.gold.check_gold import stored_text

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT / "examples" / "gold"
GOLD = GOLD_DIR / "preannotate.jsonl"
REPORTS = ROOT / "examples" / "reports"
LABELS = {"PERSON", "ORG", "GPE", "LOC", "DATE", "QUANTITY", "MILITARY_UNIT", "NORP"}
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?(/\d{4}-\d{2}(-\d{2})?)?$")

RECORDS = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gold_covers_the_required_documents():
    docs = {r["doc"] for r in RECORDS}
    assert len(docs) == len(RECORDS) >= 8
    assert all((REPORTS / d).is_file() for d in docs)
    outlets = {d.split("_")[1] for d in docs}
    assert outlets >= {"northwatch", "compasswire", "eastbank", "civicmonitor"}
    assert {d for d in docs if d.endswith(".txt")} == {p.name for p in REPORTS.glob("*.txt")}
    with_takeaways = {p.name for p in REPORTS.glob("*.md") if "Key Takeaways" in p.read_text(encoding="utf-8")}
    assert with_takeaways <= docs


@pytest.mark.parametrize("record", RECORDS, ids=[r["doc"] for r in RECORDS])
def test_every_span_matches_the_document_text(record):
    text = stored_text(record["doc"])
    for kind in ("entities", "claims"):
        for item in record[kind]:
            assert 0 <= item["start"] < item["end"] <= len(text), item
            assert text[item["start"] : item["end"]] == item["text"], (record["doc"], kind, item)


@pytest.mark.parametrize("record", RECORDS, ids=[r["doc"] for r in RECORDS])
def test_fields_are_well_formed(record):
    assert all(e["label"] in LABELS for e in record["entities"])
    assert len({(e["start"], e["end"]) for e in record["entities"]}) == len(record["entities"])
    for claim in record["claims"]:
        assert claim["claimant"] is None or claim["claimant"].strip()
        assert claim["event_date"] is None or DATE.match(claim["event_date"]), claim


def test_the_jsonl_is_what_the_specs_build():
    done = subprocess.run([sys.executable, str(GOLD_DIR / "build_preannotate.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
