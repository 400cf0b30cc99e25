import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.store.fulltext import matching_documents, related_claims, search_claims
from annotate.store.ledger import Change

HOSTILE = [
    "' OR 1=1--",
    '"',
    "*",
    "NEAR",
    'NEAR("a" "b")',
    "bakhmut*",
    "quote:bakhmut",
    "-",
    "AND OR NOT",
    "'; DROP TABLE claim; --",
    "^",
    "(",
    ")",
    "",
    "   ",
    "\x00",
    "колонна",
    'a"b',
    "{quote}: x",
]


@pytest.fixture
def stories(newsroom):
    a = newsroom.story(
        "a.txt",
        "2023-03-01",
        "Northwatch",
        "Zelensky said troops could withdraw from Bakhmut if encircled.",
        "Wagner fighters shelled the road to Chasiv Yar overnight.",
    )
    b = newsroom.story(
        "b.txt",
        "2023-05-21",
        "Compasswire",
        "Ukrainian troops withdrew from Bakhmut after months of fighting.",
        "The weather in Kyiv was mild, OR 1=1 as some said.",
    )
    return a, b


def test_search_claims_ranks_matches_and_stems(record, stories):
    (a1, a2), (b1, b2) = stories
    with record.session() as s:
        assert {i for i, _ in search_claims(s, "Bakhmut troops")} == {a1, b1}
        assert [i for i, _ in search_claims(s, "withdrawal bakhmut")] == [a1]  # porter/english stems: withdrawal ~ withdraw
        assert search_claims(s, "nothing here matches") == []
        scores = [score for _, score in search_claims(s, "bakhmut")]
        assert all(x > 0 for x in scores)


def search_documents(session, query: str) -> set[int]:
    """The documents the queue's search keeps: title, text or a claim with every word."""
    matching = matching_documents(session, query)
    return set() if matching is None else set(session.execute(matching).scalars())


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_is_searched_as_plain_words(record, stories, query):
    with record.session() as s:
        search_claims(s, query)  # never raises
        search_documents(s, query)
    (a1, a2), (b1, b2) = stories
    with record.session() as s:
        hits = {i for i, _ in search_claims(s, query)}
    assert hits <= {a1, a2, b1, b2}
    if query == "' OR 1=1--":
        assert hits == {b2}  # the words "or", "1", "1" as written, not an always-true condition


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_text_is_a_safe_query(record, query):
    with record.session() as s:
        assert isinstance(search_claims(s, query), list)
        assert isinstance(search_documents(s, query), set)


def test_search_documents_title_and_text(record, newsroom):
    d1 = newsroom.document("x.md", "Heavy fighting near Kupiansk continued.", "2023-08-11", "Civic", title="Evacuation order")
    d2 = newsroom.document("y.md", "An evacuation of Kupiansk was ordered.", "2023-08-12", "Civic", title="Kupiansk")
    with record.session() as s:
        assert search_documents(s, "evacuation") == {d1, d2}  # in the title of one, the text of the other
        assert search_documents(s, "kupiansk") == {d1, d2}
        assert search_documents(s, "heavy fighting") == {d1}


def test_index_follows_updates_and_rebuild(record, newsroom):
    from annotate.store.ledger import rebuild

    doc = newsroom.document("z.txt", "Troops left Soledar. Troops held Bakhmut.", "2023-01-10", "Eastbank")
    claim = newsroom.claim(doc, "Troops left Soledar.")
    record.ledger.record("rev", "ui", Change("claim.corrected", "claim", claim, set={"quote": "Troops held Bakhmut."}))
    with record.session() as s:
        assert search_claims(s, "soledar") == []
        assert [i for i, _ in search_claims(s, "bakhmut")] == [claim]
    rebuild(record.engine)
    with record.session() as s:
        assert [i for i, _ in search_claims(s, "bakhmut")] == [claim]
        assert search_documents(s, "soledar") == {doc}


def test_related_claims_only_from_other_documents(record, stories):
    (a1, a2), (b1, b2) = stories
    with record.session() as s:
        related = [i for i, _ in related_claims(s, a1)]
    assert related[0] == b1
    assert a1 not in related and a2 not in related


def test_word_frequencies_exact_below_the_cap_and_estimated_above(record, newsroom, monkeypatch):
    import annotate.store.fulltext as ft

    monkeypatch.setattr(ft, "COUNT_CAP", 5)
    monkeypatch.setattr(ft, "SAMPLE", 4)
    ft._df_cache.clear()
    newsroom.story("many.md", "2023-01-01", "Wire", *[f"Troops moved near village {i}." for i in range(10)], "Rare words here.")
    with record.session() as s:
        counts = ft.word_frequencies(s, ["troops", "rare", "absent"])
    assert counts["rare"] == 1 and counts["absent"] == 0
    assert counts["troops"] >= 5  # estimated from the newest claims, never below what was seen


def test_text_stored_after_its_document_is_indexed(record, newsroom):
    import hashlib

    from sqlalchemy import insert

    from annotate.store.models import DocumentText

    text = "Pontoon bridges were laid across the Oskil overnight."
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = record.ledger.record("test", "cli", Change("document.ingested", "document", set={"sha256": sha, "file_name": "late.txt"}))[0]
    with record.session() as s:
        assert search_documents(s, "pontoon") == set()
    with record.ledger.writer("test", "cli") as w:
        w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
    with record.session() as s:
        assert search_documents(s, "pontoon bridges") == {doc["id"]}


def test_entity_index_follows_claims_and_entities(record, newsroom):
    from sqlalchemy import text

    a, b = newsroom.entity("Kupiansk"), newsroom.entity("Izium")
    claim = newsroom.story("k.md", "2023-08-11", "Civic", "Shelling hit the town.", entity_ids=[a])[0]
    record.ledger.record("rev", "ui", Change("claim.corrected", "claim", claim, set={"entity_ids": [b, a]}))
    record.ledger.record("rev", "ui", Change("entity.aliases_added", "entity", a, set={"aliases": ["Kupyansk"]}))
    with record.session() as s:
        rows = s.execute(text("SELECT entity_id, day FROM claim_entity WHERE claim_id = :c ORDER BY entity_id"), {"c": claim}).all()
        keys = s.execute(text("SELECT key FROM entity_key WHERE entity_id = :e ORDER BY key"), {"e": a}).scalars().all()
    assert [tuple(r) for r in rows] == [(a, "2023-08-11"), (b, "2023-08-11")]
    assert keys == ["kupiansk", "kupyansk"]
