"""Inferred metadata is marked as inferred in the document header and corrected there: a decision
in the document's history, the field no longer marked inferred, the claims' second clock moved too."""

from fastapi.testclient import TestClient
from sqlmodel import select

from annotate import accounts
from annotate.errors import Invalid
from annotate.review.metadata import Metadata
from annotate.review.operations import Review
from annotate.store.history import object_history
from annotate.store.ledger import Change
from annotate.store.models import Claim, Document, Publisher
from annotate.store.verify import verify


def inferred_document(desk) -> int:
    doc = desk.document("Officials said the ferry resumed service.", title="ferry notes", publisher=None, published="2023-06")
    desk.apply(Change("document.boilerplate_marked", "document", doc, {"inferred": {"title": True, "publisher": False, "published": True}}))
    desk.claim(doc, "Officials said the ferry resumed service.", published="2023-06")
    return doc


def test_the_header_marks_what_was_inferred_and_a_correction_is_a_decision(alice, desk, record, ledger):
    doc = inferred_document(desk)
    page = alice.get(f"/documents/{doc}")
    assert page.text.count('class="inferred"') == 2  # title and date, not the publisher
    ledger.mark()
    answer = alice.post(
        f"/documents/{doc}/metadata",
        {"version": "2", "title": "Ferry service resumes", "publisher": "Harbour Post", "published": "2023-06-14", "rationale": "dateline"},
        htmx=False,
    )
    assert answer.status_code == 303
    assert [action for *_, action, _ in ledger.written()] == ["publisher.added", "document.metadata_corrected", "claim.corrected"]
    with record.session() as s:
        found = s.get(Document, doc)
        assert (found.title, found.published, s.get(Publisher, found.publisher_id).name) == ("Ferry service resumes", "2023-06-14", "Harbour Post")
        assert found.inferred == {"title": False, "publisher": False, "published": False}
        claim = s.exec(select(Claim).where(Claim.document_id == doc)).one()
        assert (claim.published, claim.status) == ("2023-06-14", "candidate")  # its second clock, not a review
        assert object_history(s, "document", doc)[-1]["rationale"] == "dateline"
    page = alice.get(answer.headers["location"])
    assert 'class="inferred"' not in page.text
    assert "corrected the document&#39;s title, publisher or date" in page.text  # in the history shown on the page


def test_a_stale_or_bad_correction_is_refused(alice, desk, record):
    doc = inferred_document(desk)
    assert alice.post(f"/documents/{doc}/metadata", {"version": "1", "title": "x"}, htmx=False).status_code == 409
    try:
        Metadata(record, "alice", "cli").correct(doc, 2, {"published": "14 June"})
    except Invalid as problem:
        assert "YYYY" in str(problem)
    else:
        raise AssertionError("a date that is not ISO was accepted")
    nothing = Metadata(record, "alice", "cli").correct(doc, 2, {"title": "ferry notes"})
    assert nothing.decisions == [] and nothing.warnings


def test_the_api_corrects_metadata_with_a_version(app, desk, record, users):
    doc = inferred_document(desk)
    api = TestClient(app, headers={"Authorization": f"Bearer {accounts.create_api_token(record, 'alice')}"})
    assert api.patch(f"/api/documents/{doc}", json={"title": "Ferry"}).status_code == 428
    done = api.patch(f"/api/documents/{doc}", json={"published": "2023-06-15"}, headers={"If-Match": '"2"'})
    assert done.status_code == 200 and done.json()["state"]["inferred"]["published"] is False
    assert done.json()["state"]["inferred"]["title"] is True  # untouched fields stay marked


def many_claims_document(desk, claims: int = 34) -> tuple[int, list[int]]:
    """A document whose date was inferred, with more claims than any fixed window of decisions."""
    sentences = [f"Officials said pier {n} reopened." for n in range(claims)]
    doc = desk.document(" ".join(sentences), title="harbour notes", publisher=None, published="2023-06")
    return doc, [desk.claim(doc, sentence, published="2023-06") for sentence in sentences]


def dates(record, claim_ids: list[int]) -> set:
    with record.session() as s:
        return {s.get(Claim, c).published for c in claim_ids}


def test_reverting_a_date_correction_from_the_audit_log_moves_every_claim_back(alice, signed_in, desk, record, ledger):
    doc, claims = many_claims_document(desk)
    ledger.mark()
    assert alice.post(f"/documents/{doc}/metadata", {"version": "1", "title": "harbour notes", "published": "2023-06-14"}, htmx=False).status_code == 303
    written = ledger.written()
    assert len(written) == 1 + len(claims) and dates(record, claims) == {"2023-06-14"}
    correction = ledger.since()[0]["seq"]
    lea = signed_in("lea")
    ledger.mark()
    assert lea.post(f"/audit/revert/{correction}", {"why": "the dateline was right"}, htmx=False).status_code == 303
    assert len(ledger.written()) == 1 + len(claims)  # the whole action, however many claims
    assert dates(record, claims) == {"2023-06"}
    with record.session() as s:
        assert s.get(Document, doc).published == "2023-06"
    assert verify(record.engine, None, [], check_state=True).ok


def test_reverting_one_re_dated_claim_takes_back_the_whole_correction(desk, record):
    doc, claims = many_claims_document(desk)
    done = Metadata(record, "alice", "cli").correct(doc, 1, {"published": "2023-06-14"})
    Review(record, "lea", "cli", role="lead").revert(done.decisions[-1])  # the last claim's re-dating
    assert dates(record, claims) == {"2023-06"}
    with record.session() as s:
        assert s.get(Document, doc).published == "2023-06"


def test_undo_in_the_workbench_takes_back_a_date_correction_whole(alice, desk, record):
    doc, claims = many_claims_document(desk)
    alice.post(f"/documents/{doc}/metadata", {"version": "1", "title": "harbour notes", "published": "2023-06-14"}, htmx=False)
    page = alice.get(f"/documents/{doc}")
    assert "Undo: corrected the document&#39;s title, publisher or date" in page.text
    assert alice.post(f"/review/documents/{doc}/undo").status_code == 200
    assert dates(record, claims) == {"2023-06"}
    with record.session() as s:
        found = s.get(Document, doc)
        assert (found.published, found.inferred.get("published")) == ("2023-06", None)
    assert verify(record.engine, None, [], check_state=True).ok
