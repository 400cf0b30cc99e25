"""Every format, written from the sample record, byte for byte as the golden file.

The sample's clock is frozen, so the files are the same on every run and both backends.
Regenerate after an intended change with UPDATE_GOLDEN=1 and read the diff.
"""

import io
import os
from pathlib import Path

import pytest

from exports.claims import Cut, Filters
from exports.manifest import render

GOLDEN = Path(__file__).parent / "golden"
FORMATS = {"jsonl": "jsonl", "csv": "csv", "claimreview": "jsonl", "webannotation": "jsonl", "prov": "json"}
OPTIONS = {"base_url": "https://claims.example.org", "org": "Example Fact Desk"}


def export_text(sample, fmt, seq=None, filters=Filters()) -> str:
    out = io.BytesIO()
    with sample.record.session() as session:
        render(session, fmt, Cut(seq or sample.head, ""), filters, OPTIONS, out)
    return out.getvalue().decode("utf-8")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_matches_its_golden_file(sample, fmt):
    check_golden(f"sample.{fmt}.{FORMATS[fmt]}", export_text(sample, fmt))


def test_verified_claims_as_of_the_cut(sample):
    check_golden("sample-accepted-at-cut.jsonl", export_text(sample, "jsonl", sample.cut, Filters(status=("accepted", "corrected"))))


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_cut_gives_the_same_bytes(sample, fmt):
    assert export_text(sample, fmt, sample.cut) == export_text(sample, fmt, sample.cut)


@pytest.mark.parametrize("fmt", [*FORMATS, "labelstudio"])
@pytest.mark.parametrize("filters", [Filters(), Filters(status=("accepted", "corrected")), Filters(verdict=("refuted",))])
def test_at_the_head_the_state_tables_give_the_ledgers_bytes(sample, fmt, filters):
    """The head path (state tables) and the ledger path, same cut: the same file."""
    outputs = []
    for from_ledger in (False, True):
        out = io.BytesIO()
        with sample.record.session() as session:
            render(session, fmt, Cut(sample.head, ""), filters, OPTIONS, out, from_ledger=from_ledger)
        outputs.append(out.getvalue())
    assert outputs[0] and outputs[0] == outputs[1]


def test_a_write_during_the_export_falls_back_to_the_ledger(sample, monkeypatch):
    """If the head moves while a page is read, that page is read again from the ledger."""
    import exports.claims as claims

    heads = iter([sample.head, sample.head + 1])
    monkeypatch.setattr(claims, "_head", lambda session: next(heads, sample.head + 1))
    made = []
    real_page = claims._Page
    monkeypatch.setattr(claims, "_Page", lambda *args: made.append(args[-1]) or real_page(*args))
    assert export_text(sample, "jsonl") == (GOLDEN / "sample.jsonl.jsonl").read_text(encoding="utf-8")
    assert made == [True, False]
