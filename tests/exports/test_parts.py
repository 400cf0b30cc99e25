"""A big export written in parallel parts is byte for byte the export written in one pass."""

import io

import pytest
from sqlalchemy import text

from annotate.store.ledger import Change
from exports import ExportContext, writer
from exports.claims import Cut, Filters
from exports.manifest import export, manifest_path, render, verify
from exports.parts import plan

OPTIONS = {"base_url": "https://claims.example.org"}
SPLITTABLE = ["jsonl", "csv", "webannotation"]


def rendered(sample, fmt, workers, seq=None, filters=Filters()) -> tuple[bytes, dict]:
    out = io.BytesIO()
    with sample.record.session() as session:
        result = render(session, fmt, Cut(seq or sample.head, ""), filters, OPTIONS, out, workers=workers)
    return out.getvalue(), result


@pytest.mark.parametrize("fmt", SPLITTABLE)
@pytest.mark.parametrize("workers", [2, 3])
def test_parts_give_the_bytes_of_one_pass(sample, fmt, workers):
    one, single = rendered(sample, fmt, 1)
    split, parted = rendered(sample, fmt, workers)
    assert split == one and parted == single
    if fmt == "csv":
        assert split.count(b"id,version,status") == 1  # the header once, from the first part


@pytest.mark.parametrize("filters", [Filters(status=("accepted", "corrected")), Filters(verdict=("refuted",))])
def test_parts_keep_filters_and_the_cut(sample, filters):
    assert rendered(sample, "jsonl", 3, sample.cut, filters)[0] == rendered(sample, "jsonl", 1, sample.cut, filters)[0]


def test_formats_with_state_across_claims_are_written_in_one_pass(sample):
    with sample.record.session() as session:
        ctx = ExportContext(session, Cut(sample.head, ""), Filters(), OPTIONS)
        assert plan(writer("jsonl"), ctx, 2) and len(plan(writer("jsonl"), ctx, 2)) == 2
        for fmt in ("claimreview", "prov"):  # same_event groups and one PROV document span the claims
            assert plan(writer(fmt), ctx, 2) is None
        assert plan(writer("jsonl"), ctx, None) is None  # a small record: one process is faster


def test_an_export_in_parts_verifies_and_fails_after_tampering(sample, tmp_path, intruder):
    path = tmp_path / "claims.jsonl"
    with sample.record.session() as session:
        manifest = export(session, "jsonl", path, options=OPTIONS, workers=2)
    assert manifest["counts"]["claims"] == len(path.read_text().splitlines())
    sample.record.ledger.record("carol", "ui", Change("claim.rejected", "claim", sample.claims["closure"], {"status": "rejected"}))
    with sample.record.session() as session:
        assert verify(session, manifest_path(path), workers=2).ok
    with intruder(sample.record) as conn:
        conn.execute(text("UPDATE decision SET actor = 'mallory' WHERE seq = 3"))
    with sample.record.session() as session:
        assert not verify(session, manifest_path(path), workers=2).ok
