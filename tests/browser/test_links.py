"""A reviewer links two reports of one statement by keyboard and opens the story's timeline;
the thread page fits 1280 px (docs/screenshot-timeline.png is the demo's Bakhmut thread, taken the same way)."""

from playwright.sync_api import expect

FIRST = "ZAPORIZHZHIA, Mar 2 (Compass Wire)\n\nThe mayor of Zaporizhzhia said the ferry across the Dnipro reservoir resumed service on Thursday."
SECOND = "ZAPORIZHZHIA, Mar 3 (Northwatch)\n\nThe Zaporizhzhia mayor said ferry service across the Dnipro reservoir resumed on Thursday after repairs."


def two_reports(desk) -> tuple[int, int]:
    one = desk.document(FIRST, "Ferry resumes")
    two = desk.document(SECOND, "Ferry back")
    a = desk.claim(one, FIRST, FIRST.split("\n\n")[1], claimant="The mayor of Zaporizhzhia", published="2023-03-02")
    b = desk.claim(two, SECOND, SECOND.split("\n\n")[1], claimant="The Zaporizhzhia mayor", published="2023-03-03")
    return a, b


def test_link_the_top_suggestion_by_keyboard_then_open_the_thread_timeline(sign_in, desk):
    a, b = two_reports(desk)
    alice = sign_in("alice")
    page = alice.page
    page.goto(f"/claims/{a}")
    top = page.locator(f"#links-{a} li.suggestion.current")
    expect(top).to_have_attribute("data-other", str(b))
    mark = desk.head()
    page.keyboard.press("l")
    expect(page.locator(f"#links-{a} li.suggestion.choosing")).to_have_count(1)
    page.keyboard.press("2")  # supports
    expect(page.locator(f"#links-{a} .flash.ok")).to_contain_text(f"Linked claim #{a} supports claim #{b}")
    expect(page.locator(f"#links-{a} ul.linked")).to_contain_text("supports")
    expect(page.locator(f"#links-{a} ul.linked a[href='/claims/{b}']")).to_have_count(1)
    written = [(d["actor"], d["origin"], d["action"], d["after"]["relation"]) for d in desk.decisions_after(mark)]
    assert written == [("alice", "ui", "link.created", "supports")]

    page.locator(f"#links-{a} form.new-thread input[name=name]").fill("Zaporizhzhia ferry")
    page.locator(f"#links-{a} form.new-thread button").click()
    page.wait_for_url("**/threads/*")
    expect(page.locator("#thread h1")).to_contain_text("Zaporizhzhia ferry")
    expect(page.locator("#timeline svg circle.claim")).to_have_count(2)
    expect(page.locator("#timeline svg path.link-supports")).to_have_count(1)
    page.get_by_role("link", name="By publication date").click()
    expect(page.locator("nav.axis b")).to_have_text("By publication date")
    assert "axis=published" in page.url
    assert alice.errors == []


def test_screenshot_of_a_thread_timeline(sign_in, desk, record, tmp_path):
    from annotate.linking.threads import Threads

    a, b = two_reports(desk)
    thread = Threads(record, "lea", "cli").create("Ferry service", [a, b]).state
    page = sign_in("lea").page
    page.goto(f"/threads/{thread['id']}")
    page.screenshot(path=str(tmp_path / "thread.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the thread page scrolls sideways ({width}px)"


KHERSON = [
    ("KHERSON, Nov 9 (Compass Wire)\n\nThe defence minister ordered troops to pull back across the river from the city of Kherson.", "2022-11-09"),
    ("KYIV, Nov 10 (Northwatch)\n\nUkrainian officials said they could not yet confirm the pullback from Kherson.", "2022-11-10"),
    ("KYIV, Nov 11 (Eastbank Daily)\n\nThe last units crossed to the eastern bank of the river, the ministry said.", "2022-11-11"),
]


def kherson_reports(desk) -> list[int]:
    ids = []
    for text, day in KHERSON:
        doc = desk.document(text, f"Kherson {day}")
        ids.append(desk.claim(doc, text, text.split("\n\n")[1], published=day))
    return ids


def test_a_claim_linked_to_a_thread_member_joins_the_kherson_thread_with_one_key(sign_in, desk, record):
    from annotate.linking.links import Links
    from annotate.linking.threads import Threads

    ordered, doubted, crossed = kherson_reports(desk)
    thread = Threads(record, "lea", "cli").create("Kherson withdrawal", [ordered, doubted]).state
    Links(record, "lea", "cli").link(crossed, ordered, "updates")
    page = sign_in("alice").page
    page.goto(f"/claims/{crossed}")
    expect(page.locator(f"#links-{crossed} form.offer")).to_contain_text("Kherson withdrawal")
    expect(page.locator(f"#links-{crossed} ul.linked")).to_contain_text(f"updates #{ordered}")
    mark = desk.head()
    page.keyboard.press("t")
    expect(page.locator(f"#links-{crossed} .flash.ok")).to_contain_text(f"Added 1 claim(s) to thread #{thread['id']}")
    expect(page.locator(f"#links-{crossed} .threads-of")).to_contain_text("In thread Kherson withdrawal")
    written = [(d["actor"], d["origin"], d["action"], d["after"]["thread_id"], d["after"]["claim_id"]) for d in desk.decisions_after(mark)]
    assert written == [("alice", "ui", "thread_member.added", thread["id"], crossed)]
    page.goto(f"/claims/{ordered}")
    expect(page.locator(f"#links-{ordered} ul.linked")).to_contain_text(f"updated by #{crossed}")


def test_search_with_slash_choose_with_arrows_and_link_with_l_2(sign_in, desk):
    texts = [
        "ODESA, Jul 20 (Compass Wire)\n\nPort officials said grain ships were waiting outside the harbour.",
        "ODESA, Jul 24 (Northwatch)\n\nThe first convoy of grain ships left the harbour under naval escort, officials said.",
    ]
    docs = [desk.document(text, f"Odesa {n}") for n, text in enumerate(texts)]
    doubted, crossed = (desk.claim(doc, text, text.split("\n\n")[1]) for doc, text in zip(docs, texts))
    alice = sign_in("alice")
    page = alice.page
    page.goto(f"/claims/{doubted}")
    page.keyboard.press("/")
    expect(page.locator(f"#links-{doubted} .claim-search input[name=q]")).to_be_focused()
    page.keyboard.type("convoy naval escort")
    page.keyboard.press("Enter")
    hits = page.locator(f"#search-{doubted} li.suggestion")
    expect(hits.first).to_have_attribute("data-other", str(crossed))
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#search-{doubted} li.suggestion.current")).to_be_focused()
    mark = desk.head()
    page.keyboard.press("l")
    expect(page.locator(f"#search-{doubted} li.suggestion.choosing")).to_have_count(1)
    page.keyboard.press("2")  # supports
    flash = page.locator(f"#links-{doubted} .flash")  # any level, so a failure shows what was said instead
    expect(flash).to_contain_text(f"Linked claim #{doubted} supports claim #{crossed}")
    expect(flash).to_have_class("flash ok")
    [decision] = desk.decisions_after(mark)
    assert (decision["actor"], decision["action"], decision["after"]["relation"]) == ("alice", "link.created", "supports")
    assert decision["evidence"] == [{"found_by": "search", "query": "words: convoy naval escort"}]
    assert alice.errors == []
