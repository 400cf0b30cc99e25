"""Helpers for the web tests: a desk that writes documents and candidates through the ledger
(as ingestion and pre-annotation do), a signed-in reviewer, and what the ledger was written."""

import hashlib
import re
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from annotate.store.ledger import Change, decision_dict
from annotate.store.models import Decision, DocumentText

SECRET = "s3cret-for-tests-only-" + "x" * 32
PASSWORD = "correct horse battery"
ANNOTATOR = "rules@0.1.0"


class Desk:
    """Documents and machine candidates, written as ingestion and pre-annotation write them."""

    def __init__(self, record):
        self.record, self.texts, self.publishers = record, {}, {}

    def apply(self, change: Change, actor: str = ANNOTATOR, origin: str = "annotator") -> dict:
        return self.record.ledger.record(actor, origin, change)[0]

    def document(self, text: str, title="A report", publisher: str | None = "Compass Wire", published="2023-03-01",
                 url=None, boilerplate=(), file_name="report.md") -> int:  # fmt: skip
        sha = hashlib.sha256(text.encode()).hexdigest()
        with self.record.ledger.writer("cli", "cli") as w:
            if w.session.get(DocumentText, sha) is None:
                w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
            if publisher and publisher not in self.publishers:
                self.publishers[publisher] = w.apply(Change("publisher.added", "publisher", set={"name": publisher}))["id"]
            publisher_id = self.publishers.get(publisher)
            doc = w.apply(Change("document.ingested", "document", set={
                "sha256": sha, "file_name": file_name, "title": title, "publisher_id": publisher_id, "url": url,
                "published": published, "length": len(text), "boilerplate": list(boilerplate),
            }))  # fmt: skip
        self.texts[doc["id"]] = text
        return doc["id"]

    def claim(self, doc: int, quote: str, **fields) -> int:
        start = self.texts[doc].index(quote)
        values = {"document_id": doc, "start": start, "end": start + len(quote), "quote": quote, "annotator": ANNOTATOR,
                  "score": 0.8, "reason": "attribution: said", **fields}  # fmt: skip
        return self.apply(Change("claim.proposed", "claim", set=values))["id"]

    def entity(self, name: str, type: str = "GPE", **fields) -> int:
        return self.apply(Change("entity.proposed", "entity", set={"name": name, "type": type, **fields}))["id"]

    def mention(self, doc: int, text: str, label: str = "GPE", entity_id: int | None = None) -> int:
        start = self.texts[doc].index(text)
        values = {"document_id": doc, "start": start, "end": start + len(text), "text": text, "label": label,
                  "entity_id": entity_id, "annotator": ANNOTATOR, "score": 0.9, "reason": "gazetteer: place"}  # fmt: skip
        return self.apply(Change("mention.proposed", "mention", set=values))["id"]


class Reviewer:
    """A signed-in browser: sends the CSRF token like the pages do (htmx header or form field)."""

    def __init__(self, client: TestClient, name: str):
        self.client, self.name, self.csrf = client, name, ""

    def sign_in(self, password: str = PASSWORD):
        self.client.get("/login")
        page = self.client.get("/login")
        response = self.client.post("/login", data={"name": self.name, "password": password, "csrf_token": csrf_of(page.text)})
        if response.status_code == 303:
            self.csrf = csrf_of(self.client.get("/keys").text)
        return response

    def get(self, url: str, htmx: bool = False, **kwargs):
        return self.client.get(url, headers={"HX-Request": "true"} if htmx else {}, **kwargs)

    def post(self, url: str, data: dict | None = None, htmx: bool = True, **kwargs):
        headers = {"HX-Request": "true", "X-CSRF-Token": self.csrf} if htmx else {}
        form = dict(data or {}) if htmx else {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(url, data=form, headers=headers, **kwargs)


@contextmanager
def browsers(app):
    """make(name) → a Reviewer with its own cookies, signed in; every client closed after."""
    clients = []

    def make(name: str) -> Reviewer:
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        reviewer = Reviewer(client, name)
        assert reviewer.sign_in().status_code == 303
        return reviewer

    try:
        yield make
    finally:
        for client in clients:
            client.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    return found.group(1) if found else ""


class Ledger:
    """What was written: decisions after a mark."""

    def __init__(self, record):
        self.record, self.mark_at = record, 0

    def head(self) -> int:
        with self.record.session() as s:
            return s.execute(select(func.max(Decision.seq))).scalar() or 0

    def mark(self) -> None:
        self.mark_at = self.head()

    def since(self) -> list[dict]:
        with self.record.session() as s:
            rows = s.execute(select(Decision.__table__).where(Decision.seq > self.mark_at).order_by(Decision.seq))
            return [decision_dict(r) for r in rows]

    def written(self) -> list[tuple]:
        return [(d["actor"], d["origin"], d["action"], d["target_id"]) for d in self.since()]
