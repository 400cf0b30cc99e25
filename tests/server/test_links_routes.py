"""The links panel, threads and timelines: each write is exactly one decision under the signed-in
user (origin ui) with its rationale, answered with the re-rendered component; text stays text."""

import re
from pathlib import Path

import pytest

from annotate.linking.links import Links
from annotate.linking.threads import Threads
from annotate.linking.timeline import thread_timeline

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = 'The mayor said </svg><script>alert(1)</script><img src=x onerror="alert(2)"> the ferry across the reservoir resumed.'


@pytest.fixture
def story(desk):
    """Three reports of one ferry: a statement, the same statement a day later, and a denial."""
    texts = [
        ("a.md", "Compass Wire", "2023-03-02", "The mayor of Zaporizhzhia said the ferry across the Dnipro reservoir resumed service on Thursday."),
        ("b.md", "Northwatch", "2023-03-03", "The Zaporizhzhia mayor said ferry service across the Dnipro reservoir resumed on Thursday."),
        ("c.md", "Eastbank Daily", "2023-03-09", HOSTILE),
    ]
    ids = []
    for name, publisher, day, text in texts:
        doc = desk.document(text, title=name, publisher=publisher, published=day, file_name=name)
        ids.append(desk.claim(doc, text, claimant="The mayor", published=day))
    return ids


def panel(response) -> str:
    assert response.template.name == "partials/_suggestions.html", response.text[:300]
    return response.text


def test_the_claim_page_shows_suggestions_escaped_with_relation_guess_and_reasons(alice, story):
    a, b, c = story
    page = alice.get(f"/claims/{a}")
    assert page.status_code == 200 and page.template.name == "pages/claim.html"
    others = [o["claim_id"] for _, o in page.context["suggestions"]]
    assert b in others and c in others
    html = page.text
    assert f'id="links-{a}"' in html and "Looks like:" in html and "shared words:" in html and "Northwatch" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    fragment = alice.get(f"/claims/{a}/links", htmx=True)
    assert panel(fragment).startswith(f'<section id="links-{a}"')
    assert alice.get(f"/claims/{a}/links").status_code == 303  # without htmx: the claim page holds the panel


def test_link_writes_one_decision_with_user_rationale_and_the_suggestion_as_evidence(alice, story, ledger):
    a, b, _ = story
    ledger.mark()
    response = alice.post(f"/claims/{a}/links", {"other_id": b, "relation": "same_event", "rationale": "same statement"})
    assert response.status_code == 200 and f"Linked claim #{a} same_event claim #{b}" in panel(response)
    [decision] = ledger.since()
    assert (decision["actor"], decision["origin"], decision["action"], decision["rationale"]) == ("alice", "ui", "link.created", "same statement")
    assert decision["evidence"][0]["suggestion"]["reasons"]
    assert b not in [o["claim_id"] for _, o in response.context["suggestions"]]
    assert [row["other"]["claim_id"] for row in response.context["linked"]] == [b]
    assert response.context["proposition"]["claim_ids"] == [a, b]
    ledger.mark()
    again = alice.post(f"/claims/{a}/links", {"other_id": b, "relation": "same_event"})  # a double submit
    assert again.status_code == 200 and "Already linked as same_event" in again.text and ledger.since() == []
    other = alice.post(f"/claims/{a}/links", {"other_id": b, "relation": "contradicts"})  # a stale suggestion
    assert other.status_code == 409 and "nothing saved" in other.text and ledger.since() == []


def test_updates_point_from_the_newer_claim_and_a_bad_relation_is_refused(alice, story, ledger):
    a, b, _ = story
    ledger.mark()
    alice.post(f"/claims/{b}/links", {"other_id": a, "relation": "updates"})
    assert [(d["after"]["a_id"], d["after"]["b_id"]) for d in ledger.since()] == [(b, a)]  # b is a day newer
    ledger.mark()
    refused = alice.post(f"/claims/{a}/links", {"other_id": story[2], "relation": "is_the_same_as"})
    assert refused.status_code == 422 and "relation must be one of" in refused.text and ledger.since() == []


def test_dismissed_never_returns_and_twice_is_one_decision(alice, story, ledger):
    a, b, _ = story
    ledger.mark()
    response = alice.post(f"/claims/{a}/dismiss", {"other_id": b, "rationale": "different ferry"})
    assert "will not be suggested again" in panel(response)
    assert [(d["actor"], d["origin"], d["action"], d["rationale"]) for d in ledger.since()] == [("alice", "ui", "dismissal.recorded", "different ferry")]
    assert b not in [o["claim_id"] for _, o in response.context["suggestions"]]
    assert a not in [o["claim_id"] for _, o in alice.get(f"/claims/{b}/links", htmx=True).context["suggestions"]]  # nor from the other side
    again = alice.post(f"/claims/{a}/dismiss", {"other_id": b})
    assert "already dismissed" in again.text and len(ledger.since()) == 1


