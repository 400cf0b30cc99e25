"""The `links` and `threads` commands, and evaluation against a tiny gold file."""

import json
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from annotate.cli import app
from annotate.linking.evaluate import load_gold, match_span
from annotate.store.ledger import history


@pytest.fixture
def run(record, monkeypatch):
    monkeypatch.setenv("CLAIMTRAIL_HOME", str(record.settings.home))
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, [*args, "--db", record.settings.resolved_database_url])
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


@pytest.fixture
def corpus(newsroom):
    city = newsroom.entity("Soledar")
    wire = newsroom.story(
        "wire.md",
        "2023-01-10",
        "Compass Wire",
        "Officials said troops may pull back from Soledar if the salt mines are surrounded.",
        "Heavy snow fell across the region on Monday.",
        entity_ids=[city],
    )
    daily = newsroom.story(
        "daily.md",
        "2023-01-16",
        "Eastbank Daily",
        "Ukrainian troops pulled back from Soledar after the salt mines were surrounded.",
        "The mayor denied that Soledar schools had closed.",
        entity_ids=[city],
    )
    return {"hedged": wire[0], "snow": wire[1], "done": daily[0], "schools": daily[1], "texts": newsroom.texts}


def span(newsroom, doc_name, text, shift=0):
    doc_id = next(i for i, t in newsroom.texts.items() if text in t)
    start = newsroom.texts[doc_id].index(text)
    return {"doc": doc_name, "start": start + shift, "end": start + len(text) - shift}


def test_suggest_prints_one_line_per_claim(run, corpus):
    lines = [json.loads(line) for line in run("links", "suggest", "--format", "jsonl", "--top", "3").splitlines()]
    assert len(lines) == 4
    first = lines[0]
    assert first["claim"] == {"doc": "wire.md", "start": 0, "end": 82}
    top = first["suggestions"][0]
    assert (top["doc"], top["relation"]) == ("daily.md", "updates")
    assert set(top) == {"doc", "start", "end", "relation", "score", "reasons"}
    assert any(r.startswith("shared entities: Soledar") for r in top["reasons"])


