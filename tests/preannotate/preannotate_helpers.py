"""Helpers shared by the pre-annotation tests (a module, so tests can import it)."""

import json
from pathlib import Path

import pytest

from annotate.preannotate.base import DocumentInput

HERE = Path(__file__).parent
SAMPLES = HERE / "samples"
GOLD = HERE / "gold" / "samples.jsonl"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def sample(name: str) -> DocumentInput:
    """One of our own sample documents, with its metadata and boilerplate."""
    text = (SAMPLES / name).read_text(encoding="utf-8")
    meta = json.loads((SAMPLES / "meta.json").read_text(encoding="utf-8"))[name]
    boilerplate = ()
    if "boilerplate_from" in meta:
        boilerplate = ((text.index(meta["boilerplate_from"]), len(text)),)
    return DocumentInput(text, published=meta["published"], publisher=meta["publisher"], boilerplate=boilerplate)


def sample_names() -> list[str]:
    return sorted(p.name for p in SAMPLES.glob("*.txt"))


def corpus_document(relative: str, **meta) -> DocumentInput:
    """A shared-corpus file as ingestion would hand it over: front matter removed."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4)
        for line in text[4:end].splitlines():
            key, _, value = line.partition(": ")
            if key == "published":
                meta.setdefault("published", value.strip())
        text = text[end + 5 :]
    return DocumentInput(text, **meta)


def by_text(cands, text: str):
    """The candidates whose text is exactly `text`."""
    return [c for c in cands if c.text == text]


def claim_containing(claims, fragment: str):
    hits = [c for c in claims if fragment in c.text]
    assert hits, f"no claim contains {fragment!r}"
    return hits[0]
