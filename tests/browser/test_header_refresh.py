"""The document header follows the reviewer's decisions without a reload: the review state badge,
the version its forms carry and the history count change out of band with the decided item."""

from playwright.sync_api import expect

from annotate.review.assignments import Assignments

TEXT = (
    "Ferry operators in Izmail said on Monday that the crossing would resume at dawn. "
    "The customs office may add a second lane, an official said. "
    "Drivers told reporters the queue stretched past the market."
)
QUOTES = [
    "Ferry operators in Izmail said on Monday that the crossing would resume at dawn.",
    "The customs office may add a second lane, an official said.",
    "Drivers told reporters the queue stretched past the market.",
]


def test_the_header_follows_decisions_without_a_reload(sign_in, desk, record):
    doc = desk.document(TEXT, "Izmail crossing to resume")
    claims = [desk.claim(doc, TEXT, q) for q in QUOTES]
    Assignments(record, "lea", "ui", role="lead").assign([doc], "alice")
    alice = sign_in("alice")
    page = alice.page
    page.goto(f"/documents/{doc}")
    page.evaluate("window.__stayed = true")  # gone if the page reloads
    expect(page.locator("#assignment .badge")).to_have_text("to do")
    history = page.locator("#doc-history")
    history.locator("summary").click()  # opened before the decision, it stays open
    before = history.locator("summary").inner_text()

    page.keyboard.press("a")  # the first decision starts the review
    page.wait_for_selector(f"text=Accepted claim #{claims[0]}")
    expect(page.locator("#assignment .badge")).to_have_text("in review")
    expect(history.locator("summary")).not_to_have_text(before)
    expect(history).to_have_attribute("open", "")
    expect(history).to_contain_text("started reviewing the document")
    version = desk.state("assignment", _assignment_id(record, doc))["version"]
    expect(page.locator("#mark-done").locator("xpath=..").locator("input[name=version]")).to_have_value(str(version))
    expect(page.locator("#progress")).to_contain_text("2 left · 1 accepted · 0 rejected")

    page.keyboard.press("A")  # the rest with one key: the whole workbench answers
    expect(page.locator("#progress")).to_contain_text("0 left · 3 accepted · 0 rejected")
    expect(page.locator("#assignment .badge")).to_have_text("in review")
    assert page.evaluate("window.__stayed") is True  # all of it without a reload
    page.locator("#mark-done").click()  # the header's form carries the current version
    expect(page.locator("#assignment .badge")).to_have_text("done")
    assert desk.state("assignment", _assignment_id(record, doc))["status"] == "done"
    assert alice.errors == []


def _assignment_id(record, doc: int) -> int:
    from annotate.review.assignments import of_document

    with record.session() as s:
        return of_document(s, doc).id


def test_undoing_a_date_correction_puts_the_old_date_back_in_the_header(sign_in, desk, record):
    doc = desk.document(TEXT, "Izmail crossing, second report")
    claims = [desk.claim(doc, TEXT, q) for q in QUOTES]
    page = sign_in("alice").page
    page.goto(f"/documents/{doc}")
    page.locator(".fix-meta summary").click()
    page.fill(".meta-form input[name=published]", "2023-08-14")
    page.locator(".meta-form button[type=submit]").click()
    expect(page.locator("#doc-meta .meta")).to_contain_text("published 2023-08-14")
    expect(page.locator("#undo button")).to_contain_text("corrected the document's title, publisher or date")
    page.evaluate("window.__stayed = true")
    page.keyboard.press("u")  # the date and every claim it moved go back, and the header says so
    expect(page.locator("#doc-meta .meta")).to_contain_text("published 2023-08-11")
    version = desk.state("document", doc)["version"]
    expect(page.locator(".meta-form input[name=version]")).to_have_value(str(version))  # a next correction is not stale
    assert {desk.state("claim", c)["published"] for c in claims} == {"2023-08-11"}
    assert page.evaluate("window.__stayed") is True