def test_evaluate_on_a_tiny_gold_file(run, record, newsroom, corpus, tmp_path):
    gold = tmp_path / "links.jsonl"
    rows = [
        {
            "a": span(newsroom, "wire.md", "troops may pull back from Soledar", shift=2),  # a part of the claim: matched by overlap
            "b": span(newsroom, "daily.md", "Ukrainian troops pulled back from Soledar after the salt mines were surrounded."),
            "relation": "updates",
        },
        {
            "a": span(newsroom, "wire.md", "Heavy snow fell across the region on Monday."),
            "b": span(newsroom, "daily.md", "The mayor denied that Soledar schools had closed."),
            "relation": "supports",
        },
        {"a": {"doc": "missing.md", "start": 0, "end": 10}, "b": span(newsroom, "daily.md", "The mayor denied"), "relation": "contradicts"},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with record.session() as s:
        assert match_span(s, load_gold(gold)[0]["a"]) == corpus["hedged"]
    report = json.loads(run("links", "evaluate", "--gold", str(gold), "--top", "1", "--format", "json"))
    assert (report["links"], report["matched"]) == (3, 2)
    assert report["rows"][0]["found"] and report["rows"][0]["guess"] == "updates"
    assert report["recall_at_k"] == round(sum(r["found"] for r in report["rows"]) / 3, 3)
    assert report["relation_accuracy"]["updates"] == {"gold": 1, "right": 1, "accuracy": 1.0}
    assert report["relation_macro"] == round(sum(t["accuracy"] for t in report["relation_accuracy"].values()) / 2, 3)
    text = run("links", "evaluate", "--gold", str(gold))
    assert "recall@5" in text and "macro-averaged" in text


def test_add_link_thread_and_timeline(run, record, corpus):
    out = run("links", "add", str(corpus["done"]), str(corpus["hedged"]), "--relation", "updates", "--why", "it happened", "--actor", "dana")
    assert "updates" in out
    with record.session() as s:
        [decision] = history(s, "link", 1)
    assert (decision["actor"], decision["origin"], decision["rationale"]) == ("dana", "cli", "it happened")
    assert "thread 1" in run("threads", "create", "Soledar", "--claim", str(corpus["hedged"]), "--linked", "--actor", "dana")
    run("threads", "verdict", "1", str(corpus["hedged"]), "corroborated", "--why", "confirmed", "--evidence", str(corpus["done"]))
    data = json.loads(run("threads", "show", "1", "--format", "json"))
    assert {c["id"] for c in data["claims"]} == {corpus["hedged"], corpus["done"]}
    assert data["verdicts"][0]["verdict"] == "corroborated"
    ET.fromstring(run("threads", "show", "1", "--format", "svg", "--axis", "published"))
    run("links", "dismiss", str(corpus["snow"]), str(corpus["schools"]), "--why", "unrelated")
    assert run("threads", "suggest") == ""
    run("links", "remove", "1", "--why", "wrong")


def test_import_links_then_threads_from_linked_groups(run, record, newsroom, corpus, tmp_path):
    gold = tmp_path / "links.jsonl"
    rows = [
        {
            "a": span(newsroom, "wire.md", "Officials said troops may pull back from Soledar if the salt mines are surrounded."),
            "b": span(newsroom, "daily.md", "Ukrainian troops pulled back from Soledar after the salt mines were surrounded."),
            "relation": "updates",
        },
        {
            "a": span(newsroom, "wire.md", "Heavy snow fell across the region on Monday."),
            "b": span(newsroom, "daily.md", "Ukrainian troops pulled back from Soledar after the salt mines were surrounded."),
            "relation": "supports",
        },
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows))
    assert "2 links recorded" in run("links", "import", "--gold", str(gold), "--actor", "seed")
    with record.session() as s:
        first = history(s, "link", 1)[0]
    assert (first["after"]["a_id"], first["after"]["b_id"], first["origin"]) == (corpus["done"], corpus["hedged"], "import")
    assert "thread 1: Soledar (3 claims)" in run("threads", "suggest", "--create")


def test_a_foreground_ingest_leaves_its_new_claims_ready_to_link(run, record, tmp_path):
    """As a background ingest does: candidates, then the sentence vectors the suggestions search."""
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Ferry update\npublished: 2024-03-04\n---\nThe port authority said the ferry to Kerch resumed service on Monday.\n", encoding="utf-8"
    )
    (folder / "b.md").write_text(
        "---\ntitle: Crossing reopens\npublished: 2024-03-05\n---\nOfficials announced that ferries across the Kerch strait were running again.\n",
        encoding="utf-8",
    )
    output = run("ingest", str(folder))
    with record.session() as session:
        claims = session.execute(text("SELECT count(*) FROM claim")).scalar()
        indexed = session.execute(text("SELECT count(*) FROM claim_vector")).scalar()
    assert claims >= 2 and indexed == claims
    assert f"{claims} claims indexed for linking" in output
    suggested = [json.loads(line) for line in run("links", "suggest", "--format", "jsonl").splitlines()]
    assert suggested, "the two reports' claims should be suggested to each other"


def test_a_bulk_ingest_can_leave_indexing_for_later(run, record, tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Grain\npublished: 2024-03-04\n---\nThe ministry said grain exports rose by 12 percent in February.\n", encoding="utf-8"
    )
    output = run("ingest", "--no-index", str(tmp_path / "a.md"))
    assert "indexed for linking" not in output
    with record.session() as session:
        assert session.execute(text("SELECT count(*) FROM claim_vector")).scalar() == 0
    assert "claims indexed" in run("links", "index")
    with record.session() as session:
        assert session.execute(text("SELECT count(*) FROM claim_vector")).scalar() == session.execute(text("SELECT count(*) FROM claim")).scalar() > 0
