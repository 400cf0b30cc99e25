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
    from annotate.linking.threads import create_thread

    a, b = two_reports(desk)
    thread = create_thread(record.ledger, "Ferry service", [a, b], "lea", "cli")
    page = sign_in("lea").page
    page.goto(f"/threads/{thread['id']}")
    page.screenshot(path=str(tmp_path / "thread.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the thread page scrolls sideways ({width}px)"