def test_remove_a_link_is_one_decision_and_a_stale_remove_is_refused(alice, story, ledger, record):
    a, b, c = story
    made = Links(record, "bob", "ui").link(a, b, "same_event").state
    ledger.mark()
    response = alice.post(f"/claims/{a}/links/{made['id']}/remove", {"version": 1, "rationale": "two ferries"})
    assert f"Removed link #{made['id']}" in panel(response) and response.context["linked"] == []
    assert ledger.written() == [("alice", "ui", "link.removed", made["id"])] and ledger.since()[0]["rationale"] == "two ferries"
    ledger.mark()
    again = alice.post(f"/claims/{a}/links/{made['id']}/remove", {"version": 2})
    assert "already removed" in again.text and ledger.since() == []
    second = Links(record, "bob", "ui").link(a, c, "supports").state
    Links(record, "bob", "ui").link(a, c, "contradicts", rationale="it is a denial")  # version 2 while alice looked at 1
    ledger.mark()
    stale = alice.post(f"/claims/{a}/links/{second['id']}/remove", {"version": 1})
    assert stale.status_code == 409 and "link.relation_changed by bob" in stale.text and ledger.since() == []
    assert alice.post(f"/claims/{b}/links/{second['id']}/remove", {"version": 2}).status_code == 404  # not b's link


def test_plain_forms_get_the_claim_page_and_csrf_is_required(alice, story, ledger):
    a, b, _ = story
    ledger.mark()
    for url, data in [
        (f"/claims/{a}/links", {"other_id": b, "relation": "supports"}),
        (f"/claims/{a}/dismiss", {"other_id": b}),
        (f"/claims/{a}/thread", {"name": "Ferry"}),
    ]:
        refused = alice.client.post(url, data=data, headers={"HX-Request": "true"})
        assert refused.status_code == 403, url
    assert ledger.since() == []
    plain = alice.post(f"/claims/{a}/links", {"other_id": b, "relation": "supports"}, htmx=False)
    assert plain.status_code == 200 and plain.template.name == "pages/claim.html" and "Linked claim #" in plain.text
    assert len(ledger.since()) == 1


