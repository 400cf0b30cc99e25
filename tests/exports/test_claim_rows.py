"""The claim iterator: fields, filters, as-of cuts and paging."""

from exports.claims import Filters, cut_at, iter_claims


def claims(sample, seq=None, page=1000, needs=(), **filters):
    with sample.record.session() as session:
        return list(iter_claims(session, seq or sample.head, Filters(**filters), needs, page=page))


def by_id(rows):
    return {r["id"]: r for r in rows}


def test_a_claim_carries_what_every_format_needs(sample):
    c = by_id(claims(sample))[sample.claims["closure"]]
    assert c["quote"] == "the Harbour Bridge will close to cars from 11 March"
    assert c["document"]["file_name"] == "courier-bridge.txt" and c["document"]["publisher"] == "Riverside Courier"
    assert (c["claimant"], c["claimant_entity"]["type"]) == ("city transport office", "ORG")
    assert (c["event_date"], c["published"]) == ("2024-03-11", "2024-03-04")
    assert [e["name"] for e in c["entities"]] == ["Harbour Bridge"]
    assert c["links"] == [{"id": 1, "relation": "same_event", "claim_id": sample.claims["confirmed"], "direction": "out"}]
    assert [(t["name"], t["verdict"]) for t in c["threads"]] == [("Harbour Bridge closure", "corroborated")]
    assert (c["status"], c["verdict"]) == ("accepted", "corroborated")
    assert (c["proposed_by"], c["annotator"], c["accepted_by"]) == ("rules@0.1.0", "rules@0.1.0", "alice")
    assert c["decision"]["seq"] > 0 and len(c["decision"]["hash"]) == 64


def test_claims_come_in_id_order_whatever_the_page_size(sample):
    assert claims(sample, page=2) == claims(sample) and [c["id"] for c in claims(sample)] == sorted(sample.claims.values())


def test_filters(sample):
    ids = lambda rows: {r["id"] for r in rows}  # noqa: E731
    c = sample.claims
    assert ids(claims(sample, status=("accepted",))) == {c["closure"], c["confirmed"], c["year"], c["tolls"]}
    assert ids(claims(sample, status=("rejected",))) == {c["formula"]}
    assert ids(claims(sample, verdict=("refuted",))) == {c["year"]}
    assert ids(claims(sample, thread=sample.thread)) == {c["closure"], c["confirmed"], c["lane"], c["year"]}
    assert ids(claims(sample, publisher="delta monitor")) == {c["confirmed"], c["formula"], c["year"]}
    assert ids(claims(sample, publisher="1")) == {c["closure"], c["lane"]}
    assert ids(claims(sample, status=("accepted",), thread=sample.thread, verdict=("corroborated",))) == {c["closure"], c["confirmed"]}


def test_an_export_cut_in_the_past_shows_the_record_as_it_was(sample):
    then, now = by_id(claims(sample, seq=sample.cut)), by_id(claims(sample))
    year, lane, tolls = sample.claims["year"], sample.claims["lane"], sample.claims["tolls"]
    assert (then[year]["verdict"], now[year]["verdict"]) == ("unassessed", "refuted")
    assert (then[lane]["event_date"], now[lane]["event_date"]) == ("2024-04", "2024-04-15")
    assert (then[tolls]["status"], then[tolls]["accepted_by"]) == ("candidate", None)
    assert now[tolls]["accepted_by"] == "bob"
    assert then[lane]["decision"]["seq"] <= sample.cut < now[lane]["decision"]["seq"]


def test_as_of_accepts_a_time(sample):
    with sample.record.session() as session:
        from annotate.store.ledger import history

        moment = history(session, "claim", sample.claims["lane"])[-1]["at"]
        assert cut_at(session, moment).seq == sample.head - 1
        assert cut_at(session, str(sample.cut)).seq == sample.cut


def test_accepted_by_is_who_made_it_verified_and_stays_through_corrections(sample):
    lane = by_id(claims(sample))[sample.claims["lane"]]
    assert (lane["status"], lane["accepted_by"]) == ("corrected", "alice")
    assert lane["accepted_at"] < lane["decision"]["at"]  # corrected again later; still accepted at the first


def test_same_event_claims_share_their_appearances_earliest_first(sample):
    c = by_id(claims(sample, needs=("appearances",)))[sample.claims["confirmed"]]
    assert c["same_event"] == [sample.claims["closure"], sample.claims["confirmed"]]
    assert [a["document"]["publisher"] for a in c["appearances"]] == ["Riverside Courier", "Delta Monitor"]


def test_context_is_the_text_around_the_quote(sample):
    c = by_id(claims(sample, needs=("context",)))[sample.claims["year"]]
    assert c["context"]["prefix"].endswith("@harbourwatch claimed ") and c["context"]["suffix"] == "."
