"""A two-reviewer day in Chromium: the lead assigns a document from the queue; alice's queue opens on
it; she reviews with the keyboard, meets a conflict with bob and reapplies (both changes survive),
bulk-accepts the rest and marks the document done; the lead sends it back with a note, alice
finishes it again, the lead approves it and exports the verified set."""

import io
import json
import os
import zipfile
from pathlib import Path

from playwright.sync_api import expect

WAIT = 20_000  # ms: the machine is a loaded 2-core box
DOCS = Path(__file__).resolve().parents[2] / "docs"
TEXT = (
    "Harbour officials in Ochakiv said on Tuesday that the grain pier would reopen within a week. "
    "The port authority may extend night shifts to clear the backlog, a spokesman said. "
    "Dock workers told reporters that two cranes were still out of service."
)
QUOTES = [
    "Harbour officials in Ochakiv said on Tuesday that the grain pier would reopen within a week.",
    "The port authority may extend night shifts to clear the backlog, a spokesman said.",
    "Dock workers told reporters that two cranes were still out of service.",
]


def shot(locator_or_page, name: str) -> None:
    if os.environ.get("CLAIMTRAIL_SCREENSHOTS") == "docs":
        locator_or_page.screenshot(path=str(DOCS / name))


def test_a_two_reviewer_day(sign_in, desk, record):
    doc = desk.document(TEXT, "Grain pier to reopen in Ochakiv")
    claims = [desk.claim(doc, TEXT, q, claimant=None) for q in QUOTES]
    place = desk.mention(doc, TEXT, "Ochakiv")

    # The lead finds the document in the queue, ticks it and assigns it to alice.
    lea = sign_in("lea")
    page = lea.page
    page.goto("/queue?status=all&q=Ochakiv")
    page.locator(f"input[name=document][value='{doc}']").check()
    page.select_option("#assign select[name=reviewer]", "alice")
    shot(page, "screenshot-assign.png")
    page.locator("#assign button[value=ticked]").click()
    expect(page.locator(".flash.ok")).to_contain_text("Assigned 1 document to alice.", timeout=WAIT)

    # alice's queue opens on her work; Enter opens the document.
    alice = sign_in("alice")
    a = alice.page
    expect(a.locator("#queue-results td.doc a")).to_have_count(1, timeout=WAIT)
    expect(a.locator("#queue-results")).to_contain_text("to do")
    shot(a, "screenshot-my-queue.png")
    a.keyboard.press("Enter")
    a.wait_for_url(f"**/documents/{doc}", timeout=WAIT)

    # The keyboard: accept the first claim, then open the second for editing.
    a.keyboard.press("a")
    a.wait_for_selector(f"text=Accepted claim #{claims[0]}", timeout=WAIT)
    a.wait_for_selector(f"#item-mention-{place}.current", timeout=WAIT)  # on to the next candidate: the place inside it
    a.keyboard.press("j")
    a.wait_for_selector(f"#item-claim-{claims[1]}.current", timeout=WAIT)
    a.keyboard.press("e")
    a.wait_for_selector("form.edit input[name=event_date]", timeout=WAIT)

    # Meanwhile bob corrects the second claim's claimant.
    bob = sign_in("bob")
    b = bob.page
    b.goto(f"/documents/{doc}?focus=claim-{claims[1]}")
    b.keyboard.press("e")
    b.wait_for_selector("form.edit input[name=claimant]:focus", timeout=WAIT)
    b.fill("form.edit input[name=claimant]", "A port spokesman")
    b.keyboard.press("Enter")
    expect(b.locator("#flash .flash.ok")).to_contain_text(f"Corrected claim #{claims[1]}", timeout=WAIT)

    # alice saves her date on the version she saw: a conflict, field by field; she reapplies.
    a.fill("form.edit input[name=event_date]", "2023-08-15")
    a.press("form.edit input[name=event_date]", "Enter")
    alert = a.locator("#conflict")
    alert.wait_for(timeout=WAIT)
    assert "A port spokesman" in alert.locator("tr[data-field=claimant]").inner_text()
    alert.locator("button[data-reapply]").click()
    expect(a.locator("#flash .flash.ok")).to_contain_text(f"Corrected claim #{claims[1]}", timeout=WAIT)  # not the alert's "corrected the claim"
    both = desk.state("claim", claims[1])
    assert (both["claimant"], both["event_date"]) == ("A port spokesman", "2023-08-15")

    # Bulk: nothing ticked, so Shift+A accepts every candidate left; then the document is done.
    a.keyboard.press("Shift+A")
    a.wait_for_selector("text=Accepted 2 candidates.", timeout=WAIT)
    assert desk.state("claim", claims[2])["status"] == "accepted" and desk.state("mention", place)["status"] == "accepted"
    a.locator("#finish").click()
    expect(a.locator(".flash.ok")).to_contain_text("Marked the document done", timeout=WAIT)
    assert assignment(record, doc)["status"] == "done"

    # The lead sends it back with a note; alice sees the note and finishes it again.
    page.goto(f"/documents/{doc}")
    page.locator("details.send-back summary").click()
    page.fill("details.send-back textarea[name=note]", "Check the date of the second claim against the dateline")
    shot(page.locator(".dochead"), "screenshot-send-back.png")
    page.locator("details.send-back button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_contain_text("Sent the document back", timeout=WAIT)
    a.goto("/queue")
    expect(a.locator("#queue-results")).to_contain_text("sent back: Check the date", timeout=WAIT)
    a.locator(f"#queue-results a[href='/documents/{doc}']").click()
    expect(a.locator("#assignment .note")).to_contain_text("Check the date of the second claim", timeout=WAIT)
    a.locator("#mark-done").click()
    expect(a.locator(".flash.ok")).to_contain_text("Marked the document done", timeout=WAIT)

    # The lead approves it from the queue of documents waiting for approval, sees the dashboard, exports.
    page.goto("/queue?review=done&status=all")
    page.locator(f"#queue-results a[href='/documents/{doc}']").click()
    page.locator("#approve").click()
    expect(page.locator(".flash.ok")).to_contain_text("Approved", timeout=WAIT)
    assert assignment(record, doc)["status"] == "approved" and assignment(record, doc)["rounds"] == 2
    page.goto("/dashboard")
    row = page.locator("tr", has=page.locator("b", has_text="alice"))
    expect(row).to_be_visible(timeout=WAIT)
    shot(page, "screenshot-dashboard.png")
    page.goto("/exports")
    with page.expect_download(timeout=WAIT) as download:
        page.locator("form.export button[type=submit]").click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as z:
        data = next(n for n in z.namelist() if n.startswith("claims-"))
        exported = {c["id"]: c for c in map(json.loads, z.read(data).decode().splitlines())}
    assert {claims[0], claims[1], claims[2]} <= set(exported)  # the verified set: accepted and corrected
    assert exported[claims[1]]["claimant"] == "A port spokesman" and exported[claims[1]]["event_date"] == "2023-08-15"
    assert [e for e in alice.errors + bob.errors + lea.errors if "409 (Conflict)" not in e] == []


def assignment(record, document_id: int) -> dict:
    from sqlmodel import select

    from annotate.store.models import Assignment

    with record.session() as s:
        return s.exec(select(Assignment).where(Assignment.document_id == document_id)).one().model_dump()
