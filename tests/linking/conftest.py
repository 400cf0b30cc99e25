"""A tiny newsroom for link tests: documents, entities and claims made through the ledger."""

import hashlib

import pytest
from sqlalchemy import insert

from annotate.store.ledger import Change
from annotate.store.models import DocumentText


class Newsroom:
    """Writes documents, entities and claims as an annotator would: ledger decisions only
    (document text goes to its content store first, as ingestion does)."""

    def __init__(self, record):
        self.record = record
        self.publishers: dict[str, int] = {}
        self.texts: dict[int, str] = {}

    def _apply(self, change: Change) -> dict:
        return self.record.ledger.record("test", "cli", change)[0]

    def publisher(self, name: str) -> int:
        if name not in self.publishers:
            self.publishers[name] = self._apply(Change("publisher.added", "publisher", set={"name": name}))["id"]
        return self.publishers[name]

    def document(self, file_name: str, text: str, published: str, publisher: str, title: str | None = None) -> int:
        sha = hashlib.sha256(text.encode()).hexdigest()
        with self.record.ledger.writer("test", "cli") as w:
            if w.session.get(DocumentText, sha) is None:
                w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
        doc = self._apply(
            Change(
                "document.ingested",
                "document",
                set={
                    "sha256": sha,
                    "file_name": file_name,
                    "title": title or file_name,
                    "published": published,
                    "publisher_id": self.publisher(publisher),
                    "length": len(text),
                },
            )
        )
        self.texts[doc["id"]] = text
        return doc["id"]

    def entity(self, name: str, type: str = "GPE", aliases=(), merged_into: int | None = None) -> int:
        return self._apply(Change("entity.proposed", "entity", set={"name": name, "type": type, "aliases": list(aliases), "merged_into": merged_into}))["id"]

    def claim(self, doc: int, quote: str, **fields) -> int:
        start = self.texts[doc].index(quote)
        values = {"document_id": doc, "start": start, "end": start + len(quote), "quote": quote, "published": fields.pop("published", None), **fields}
        return self._apply(Change("claim.proposed", "claim", set=values))["id"]

    def story(self, file_name: str, published: str, publisher: str, *quotes: str, **fields) -> list[int]:
        """One document made of the given sentences, each of them a claim."""
        doc = self.document(file_name, "\n\n".join(quotes), published, publisher)
        return [self.claim(doc, q, published=published, **fields) for q in quotes]


@pytest.fixture
def newsroom(record) -> Newsroom:
    return Newsroom(record)
