"""Finding claims by hand across documents: words, an entity under any of its names, a date range."""

import pytest

from annotate.linking.search import ClaimQuery, search
from annotate.store.ledger import Change


@pytest.fixture
def desk(newsroom, record):
    """Five reports: one place under two spellings (merged), one under an alias, dates as days, a month and a range."""
    kupiansk = newsroom.entity("Kupiansk")
    kupyansk = newsroom.entity("Kupyansk", merged_into=kupiansk)
    harbour = newsroom.entity("Port of Olbia", type="LOC", aliases=["Olbia harbour"])
    ids = {
        "shelled": newsroom.story(
            "a.md", "2023-06-06", "Compass Wire", "Artillery shelled the railway station in Kupiansk overnight.", entity_ids=[kupiansk], event_date="2023-06-05"
        )[0],
        "station": newsroom.story(
            "b.md", "2023-06-09", "Northwatch", "The railway station of Kupyansk was hit by artillery fire.", entity_ids=[kupyansk], event_date="2023-06"
        )[0],
        "grain": newsroom.story(
            "c.md",
            "2023-07-20",
            "Eastbank Daily",
            "Grain exports from the harbour resumed after repairs.",
            entity_ids=[harbour],
            event_date="2023-07-01/2023-07-15",
        )[0],
        "talks": newsroom.story("d.md", "2022-11-02", "Rivertown Post", "Negotiators met in Istanbul to discuss grain corridors.")[0],
    }
    rejected = newsroom.story("e.md", "2023-06-07", "Wire", "Artillery shelled the railway station again, officials said.")[0]
    record.ledger.record("lea", "ui", Change("claim.rejected", "claim", rejected, set={"status": "rejected"}))
    return ids


def found(session, **query) -> list[int]:
    return search(session, ClaimQuery(**query), limit=50).claim_ids


def test_words_find_claims_with_all_of_them_best_first_else_any(record, desk):
    with record.session() as s:
        assert sorted(found(s, words="railway station artillery")) == sorted([desk["shelled"], desk["station"]])
        assert found(s, words="stations shelling") == [desk["shelled"]]  # stems, as the index has them
        loose = search(s, ClaimQuery(words="grain railway"))
        assert loose.loose and set(loose.claim_ids) == {desk["shelled"], desk["station"], desk["grain"], desk["talks"]}
        assert found(s, words='" OR 1=1; DROP TABLE claim; --') == []  # syntax is searched as words, never run
        assert found(s, words="station", exclude_document=_doc(s, desk["shelled"])) == [desk["station"]]
        only_mine = search(s, ClaimQuery(words="overnight railway", exclude_document=_doc(s, desk["shelled"])))
        assert only_mine.loose and only_mine.claim_ids == [desk["station"]]  # all the words only in the excluded report


def test_an_entity_under_any_spelling_merge_or_alias(record, desk):
    with record.session() as s:
        for name in ("Kupiansk", "kupyansk", "KUPI"):
            assert sorted(found(s, entity=name)) == sorted([desk["shelled"], desk["station"]]), name
        page = search(s, ClaimQuery(entity="olbia harbour"))
        assert page.claim_ids == [desk["grain"]] and list(page.entities.values()) == ["Port of Olbia"]
        assert found(s, entity="Kupiansk", words="overnight") == [desk["shelled"]]
        unknown = search(s, ClaimQuery(entity="Atlantis"))
        assert unknown.unknown_entity and unknown.claim_ids == []


def test_date_ranges_on_event_or_publication_dates(record, desk):
    with record.session() as s:
        assert found(s, date_from="2023-06-06", date_to="2023-06-06", dates="event") == [desk["station"]]  # "2023-06" covers the day
        assert found(s, date_from="2023-06-05", date_to="2023-06-05", dates="event") == [desk["station"], desk["shelled"]]
        assert found(s, date_from="2023-07-10", date_to="2023-08-01", dates="event") == [desk["grain"]]  # overlaps the range
        assert found(s, date_from="2023-06-06", date_to="2023-06-06", dates="published") == [desk["shelled"]]
        assert found(s, date_from="2023-06", dates="any") == [desk["grain"], desk["station"], desk["shelled"]]  # newest first
        assert found(s, date_to="2022") == [desk["talks"]]
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            found(s, date_from="June 6")


def test_pages_and_rejected_claims(record, desk):
    with record.session() as s:
        first = search(s, ClaimQuery(date_from="2000"), limit=3)
        second = search(s, ClaimQuery(date_from="2000"), offset=first.next_offset, limit=3)
        assert len(first.claim_ids) == 3 and second.claim_ids and second.next_offset is None
        assert set(first.claim_ids + second.claim_ids) == set(desk.values())  # the rejected candidate is not a claim
        assert search(s, ClaimQuery()).claim_ids == []


def _doc(session, claim_id):
    from annotate.store.models import Claim

    return session.get(Claim, claim_id).document_id
