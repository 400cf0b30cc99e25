"""At phone width (390 px) no page of the desk scrolls sideways, and an entity merge is chosen from a
search, confirmed, announced and undone in Chromium."""

import pytest

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
    return {"doc": doc, "claim": claim, "thread": thread["id"]}


@pytest.mark.parametrize(
    "path",
    ["/queue", "/documents/{doc}", "/audit", "/threads/{thread}", "/entities", "/exports", "/claims/{claim}", "/dashboard", "/queue?review=none&status=all"],
)
def test_no_sideways_scroll_at_390_px(sign_in, story, path):
    page = sign_in("lea", width=390, height=844).page
    page.goto(path.format(**story))
    overflow = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert overflow[0] <= overflow[1], f"{path} scrolls sideways at 390 px: {overflow[0]} > {overflow[1]}"


def test_merge_an_entity_chosen_from_a_search_then_undo(sign_in, desk):
    from annotate.store.ledger import Change

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