def test_a_thread_from_a_claim_its_page_svg_and_json(alice, story, ledger, record):
    a, b, c = story
    Links(record, "bob", "ui").link(a, b, "same_event")
    Links(record, "bob", "ui").link(c, a, "contradicts")
    ledger.mark()
    made = alice.post(f"/claims/{a}/thread", {"name": "Zaporizhzhia ferry"}, htmx=False)
    assert made.status_code == 303
    thread_id = int(made.headers["location"].rsplit("/", 1)[1])
    assert [d["action"] for d in ledger.since()] == ["thread.created"] + ["thread_member.added"] * 3
    assert {d["actor"] for d in ledger.since()} == {"alice"}
    assert f'href="/threads/{thread_id}#timeline"' in alice.get(f"/claims/{a}/links", htmx=True).text  # the claim links into it
    page = alice.get(f"/threads/{thread_id}")
    assert page.status_code == 200 and page.template.name == "pages/thread.html"
    assert [len(p["appearances"]) for p in page.context["propositions"]] == [2, 1]  # a and b are one proposition
    assert re.search(r'<figure class="timeline-svg">\s*<svg xmlns="http://www.w3.org/2000/svg"', page.text)
    assert page.text.count('class="claim"') == 3 and "link-contradicts" in page.text
    listed = alice.get("/threads")
    assert "Zaporizhzhia ferry" in listed.text and f'href="/threads/{thread_id}"' in listed.text
    by_date = alice.get(f"/threads/{thread_id}?axis=published", htmx=True)
    assert by_date.template.name == "partials/_thread.html" and "By publication date</b>" in by_date.text
    data = alice.get(f"/threads/{thread_id}/timeline.json?axis=published").json()
    with record.session() as s:
        assert data == thread_timeline(s, thread_id, "published")
    svg = alice.get(f"/threads/{thread_id}/timeline.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and svg.text.startswith("<svg")
    assert alice.get("/threads/999/timeline.json").status_code == 404
    assert alice.get(f"/threads/{thread_id}/timeline.json?axis=sideways").status_code in (400, 422)


def test_a_verdict_is_one_decision_per_claim_of_the_proposition_with_rationale_and_evidence(alice, story, ledger, record):
    a, b, c = story
    Links(record, "bob", "ui").link(a, b, "same_event")
    thread = Threads(record, "bob", "ui").create("Ferry", [a, b, c]).state
    ledger.mark()
    response = alice.post(f"/threads/{thread['id']}/verdict", {"claim_id": a, "verdict": "contested", "rationale": "denied a week later", "evidence": [c]})
    assert response.status_code == 200 and response.template.name == "partials/_thread.html"
    written = ledger.since()
    assert [(d["actor"], d["origin"], d["action"], d["rationale"]) for d in written] == [
        ("alice", "ui", "thread_member.verdict_set", "denied a week later")
    ] * 2
    assert written[0]["evidence"] == [{"claim": c}]
    assert "contested" in response.text and "denied a week later" in response.text
    ledger.mark()
    bad = alice.post(f"/threads/{thread['id']}/verdict", {"claim_id": a, "verdict": "probably"})
    assert bad.status_code == 422 and ledger.since() == []


def test_a_hostile_quote_stays_text_in_the_inline_svg_and_the_svg_file(alice, story, record):
    a, b, c = story
    Links(record, "bob", "ui").link(c, a, "contradicts")
    thread = Threads(record, "bob", "ui").create('<b onmouseover="alert(3)">Ferry</b>', [a, c]).state
    for url in (f"/threads/{thread['id']}", f"/threads/{thread['id']}/timeline.svg"):
        text = alice.get(url).text
        assert "<script>" not in text and "<img" not in text and "<b onmouseover" not in text, url
        assert "&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text, url
    page = alice.get(f"/threads/{thread['id']}").text
    assert page.count("<svg") == 1 and page.count("</svg>") == 1  # the quote did not close the drawing


def test_only_the_timeline_drawing_is_inserted_unescaped():
    """Jinja inserts objects with `__html__` as they are: only link_views.InlineSvg may have one."""
    users = [p.relative_to(ROOT).as_posix() for p in (ROOT / "server").rglob("*.py") if "__html__" in p.read_text()]
    assert users == ["server/link_views.py"]
    assert (ROOT / "server" / "link_views.py").read_text().count("def __html__") == 1


def test_entity_timeline_routes_and_the_entity_page_links_to_them(alice, desk, story):
    town = desk.entity("Zaporizhzhia")
    page = alice.get(f"/entities/{town}")
    assert f'href="/entities/{town}/timeline.svg"' in page.text and f'href="/entities/{town}/timeline.json"' in page.text
    data = alice.get(f"/entities/{town}/timeline.json").json()
    assert data["kind"] == "entity" and data["title"] == "Zaporizhzhia"
    assert alice.get(f"/entities/{town}/timeline.svg?axis=published").headers["content-type"].startswith("image/svg+xml")
    assert alice.get("/entities/9999/timeline.svg").status_code == 404


# --- finding a claim by hand, threads that grow, the JSON API -------------------------------------


def test_search_in_the_panel_swaps_only_the_results_and_a_link_keeps_the_search_as_evidence(alice, story, ledger):
    a, b, c = story
    found = alice.get(f"/claims/{a}/search?q=mayor+reservoir", htmx=True)
    assert found.status_code == 200 and found.template.name == "partials/_search_results.html"
    assert found.text.lstrip().startswith(f'<div id="search-{a}"') and "<h3>" not in found.text  # just the list
    assert sorted(r["other"]["claim_id"] for r in found.context["found"]["results"]) == [b, c]  # never the claim's own report
    assert "<script>alert(1)" not in found.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in found.text
    ledger.mark()
    linked = alice.post(f"/claims/{a}/links", {"other_id": c, "relation": "contradicts", "found_by": "words: mayor reservoir"})
    assert f"Linked claim #{a} contradicts claim #{c}" in panel(linked)
    [decision] = ledger.since()
    assert decision["evidence"] == [{"found_by": "search", "query": "words: mayor reservoir"}]
    again = alice.get(f"/claims/{a}/search?q=mayor+reservoir", htmx=True)
    assert {r["other"]["claim_id"]: r["linked"] for r in again.context["found"]["results"]} == {b: None, c: "contradicts"}
    bad = alice.get(f"/claims/{a}/search?date_from=last+week", htmx=True)
    assert bad.status_code == 200 and "Not searched: dates are YYYY, YYYY-MM or YYYY-MM-DD" in bad.text
    plain = alice.get(f"/claims/{a}/search?q=ferry")
    assert plain.template.name == "pages/claim.html" and f'id="search-{a}"' in plain.text and 'value="ferry"' in plain.text


def test_a_link_reads_in_its_direction_on_both_claims(alice, story, record):
    a, b, c = story
    Links(record, "bob", "ui").link(b, a, "updates")  # b, a day newer, updates a
    Links(record, "bob", "ui").link(c, a, "contradicts")
    on_a = alice.get(f"/claims/{a}/links", htmx=True)
    on_b = alice.get(f"/claims/{b}/links", htmx=True)
    assert re.search(rf'updated by <a href="/claims/{b}">#{b}</a>', on_a.text)
    assert re.search(rf'contradicted by <a href="/claims/{c}">#{c}</a>', on_a.text)
    assert re.search(rf'updates <a href="/claims/{a}">#{a}</a>', on_b.text) and "updated by" not in on_b.text
    page = alice.get(f"/claims/{a}").text  # the claim's details say it the same way
    assert f'<dt>Linked</dt><dd>updated by <a href="/claims/{b}">#{b}</a>, contradicted by <a href="/claims/{c}">#{c}</a>' in page


def test_a_claim_linked_to_a_thread_member_is_offered_the_thread_and_joins_it_in_one_decision(alice, story, ledger, record):
    a, b, c = story
    thread = Threads(record, "bob", "ui").create("Ferry", [b]).state
    assert alice.get(f"/claims/{a}/links", htmx=True).context["offers"] == []
    Links(record, "bob", "ui").link(a, b, "same_event")
    offered = alice.get(f"/claims/{a}/links", htmx=True)
    assert offered.context["offers"] == [{"id": thread["id"], "name": "Ferry", "via": b}] and 'data-link-key="t"' in offered.text
    ledger.mark()
    joined = alice.post(f"/claims/{a}/threads", {"thread_id": thread["id"]})
    assert f"Added 1 claim(s) to thread #{thread['id']}" in panel(joined) and joined.context["offers"] == []
    assert ledger.written()[0][:3] == ("alice", "ui", "thread_member.added") and len(ledger.since()) == 1
    ledger.mark()
    twice = alice.post(f"/claims/{a}/threads", {"thread_id": thread["id"]})
    assert twice.status_code == 422 and "already in thread" in twice.text and ledger.since() == []
    Links(record, "bob", "ui").link(c, a, "contradicts")
    ledger.mark()
    alice.post(f"/claims/{c}/threads", {"thread_id": thread["id"], "linked": "true"})
    assert [d["after"]["claim_id"] for d in ledger.since()] == [c]  # a and b were members already


def test_rename_remove_and_merge_on_the_thread_page(alice, story, ledger, record):
    a, b, c = story
    first = Threads(record, "bob", "ui").create("Ferry", [a, b]).state
    second = Threads(record, "bob", "ui").create("Reservoir", [c]).state
    ledger.mark()
    renamed = alice.post(f"/threads/{first['id']}/rename", {"name": "Dnipro ferry", "version": 1})
    assert renamed.template.name == "partials/_thread.html" and "Dnipro ferry" in renamed.text
    stale = alice.post(f"/threads/{first['id']}/rename", {"name": "Something else", "version": 1})
    assert stale.status_code == 409 and "thread.renamed by alice" in stale.text
    removed = alice.post(f"/threads/{first['id']}/members/{b}/remove", {})
    assert "Removed claim" in removed.text and [len(p["appearances"]) for p in removed.context["propositions"]] == [1]
    itself = alice.post(f"/threads/{first['id']}/merge", {"into": first["id"], "version": 2})
    assert itself.status_code == 422 and "cannot be merged into itself" in itself.text
    merged = alice.post(f"/threads/{second['id']}/merge", {"into": first["id"], "version": 1})
    assert merged.status_code == 204 and merged.headers["HX-Redirect"] == f"/threads/{first['id']}"
    assert [d["action"] for d in ledger.since()] == ["thread.renamed", "thread_member.removed", "thread.merged", "thread_member.removed", "thread_member.added"]
    gone = alice.get(f"/threads/{second['id']}")
    assert f'Merged into <a href="/threads/{first["id"]}">' in gone.text and "Rename, merge" not in gone.text


@pytest.fixture
def api(app, record, users):
    from fastapi.testclient import TestClient

    from annotate import accounts

    with TestClient(app, headers={"Authorization": f"Bearer {accounts.create_api_token(record, 'alice', 'tests')}"}) as client:
        yield client


def test_api_search_pages_and_suggestions(api, story, desk):
    a, b, c = story
    first = api.get("/api/search/claims", params={"q": "mayor", "limit": 2}).json()
    assert [r["claim_id"] for r in first["results"]] != [] and first["next_offset"] == 2
    rest = api.get("/api/search/claims", params={"q": "mayor", "limit": 2, "offset": 2}).json()
    assert {r["claim_id"] for r in first["results"] + rest["results"]} == {a, b, c} and rest["next_offset"] is None
    dated = api.get("/api/search/claims", params={"date_from": "2023-03-03", "date_to": "2023-03-09", "dates": "published"}).json()
    assert [r["claim_id"] for r in dated["results"]] == [c, b]  # newest first without words
    assert api.get("/api/search/claims", params={"date_from": "soon"}).status_code == 422
    suggested = api.get(f"/api/claims/{a}/suggestions", params={"top": 3}).json()
    assert b in [s["claim_id"] for s in suggested] and all(s["relation"] and s["reasons"] for s in suggested)
    assert api.get("/api/claims/999/suggestions").status_code == 404
    made = api.post("/api/links", json={"a": a, "b": c, "relation": "contradicts", "found_by": "words: mayor"})
    assert made.status_code == 201 and (made.json()["a_id"], made.json()["relation"]) == (a, "contradicts")
    assert api.post("/api/links", json={"a": a, "b": c, "relation": "contradicts"}).json() == made.json()  # nothing new
    assert api.post("/api/links", json={"a": a, "b": a, "relation": "supports"}).status_code == 422
    schema = api.get("/api/openapi.json").json()["paths"]
    assert "/api/search/claims" in schema and "/api/claims/{claim_id}/suggestions" in schema


def test_api_threads_grow_with_versions_and_refusals(api, story, record, ledger):
    a, b, c = story
    Links(record, "bob", "ui").link(b, c, "supports")
    first = Threads(record, "bob", "ui").create("Ferry", [a]).state
    second = Threads(record, "bob", "ui").create("Other", [a]).state
    ledger.mark()
    added = api.post(f"/api/threads/{first['id']}/members", json={"claim_id": b, "linked": True, "rationale": "same story"})
    assert added.status_code == 201 and sorted(m["claim_id"] for m in added.json()["added"]) == [b, c]
    assert api.post(f"/api/threads/{first['id']}/members", json={"claim_id": b}).status_code == 422
    assert api.post(f"/api/threads/{first['id']}/rename", json={"name": "Dnipro ferry"}).status_code == 428
    assert api.post(f"/api/threads/{first['id']}/rename", json={"name": "Dnipro ferry"}, headers={"If-Match": '"1"'}).json()["name"] == "Dnipro ferry"
    stale = api.post(f"/api/threads/{first['id']}/rename", json={"name": "Ferry again", "version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["name"] == "Dnipro ferry"
    assert api.post(f"/api/threads/{first['id']}/members/{c}/remove", json={}).json()["status"] == "removed"
    assert api.post(f"/api/threads/{first['id']}/members/{c}/remove", json={}).status_code == 404
    assert api.post(f"/api/threads/{first['id']}/merge", json={"into": first["id"], "version": 2}).status_code == 422
    merged = api.post(f"/api/threads/{second['id']}/merge", json={"into": first["id"], "version": 1})
    assert merged.status_code == 200 and merged.json()["id"] == first["id"]
    shown = api.get(f"/api/threads/{second['id']}").json()
    assert shown["status"] == "merged" and shown["merged_into"] == first["id"] and shown["members"] == []
    assert [m["claim_id"] for m in api.get(f"/api/threads/{first['id']}").json()["members"]] == [a, b]
    assert {d["origin"] for d in ledger.since()} == {"api"} and {d["actor"] for d in ledger.since()} == {"alice"}


def test_api_creates_a_thread_once_per_idempotency_key(api, story, ledger):
    a, b, c = story
    ledger.mark()
    body = {"name": "Ferry crossing", "claim_ids": [a, b], "rationale": "one story"}
    first = api.post("/api/threads", json=body, headers={"Idempotency-Key": "thread-1"})
    assert first.status_code == 201 and [m["claim_id"] for m in first.json()["members"]] == [a, b]
    retried = api.post("/api/threads", json=body, headers={"Idempotency-Key": "thread-1"})
    assert retried.status_code == 201 and retried.json() == first.json()
    assert [d["action"] for d in ledger.since()] == ["thread.created", "thread_member.added", "thread_member.added"]
    assert api.post("/api/threads", json={**body, "claim_ids": []}).status_code == 422
    assert api.post("/api/threads", json={**body, "claim_ids": [999]}).status_code == 404
