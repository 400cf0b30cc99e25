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
