"""A reviewer in Chromium: sign in, review by keyboard, add and edit a claim from a selection,
read its history, meet a conflict and resolve it; a hostile document runs no script."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

TEXT = (
    "KUPIANSK, Aug 11 (Civic Monitor) 🌻\n\n"
    "Local officials in Kupiansk said on Friday that the evacuation of families with children was now mandatory. "
    "The regional governor may extend the order to nearby villages, an aide said.\n\n"
    "Residents told our reporters the market reopened on Monday despite shelling."
)


@pytest.fixture
def report(desk):
    doc = desk.document(TEXT, "Kupiansk evacuation", url="https://civic.example/kupiansk")
    return {
        "doc": doc,
        "first": desk.claim(
            doc, TEXT, "Local officials in Kupiansk said on Friday that the evacuation of families with children was now mandatory.", claimant="Local officials"
        ),
        "place": desk.mention(doc, TEXT, "Kupiansk", "GPE"),
        "second": desk.claim(doc, TEXT, "The regional governor may extend the order to nearby villages, an aide said.", hedged=True),
    }


def is_current(page, ref: str) -> bool:
    """Waits for htmx to settle (it restores new classes ~20 ms after a swap)."""
    page.wait_for_selector(f"#items > li.current[data-ref='{ref}']")
    return page.locator("#items > li.current").count() == 1


def test_review_a_document_by_keyboard(sign_in, desk, report):
    alice = sign_in("alice")
    page = alice.page
    page.goto(f"/documents/{report['doc']}")
    page.evaluate("window.__stayed = true")  # gone if the page reloads
    mark = desk.head()
    assert is_current(page, f"claim-{report['first']}")
    page.keyboard.press("a")  # accept the first claim; the panel moves on to the next candidate
    page.wait_for_selector("text=Accepted claim")
    assert is_current(page, f"mention-{report['place']}")
    page.keyboard.press("j")  # skip the place name
    assert is_current(page, f"claim-{report['second']}")
    page.keyboard.press("x")
    page.wait_for_selector("text=Rejected claim")
    expect(page.locator("#progress")).to_contain_text("1 left · 1 accepted · 1 rejected")  # the counter, out of band
    assert is_current(page, f"mention-{report['place']}")  # back to the one skipped
    page.keyboard.press("k")
    assert is_current(page, f"claim-{report['first']}")
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_selector("text=Accepted mention")
    page.keyboard.press("u")  # undo is a decision too
    page.wait_for_selector("text=Undid #")
    page.keyboard.press("?")
    assert page.locator("#keys-dialog").is_visible()
    page.keyboard.press("Escape")
    assert page.evaluate("window.__stayed") is True
    written = [(d["actor"], d["origin"], d["action"], d["target_id"]) for d in desk.decisions_after(mark)]
    assert written == [
        ("alice", "ui", "claim.accepted", report["first"]),
        ("alice", "ui", "claim.rejected", report["second"]),
        ("alice", "ui", "mention.accepted", report["place"]),
        ("alice", "ui", "mention.reverted", report["place"]),
    ]
    assert alice.errors == []  # no CSP violation, no script error


def test_keys_pressed_quickly_decide_one_candidate_after_another(sign_in, desk, report):
    page = sign_in("alice").page
    page.goto(f"/documents/{report['doc']}")
    mark = desk.head()
    page.keyboard.press("a")
    page.keyboard.press("a")  # before the first answer is back: waits, then accepts the next candidate
    expect(page.locator("#progress")).to_contain_text("1 left · 2 accepted")
    assert [(d["action"], d["target_id"]) for d in desk.decisions_after(mark)] == [("claim.accepted", report["first"]), ("mention.accepted", report["place"])]


def test_add_a_claim_from_a_selection_edit_it_and_read_its_history(sign_in, desk, report, select_text):
    alice = sign_in("alice")
    page = alice.page
    page.goto(f"/documents/{report['doc']}")
    quote = "Residents told our reporters the market reopened on Monday"
    select_text(page, quote)  # after an emoji: JavaScript and Python count it differently
    mark = desk.head()
    page.keyboard.press("c")
    page.wait_for_selector("text=Added claim")
    [added] = desk.decisions_after(mark)
    claim_id = added["target_id"]
    assert (added["actor"], added["action"], added["after"]["quote"]) == ("alice", "claim.added", quote)
    assert is_current(page, f"claim-{claim_id}")
    page.keyboard.press("e")
    page.wait_for_selector("form.edit input[name=claimant]:focus")
    page.keyboard.type("Residents")
    page.fill("form.edit input[name=event_date]", "2023-08-07")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Corrected claim")
    state = desk.state("claim", claim_id)
    assert (state["claimant"], state["event_date"], state["status"]) == ("Residents", "2023-08-07", "corrected")
    page.locator(f"#item-claim-{claim_id} a", has_text="History").click()
    page.wait_for_url(f"**/claims/{claim_id}")
    rows = page.locator("table.history tbody tr")
    assert rows.count() == 2
    assert "alice" in rows.nth(0).inner_text() and "added the claim" in rows.nth(0).inner_text()
    assert "corrected the claim" in rows.nth(1).inner_text() and "event date" in rows.nth(1).inner_text() and "2023-08-07" in rows.nth(1).inner_text()
    assert "Published" in page.content() and "2023-08-11" in page.content()
    assert alice.errors == []


def test_an_entity_from_a_selection(sign_in, desk, report, select_text):
    page = sign_in("alice").page
    page.goto(f"/documents/{report['doc']}")
    select_text(page, "regional governor")
    mark = desk.head()
    page.keyboard.press("n")
    page.wait_for_selector("form.add select[name=label]:focus")
    page.select_option("form.add select[name=label]", "PERSON")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Added PERSON mention")
    assert [d["action"] for d in desk.decisions_after(mark)] == ["entity.added", "mention.added"]
    assert desk.decisions_after(mark)[1]["after"]["text"] == "regional governor"


def test_a_conflict_is_shown_and_can_be_reapplied(sign_in, desk, report):
    alice, bob = sign_in("alice"), sign_in("bob")
    alice.page.goto(f"/documents/{report['doc']}")
    bob.page.goto(f"/documents/{report['doc']}")
    mark = desk.head()
    bob.page.keyboard.press("x")  # bob rejects the first claim
    bob.page.wait_for_selector("text=Rejected claim")
    alice.page.keyboard.press("a")  # alice still sees version 1
    alert = alice.page.locator("#conflict")
    alert.wait_for()
    assert "Changed by someone else" in alert.inner_text() and "bob" in alert.inner_text()
    assert "rejected, version 2" in alert.inner_text()
    alert.locator("button[data-reapply]").click()
    alice.page.wait_for_selector("text=Accepted claim")
    written = [(d["actor"], d["action"]) for d in desk.decisions_after(mark)]
    assert written == [("bob", "claim.rejected"), ("alice", "claim.accepted")]
    assert desk.state("claim", report["first"])["status"] == "accepted"


HOSTILE = (
    '<script>window.__xss = 1</script> <img src=x onerror="window.__xss = 2"> '
    '<a href="javascript:window.__xss=3">link</a> <div hx-get="/logout" hx-trigger="load">x</div> '
    "{{ 7*7 }} \u202eevil override"
)


def test_no_script_from_a_hostile_document_runs(sign_in, desk):
    doc = desk.document(HOSTILE, '<img src=x onerror="window.__xss=4">', url="javascript:window.__xss=5")
    claim = desk.claim(doc, HOSTILE, "<script>window.__xss = 1</script>", claimant="<img src=x onerror=window.__xss=6>")
    alice = sign_in("alice")
    page = alice.page
    for url in (f"/documents/{doc}", "/queue?status=all", f"/claims/{claim}"):
        page.goto(url)
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__xss") == "undefined", url
    page.goto(f"/documents/{doc}")
    assert "<script>window.__xss = 1</script>" in page.locator("#doc-text").inner_text()
    assert page.locator("#doc-text img, #doc-text script, #doc-text a, #doc-text [hx-get]").count() == 0
    page.keyboard.press("a")  # the hostile claim's quote goes through a partial swap too
    page.wait_for_selector("text=Accepted claim")
    assert page.evaluate("typeof window.__xss") == "undefined"
    page.goto("/login")  # still signed in: the hx-get="/logout" in the text never fired
    assert page.url.endswith("/login")


def test_screenshots_of_the_document_view(sign_in, desk, record, tmp_path):
    """The document view at 1280 px and at phone width (saved to docs/ when CLAIMTRAIL_SCREENSHOTS=docs)."""
    doc = example_document(desk, record)
    out = Path(__file__).resolve().parents[2] / "docs" if os.environ.get("CLAIMTRAIL_SCREENSHOTS") == "docs" else tmp_path
    for name, size in [("screenshot-document.png", {}), ("screenshot-document-narrow.png", {"width": 390, "height": 844})]:
        page = sign_in("lea", **size).page
        page.goto(f"/documents/{doc}")
        page.keyboard.press("j")
        page.screenshot(path=str(out / name))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{name}: the page scrolls sideways ({width}px)"


def example_document(desk, record) -> int:
    """One bundled example report with the rules annotator's candidates (or a few of ours)."""
    from annotate.ingest.pipeline import ingest_paths

    examples = Path(__file__).resolve().parents[2] / "examples" / "reports"
    report = ingest_paths(record.ledger, [str(examples / "2023-08-11_civicmonitor_kupiansk-evacuation.md")])
    doc = (report.added or [None])[0]
    if doc is None:
        from sqlalchemy import select

        from annotate.store.models import Document

        with record.session() as s:
            doc = s.execute(select(Document.id).where(Document.file_name.like("%kupiansk-evacuation%"))).scalar()
    try:
        from annotate.preannotate.registry import get_annotator
        from annotate.preannotate.store import preannotate

        preannotate(record.ledger, get_annotator("rules"), [doc])
    except ImportError:
        pass
    return doc
