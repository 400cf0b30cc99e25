"""Inferred metadata is marked as inferred in the document header and corrected there: a decision
in the document's history, the field no longer marked inferred, the claims' second clock moved too."""

from fastapi.testclient import TestClient
from sqlmodel import select

from annotate import accounts
from annotate.errors import Invalid
from annotate.review.metadata import Metadata
from annotate.store.history import object_history
from annotate.store.ledger import Change
from annotate.store.models import Claim, Document, Publisher


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
