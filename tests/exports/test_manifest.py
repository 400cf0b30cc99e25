"""Manifests: what an export records about itself, and `verify` against the ledger later."""

import json

from sqlalchemy import text

from annotate.store.ledger import Change
from exports.claims import Filters
from exports.manifest import export, manifest_path, verify


def make(sample, tmp_path, fmt="jsonl", as_of=None, filters=Filters(status=("accepted",))):
    path = tmp_path / f"claims-{fmt}.out"
    with sample.record.session() as session:
        return path, export(session, fmt, path, filters, as_of, {"base_url": "https://claims.example.org"})


def check(sample, path):
    with sample.record.session() as session:
        return verify(session, manifest_path(path))


def test_the_manifest_names_the_cut_the_filters_the_counts_and_the_hash(sample, tmp_path):
    path, manifest = make(sample, tmp_path)
    assert json.loads(manifest_path(path).read_text()) == manifest
    assert manifest["format"] == "jsonl" and manifest["file"] == path.name
    assert manifest["filters"]["status"] == ["accepted"]
    assert manifest["counts"] == {"claims": 4, "records": 4}
    assert manifest["ledger"]["seq"] == sample.head and len(manifest["ledger"]["head_hash"]) == 64
    assert manifest["tool"]["name"] == "claimtrail" and manifest["created_at"].endswith("+00:00")
    assert manifest["bytes"] == path.stat().st_size
    assert "created_at" not in path.read_text()  # the clock stays out of the data


def test_a_fresh_export_verifies(sample, tmp_path):
    path, _ = make(sample, tmp_path)
    result = check(sample, path)
    assert result.ok and not result.notes


def test_an_altered_file_fails(sample, tmp_path):
    path, _ = make(sample, tmp_path, "csv")
    path.write_text(path.read_text().replace("alice", "mallory"))
    result = check(sample, path)
    assert not result.ok and "changed since the export" in result.problems[0]


def test_an_export_still_verifies_after_the_ledger_moved_on(sample, tmp_path):
    path, manifest = make(sample, tmp_path, "claimreview", as_of=sample.cut)
    assert manifest["ledger"]["seq"] == sample.cut
    sample.record.ledger.record("carol", "ui", Change("claim.rejected", "claim", sample.claims["closure"], {"status": "rejected"}))
    result = check(sample, path)
    assert result.ok, result.problems
    assert "moved on" in result.notes[0]


def test_a_tampered_decision_before_the_cut_fails(sample, tmp_path, intruder):
    path, _ = make(sample, tmp_path, "webannotation")
    with intruder(sample.record) as conn:
        conn.execute(text("UPDATE decision SET actor = 'mallory' WHERE seq = 18"))
    result = check(sample, path)
    assert not result.ok and "decision 18 was altered" in result.problems[0]


def test_a_rewritten_chain_fails_even_when_its_hashes_agree(sample, tmp_path, intruder):
    """Whoever holds the database rewrites a decision and every hash after it."""
    from annotate.store.ledger import decision_hash

    path, _ = make(sample, tmp_path, "prov")
    with intruder(sample.record) as conn:
        rows = [dict(r) for r in conn.execute(text("SELECT * FROM decision ORDER BY seq")).mappings()]
        prev = rows[0]["prev_hash"]
        for row in rows:
            if row["seq"] == 18:
                row["after"] = row["after"].replace('"accepted"', '"rejected"')
            row["prev_hash"], row["hash"] = prev, decision_hash(prev, row)
            prev = row["hash"]
            conn.execute(text("UPDATE decision SET after = :after, prev_hash = :prev_hash, hash = :hash WHERE seq = :seq"), row)
    result = check(sample, path)
    assert not result.ok and "rewritten" in result.problems[0]


def test_a_missing_file_fails(sample, tmp_path):
    path, _ = make(sample, tmp_path)
    path.unlink()
    assert "missing" in check(sample, path).problems[0]


def test_a_manifest_of_an_older_layout_says_which_version_can_re_derive_it(sample, tmp_path):
    path, manifest = make(sample, tmp_path)
    old = {**manifest, "manifest": "claimtrail-export/1", "tool": {"name": "claimtrail", "version": "0.0.9"}}
    manifest_path(path).write_text(json.dumps(old))
    result = check(sample, path)
    assert not result.ok
    assert "claimtrail-export/1" in result.problems[0] and "verify it with claimtrail 0.0.9" in result.problems[0]
