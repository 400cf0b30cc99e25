"""A small record for audit tests: three people and an annotator deciding over two days."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from annotate.store.ledger import Change
from annotate.store.models import DocumentText

TEXTS = [
    "The ferry company said crossings will stop on Friday. Unions may call a strike.",
    "Port staff denied that crossings will stop. A new timetable starts in June.",
]


class Clock:
    def __init__(self):
        self.now = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> str:
        self.now += timedelta(minutes=1)
        return self.now.isoformat(timespec="microseconds")

    def next_day(self) -> None:
        self.now = self.now.replace(hour=8, minute=0) + timedelta(days=1)


@dataclass
class Story:
    record: object
    clock: Clock
    docs: list[int]
    claims: dict[str, int]
    mention: int
    link: int
    thread: int
    member: int
    seqs: dict[str, int]  # name → sequence number of notable decisions


def last_seq(record) -> int:
    from annotate.store.ledger import resolve_as_of

    with record.session() as session:
        return resolve_as_of(session, None)


@pytest.fixture
def story(record, monkeypatch) -> Story:
    clock = Clock()
    monkeypatch.setattr("annotate.store.ledger.utc_now", clock)
    ledger, seqs = record.ledger, {}
    with ledger.writer("cli", "cli") as w:
        docs = []
        for i, text in enumerate(TEXTS):
            sha = hashlib.sha256(text.encode()).hexdigest()
            w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
            docs.append(w.apply(Change("document.ingested", "document", set={"sha256": sha, "file_name": f"d{i}.txt", "length": len(text)}))["id"])
    with ledger.writer("rules@0.2.0", "annotator") as w:

        def claim(doc, quote):
            start = TEXTS[doc].index(quote)
            return w.apply(
                Change(
                    "claim.proposed",
                    "claim",
                    set={"document_id": docs[doc], "start": start, "end": start + len(quote), "quote": quote, "annotator": "rules@0.2.0"},
                )
            )["id"]

        claims = {
            "stop": claim(0, "crossings will stop on Friday"),
            "strike": claim(0, "Unions may call a strike"),
            "denied": claim(1, "crossings will stop"),
            "timetable": claim(1, "A new timetable starts in June"),
        }
        mention = w.apply(Change("mention.proposed", "mention", set={"document_id": docs[0], "start": 4, "end": 17, "text": "ferry company", "label": "ORG"}))[
            "id"
        ]
    ledger.record("alice", "ui", Change("claim.accepted", "claim", claims["stop"], {"status": "accepted"}, rationale="as reported"))
    ledger.record("bob", "ui", Change("claim.rejected", "claim", claims["strike"], {"status": "rejected"}, rationale="=too vague"))
    ledger.record("alice", "ui", Change("claim.corrected", "claim", claims["denied"], {"status": "corrected", "claimant": "Port staff", "negated": True}))
    seqs["alice_corrected"] = last_seq(record)
    clock.next_day()
    ledger.record("bob", "ui", Change("mention.accepted", "mention", mention, {"status": "accepted"}))
    with ledger.writer("carol", "ui") as w:
        link = w.apply(Change("link.created", "link", set={"a_id": claims["stop"], "b_id": claims["denied"], "relation": "contradicts"}))["id"]
        thread = w.apply(Change("thread.created", "thread", set={"name": "Ferry stoppage"}))["id"]
        member = w.apply(Change("thread_member.added", "thread_member", set={"thread_id": thread, "claim_id": claims["stop"]}))["id"]
    ledger.record("carol", "ui", Change("thread_member.verdict_set", "thread_member", member, {"verdict": "contested"}, rationale="port staff deny it"))
    seqs["verdict"] = last_seq(record)
    ledger.record("alice", "ui", Change("claim.accepted", "claim", claims["timetable"], {"status": "accepted"}))
    seqs["timetable_accepted"] = last_seq(record)
    return Story(record, clock, docs, claims, mention, link, thread, member, seqs)
