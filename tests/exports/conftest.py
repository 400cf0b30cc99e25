"""A small record for export tests, made through the ledger with a frozen clock.

Three invented reports about a bridge closure, six claims in every status, a same_event
pair across publishers, a thread with verdicts, entities, and a few decisions made after
the `cut` (so as-of exports can be told apart from current ones). The clock is frozen,
so decision times and hashes, and therefore the golden files, are the same on every run
and on both database backends.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from annotate.store.ledger import Change, resolve_as_of
from annotate.store.models import DocumentText

DOCS = [
    dict(
        file_name="courier-bridge.txt",
        title="Harbour Bridge to shut for repairs",
        url="https://courier.example.org/bridge",
        publisher="Riverside Courier",
        published="2024-03-04",
        text="The city transport office said on Monday that the Harbour Bridge will close to cars from 11 March. "
        "Engineers found cracked bearings during an inspection last week. "
        "Mayor Lena Ortiz may reopen one lane by April, a spokesperson suggested.",
    ),
    dict(
        file_name="monitor-closure.html",
        title="Bridge closure confirmed",
        url="https://deltamonitor.example.net/closure",
        publisher="Delta Monitor",
        published="2024-03-05",
        text="Officials confirmed the Harbour Bridge will close to cars from 11 March. "
        "A council sheet shared online gave the cost as =SUM(A1:A3) instead of a number. "
        "The local group @harbourwatch claimed the closure would last a full year.",
    ),
    dict(
        file_name="notes.txt",
        title=None,
        url=None,
        publisher=None,
        published="2024-03",
        text="Ferry operators expect demand to double while the bridge is closed. The transport office denied that tolls will rise.",
    ),
]


@dataclass
class Sample:
    record: object
    docs: list[int]
    claims: dict[str, int]
    thread: int
    cut: int  # the sequence number before the later decisions
    head: int


class Clock:
    """utc_now for the ledger: one minute per call from a fixed morning."""

    def __init__(self):
        self.now = datetime(2024, 3, 6, 9, 0, tzinfo=UTC)

    def __call__(self) -> str:
        self.now += timedelta(minutes=1)
        return self.now.isoformat(timespec="microseconds")


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("annotate.store.ledger.utc_now", clock)
    return clock


def span(doc: dict, quote: str) -> dict:
    start = doc["text"].index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


@pytest.fixture
def sample(record, clock) -> Sample:
    ledger = record.ledger
    with ledger.writer("cli", "cli") as w:
        publishers = {}
        for name, url in (("Riverside Courier", "https://courier.example.org/"), ("Delta Monitor", "https://deltamonitor.example.net/")):
            publishers[name] = w.apply(Change("publisher.added", "publisher", set={"name": name, "url": url}))["id"]
        docs = []
        for d in DOCS:
            sha = hashlib.sha256(d["text"].encode()).hexdigest()
            w.session.execute(insert(DocumentText), [{"sha256": sha, "text": d["text"]}])
            docs.append(
                w.apply(
                    Change(
                        "document.ingested",
                        "document",
                        set={
                            "sha256": sha,
                            "file_name": d["file_name"],
                            "path": d["file_name"],
                            "title": d["title"],
                            "url": d["url"],
                            "publisher_id": publishers.get(d["publisher"]),
                            "published": d["published"],
                            "length": len(d["text"]),
                            "ingested_at": "2024-03-06T08:00:00+00:00",
                        },
                    )
                )["id"]
            )
        for name in ("alice", "bob"):
            w.apply(Change("user.added", "user", set={"name": name, "role": "reviewer"}))
        w.apply(Change("user.added", "user", set={"name": "carol", "role": "lead"}))

    def claim(doc_index: int, quote: str, **fields) -> dict:
        d = DOCS[doc_index]
        return {"document_id": docs[doc_index], **span(d, quote), "published": d["published"], **fields}

    with ledger.writer("rules@0.1.0", "annotator") as w:
        ent = lambda name, kind: w.apply(Change("entity.proposed", "entity", set={"name": name, "type": kind}))["id"]  # noqa: E731
        bridge, office, mayor = ent("Harbour Bridge", "LOC"), ent("city transport office", "ORG"), ent("Lena Ortiz", "PERSON")
        proposed = {
            "closure": claim(
                0,
                "the Harbour Bridge will close to cars from 11 March",
                claimant_entity_id=office,
                reporting_verb="said",
                event_date="2024-03-11",
                entity_ids=[bridge],
            ),
            "confirmed": claim(
                1,
                "the Harbour Bridge will close to cars from 11 March",
                claimant="Officials",
                relayed_by=["Delta Monitor"],
                reporting_verb="confirmed",
                event_date="2024-03-11",
                entity_ids=[bridge],
            ),
            "lane": claim(
                0,
                "Mayor Lena Ortiz may reopen one lane by April",
                claimant="a spokesperson",
                reporting_verb="suggested",
                hedged=True,
                hedges=["may"],
                event_date="2024-04",
                entity_ids=[mayor],
            ),
            "formula": claim(1, "=SUM(A1:A3) instead of a number", claimant="A council sheet"),
            "year": claim(
                1,
                "the closure would last a full year",
                claimant="@harbourwatch",
                reporting_verb="claimed",
                relayed_by=["Delta Monitor"],
                event_date="2024-03-05",
                event_date_inferred=True,
            ),
            "tolls": claim(2, "tolls will rise", claimant="The transport office", reporting_verb="denied", negated=True),
        }
        claims = {}
        for key, fields in proposed.items():
            state = w.apply(Change("claim.proposed", "claim", set={**fields, "annotator": "rules@0.1.0", "score": 0.8, "reason": "claim.verb: reporting verb"}))
            claims[key] = state["id"]

    review = lambda who, key, status, why="": ledger.record(who, "ui", Change(f"claim.{status}", "claim", claims[key], {"status": status}, rationale=why))  # noqa: E731
    review("alice", "closure", "accepted", "matches the report")
    review("bob", "confirmed", "accepted")
    review("bob", "formula", "rejected", "a spreadsheet cell, not a claim")
    review("alice", "year", "accepted")
    ledger.record(
        "alice",
        "ui",
        Change(
            "claim.corrected", "claim", claims["lane"], {"status": "corrected", "claimant": "a mayoral spokesperson"}, rationale="claimant is named in the text"
        ),
    )
    with ledger.writer("carol", "ui") as w:
        link = lambda a, b, rel: w.apply(Change("link.created", "link", set={"a_id": claims[a], "b_id": claims[b], "relation": rel}))  # noqa: E731
        link("closure", "confirmed", "same_event")
        link("year", "lane", "contradicts")
        thread = w.apply(Change("thread.created", "thread", set={"name": "Harbour Bridge closure"}))["id"]
        members = {}
        for key, verdict in (("closure", "corroborated"), ("confirmed", "corroborated"), ("lane", "contested"), ("year", "unassessed")):
            members[key] = w.apply(Change("thread_member.added", "thread_member", set={"thread_id": thread, "claim_id": claims[key], "verdict": verdict}))["id"]
    with record.session() as session:
        cut = resolve_as_of(session, None)
    # after the cut: a verdict changes, a claim is corrected again, a candidate is accepted
    ledger.record(
        "carol",
        "ui",
        Change("thread_member.verdict_set", "thread_member", members["year"], {"verdict": "refuted"}, rationale="the office's notice gives a six-week closure"),
    )
    ledger.record("alice", "ui", Change("claim.corrected", "claim", claims["lane"], {"event_date": "2024-04-15"}, rationale="date in the notice"))
    ledger.record("bob", "ui", Change("claim.accepted", "claim", claims["tolls"], {"status": "accepted"}))
    with record.session() as session:
        head = resolve_as_of(session, None)
    return Sample(record, docs, claims, thread, cut, head)
