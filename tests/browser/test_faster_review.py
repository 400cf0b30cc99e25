"""Faster review in Chromium: a claims-only view, ticking candidates and deciding them with one key,
the rest of the document with the same key, and Enter on to the next document."""

from playwright.sync_api import expect

TEXT = (
    "Officials in Kupiansk said on Friday that the market would reopen. "
    "The governor may extend the order to nearby villages, an aide said. "
    "Residents in Izium told reporters the bridge was closed."
)


def test_tick_decide_the_rest_and_move_on(sign_in, desk):
    doc = desk.document(TEXT, "Market and bridge")
    first = desk.claim(doc, TEXT, "Officials in Kupiansk said on Friday that the market would reopen.")
    second = desk.claim(doc, TEXT, "The governor may extend the order to nearby villages, an aide said.")
    third = desk.claim(doc, TEXT, "Residents in Izium told reporters the bridge was closed.")
    places = [desk.mention(doc, TEXT, "Kupiansk"), desk.mention(doc, TEXT, "Izium")]
    later = desk.document("A later report on the bridge in Izium.", "Later")
    desk.claim(later, "A later report on the bridge in Izium.", "A later report on the bridge in Izium.")
    alice = sign_in("alice")
    page = alice.page
    page.goto(f"/documents/{doc}?show=claims")
    assert page.locator("#items > li.item").count() == 3  # the place names are not listed
    mark = desk.head()
    page.keyboard.press("Space")  # tick the first claim
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Space")  # and the third
    page.keyboard.press("Shift+A")
    page.wait_for_selector("text=Accepted 2 candidates.")
    assert [(d["action"], d["target_id"]) for d in desk.decisions_after(mark)] == [("claim.accepted", first), ("claim.accepted", third)]
    page.locator(".lens a", has_text="Everything").click()
    expect(page.locator("#items > li.item")).to_have_count(5)
    mark = desk.head()
    page.keyboard.press("Shift+X")  # nothing ticked: every candidate listed
    page.wait_for_selector("text=Rejected 3 candidates.")
    assert sorted(d["target_id"] for d in desk.decisions_after(mark)) == sorted([second, *places])
    expect(page.locator(".done-next")).to_contain_text("Document done")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/documents/{later}")
    assert alice.errors == []


def test_enter_opens_a_document_from_the_queue(sign_in, desk):
    doc = desk.document("Officials said the school in Balakliia reopened.", "School reopens")
    desk.claim(doc, "Officials said the school in Balakliia reopened.", "Officials said the school in Balakliia reopened.")
    page = sign_in("alice").page
    page.goto("/queue?q=Balakliia")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/documents/{doc}")
