"""The review queue: progress per document, filters, full-text search, pages."""

import re

import pytest

from annotate.review.queue import QueueFilter, queue_page
from annotate.store.ledger import Change


@pytest.fixture
def corpus(desk, record):
    a = desk.document("Wagner said it captured Bakhmut.", title="Capture claim", publisher="Compass Wire", published="2023-05-20")
    b = desk.document("Kyiv denied that Bakhmut had fallen.", title="Denial", publisher="Eastbank Daily", published="2023-05-22")
    c = desk.document("The F-16 delivery was delayed again.", title="Jets", publisher="Compass Wire", published="2024-01-06")
    city = desk.entity("Bakhmut")
    desk.mention(a, "Bakhmut", entity_id=city)
    claim_b = desk.claim(b, "Kyiv denied that Bakhmut had fallen.")
    desk.claim(a, "Wagner said it captured Bakhmut.")
    desk.apply(Change("claim.accepted", "claim", claim_b, {"status": "accepted"}), "alice", "ui")
    return {"a": a, "b": b, "c": c}


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/documents/\d+"><bdi>([^<]+)</bdi></a>', html)


def test_the_queue_shows_progress_per_document(alice, corpus):
    page = alice.get("/queue?status=all")
    rows = {r.title: (r.left, r.accepted, r.rejected) for r in page.context["rows"]}
    assert rows == {"Capture claim": (2, 0, 0), "Denial": (0, 1, 0), "Jets": (0, 0, 0)}
    assert titles(page.text) == ["Jets", "Denial", "Capture claim"]  # newest first (as they came in)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=todo", ["Capture claim"]),
        ("status=done", ["Denial"]),
        ("status=all&date_from=2023-05-21&date_to=2023-12-31", ["Denial"]),
        ("status=all&date_to=2023-05", ["Denial", "Capture claim"]),  # a month includes its last day
        ("status=all&entity=bakh", ["Capture claim"]),
        ("status=all&q=delivery", ["Jets"]),
        ("status=all&q=denied+fallen", ["Denial"]),
        ("status=all&q=%25", []),  # % is a word to search for, not a wildcard
    ],
)
def test_filters_and_search(alice, corpus, query, expected):
    assert titles(alice.get(f"/queue?{query}").text) == expected


def test_filter_by_publisher_and_the_htmx_fragment(alice, corpus, record):
    page = alice.get("/queue")
    publisher = re.search(r'<option value="(\d+)">Compass Wire</option>', page.text).group(1)
    fragment = alice.get(f"/queue?status=all&publisher={publisher}", htmx=True)
    assert fragment.template.name == "partials/_queue.html" and fragment.text.startswith('<div id="queue-results">')
    assert titles(fragment.text) == ["Jets", "Capture claim"]


def test_pages_of_the_queue_go_by_id_both_ways(desk, record):
    for n in range(7):
        desk.document(f"Report number {n} about nothing.", title=f"R{n}", published=f"2023-01-0{n + 1}")
    with record.session() as session:
        first = queue_page(session, QueueFilter(status="all"), per_page=3)
        second = queue_page(session, QueueFilter(status="all", after=first.older), per_page=3)
        last = queue_page(session, QueueFilter(status="all", after=second.older), per_page=3)
        back = queue_page(session, QueueFilter(status="all", before=last.newer), per_page=3)
    assert [r.title for r in first.rows] == ["R6", "R5", "R4"] and first.newer is None
    assert [r.title for r in second.rows] == ["R3", "R2", "R1"]
    assert [r.title for r in last.rows] == ["R0"] and last.older is None
    assert [r.title for r in back.rows] == ["R3", "R2", "R1"] and back.older == second.older


def test_pager_links_keep_the_filters(alice, desk):
    for n in range(51):
        desk.document(f"Report {n} on the front.", title=f"R{n}", publisher=None)
    page = alice.get("/queue?status=all&q=front")
    older = re.search(r'href="(/queue\?q=front&amp;status=all&amp;after=\d+)"', page.text).group(1).replace("&amp;", "&")
    second = alice.get(older).text
    assert titles(second) == ["R0"] and "← Newer" in second and "Older →" not in second


def test_next_document_skips_the_ones_with_nothing_left_to_decide(alice, desk):
    first = desk.document("Officials said the ferry resumed service.", title="Ferry")
    done = desk.document("The mayor said the port reopened.", title="Port")
    empty = desk.document("Weather was mild.", title="Weather")
    names_only = desk.document("Odesa and Mykolaiv were quiet.", title="Quiet")
    desk.claim(first, "Officials said the ferry resumed service.")
    settled = desk.claim(done, "The mayor said the port reopened.")
    desk.apply(Change("claim.accepted", "claim", settled, {"status": "accepted"}), "alice", "ui")
    desk.mention(names_only, "Odesa")  # an undecided entity is something left to decide too

    def next_link(doc: int) -> int | None:
        return alice.get(f"/documents/{doc}").context["next_id"] or None

    assert next_link(first) == names_only
    assert next_link(done) == names_only
    assert next_link(names_only) is None
    assert empty not in {next_link(first), next_link(done)}


def test_a_search_finds_every_matching_document_however_many_page_by_page(alice, desk, record):
    from annotate.ingest.pipeline import ingest_items
    from annotate.ingest.source import SourceDocument

    docs = [SourceDocument(text=f"Ferry crossing {n} resumed on schedule.", file_name=f"f{n}.txt", path=f"ferry/f{n}.txt", format="txt") for n in range(1030)]
    ingest_items(record.ledger, docs)
    seen, url = [], "/queue?status=all&q=ferry"
    while url:
        page = alice.get(url)
        seen += [row.id for row in page.context["rows"]]
        url = page.context["next_url"]
    assert len(seen) == 1030 == len(set(seen)) and seen == sorted(seen, reverse=True)  # newest first, down to the oldest
