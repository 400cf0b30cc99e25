"""At phone width (390 px) no page of the desk scrolls sideways (its folded histories and forms
opened), no page shows the record's internal names, and an entity merge is chosen from a search,
confirmed, announced and undone in Chromium."""

import re

import pytest

from annotate.review.assignments import Assignments
from annotate.review.metadata import Metadata
from annotate.review.operations import Review
from annotate.store.kinds import Kind
from annotate.store.ledger import Change

TEXT = (
    "KUPIANSK — Local officials in the Kharkiv regional military administration said on Friday that the "
    "evacuation of families with children from Kupiansk and nineteen surrounding settlements was now mandatory. "
    "A very long unbroken token: https://example.org/a/very/long/address/that/does/not/wrap/easily/at/all/0123456789"
)


@pytest.fixture
def story(desk, record):
    from annotate.linking.threads import Threads

    doc = desk.document(TEXT, "Evacuation of families from Kupiansk and nineteen surrounding settlements ordered")
    claim = desk.claim(doc, TEXT, TEXT[TEXT.index("Local") : TEXT.index("mandatory.") + 10], claimant="Local officials")
    desk.mention(doc, TEXT, "Kupiansk")
    thread = Threads(record, "lea", "cli").create("Kupiansk evacuation orders in the Kharkiv region, summer", [claim]).state
    town, typo = (desk.apply(Change("entity.proposed", "entity", set={"name": name, "type": "GPE"}))["id"] for name in ("Kupiansk", "Kupyansk"))
    return {"doc": doc, "claim": claim, "thread": thread["id"], "town": town, "typo": typo}


@pytest.fixture
def worked(story, record):
    """The story's document assigned, reviewed, its date corrected and moved to another reviewer: a
    header, history and audit log with review states, times and re-dated claims in them."""
    Assignments(record, "lea", "ui", role="lead").assign([story["doc"]], "alice")
    Review(record, "alice", "ui").edit("claim", story["claim"], 1, {"claimant": "The regional military administration", "hedges": ["reportedly"]})
    Metadata(record, "lea", "ui", role="lead").correct(story["doc"], 1, {"published": "2023-08-12"})
    Assignments(record, "lea", "ui", role="lead").assign([story["doc"]], "bob")
    return story


PAGES = [
    "/queue",
    "/documents/{doc}",
    "/audit",
    "/threads/{thread}",
    "/entities",
    "/exports",
    "/claims/{claim}",
    "/dashboard",
    "/queue?review=none&status=all",
    "/threads",
    "/entities/{typo}",
    "/entities/{typo}/merge?into={town}",
    "/keys",
    "/upload",
    "/audit/chain",
]
OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true)"  # histories and forms folded away count too


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scroll_at_390_px(sign_in, worked, path):
    page = sign_in("lea", width=390, height=844).page
    page.goto(path.format(**worked))
    page.evaluate(OPEN_ALL)
    overflow = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert overflow[0] <= overflow[1], f"{path} scrolls sideways at 390 px: {overflow[0]} > {overflow[1]}"


KIND_NAMES = sorted({k.value for k in Kind}, key=len, reverse=True)


@pytest.mark.parametrize("path", ["/documents/{doc}", "/audit", "/claims/{claim}", "/dashboard", "/queue?status=all"])
def test_no_internal_names_on_the_page(sign_in, worked, path):
    """Decision kinds in words, fields in words, values as a reader says them: no `claim.corrected`,
    no `claimant_entity_id`, no `null`, no `in_review`."""
    page = sign_in("lea").page
    page.goto(path.format(**worked))
    page.evaluate(OPEN_ALL)
    text = page.inner_text("main")
    leaks = {k for k in KIND_NAMES if k in text} | set(re.findall(r"\b[a-z]+_[a-z_]+\b", text)) | set(re.findall(r"\bnull\b", text))
    assert not leaks, f"{path} shows internal names: {sorted(leaks)}"


def test_merge_an_entity_chosen_from_a_search_then_undo(sign_in, desk):
    town = desk.apply(Change("entity.proposed", "entity", set={"name": "Kupiansk", "type": "GPE"}))["id"]
    typo = desk.apply(Change("entity.proposed", "entity", set={"name": "Kupyansk", "type": "GPE"}))["id"]
    lea = sign_in("lea")
    page = lea.page
    page.goto(f"/entities/{typo}")
    page.fill("input[name=into_q]", "Kupiamsk")
    page.keyboard.press("Enter")
    page.locator(f"a[href='/entities/{typo}/merge?into={town}']").click()
    assert "Merge Kupyansk into Kupiansk?" in page.locator("h1").inner_text()
    page.locator("button", has_text="Merge them").click()
    page.wait_for_url(f"**/entities/{town}?merged=*")
    assert "Merged Kupyansk into Kupiansk" in page.locator(".flash").inner_text()
    page.locator("button", has_text="Undo the merge").click()
    page.wait_for_selector("text=Undid the merge")
    assert desk_state(desk, typo)["merged_into"] is None
    assert lea.errors == []


def desk_state(desk, entity_id: int) -> dict:
    from annotate.store.models import Entity

    with desk.record.session() as s:
        return s.get(Entity, entity_id).model_dump()
