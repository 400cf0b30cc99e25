"""The document page and its htmx actions: each answers with the workbench partial and the
progress counter out of band, and writes exactly the decision the reviewer made."""

import re

import pytest

from annotate.store.ledger import Change

TEXT = "Officials in Kupiansk said the market reopened on Monday.\n\nThe governor may order an evacuation, an aide said.\n\nSubscribe to our newsletter."


@pytest.fixture
def report(desk):
    doc = desk.document(
        TEXT,
        title="Kupiansk market",
        url="https://news.example/kupiansk",
        boilerplate=[{"start": TEXT.index("Subscribe"), "end": len(TEXT), "reason": "banner"}],
    )
    town = desk.entity("Kupiansk")
    return {
        "doc": doc,
        "town": town,
        "first": desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.", claimant="Officials"),
        "second": desk.claim(doc, "The governor may order an evacuation, an aide said.", hedged=True, reason="attribution: said; hedge: may"),
        "mention": desk.mention(doc, "Kupiansk", entity_id=town),
    }


def current(html: str) -> str:
    return re.search(r'<li id="item-([a-z]+-\d+)" class="item[^"]*current', html).group(1)


def progress(html: str) -> tuple[int, ...]:
    found = re.search(r'id="progress"[^>]*>\s*<b>(\d+)</b> left · <b>(\d+)</b> accepted · <b>(\d+)</b> rejected', html)
    return tuple(int(n) for n in found.groups())


def test_document_page_shows_text_highlights_and_the_candidate_panel(alice, report):
    page = alice.get(f"/documents/{report['doc']}")
    assert page.status_code == 200 and page.template.name == "pages/document.html"
    html = page.text
    assert current(html) == f"claim-{report['first']}"  # the first candidate in reading order
    assert 'class="bp"' in html and "Subscribe to our newsletter." in html
    assert 'data-tag="GPE"' in html and "c-open" in html and "c-close" in html
    assert "attribution: said; hedge: may" in html and "rules@0.1.0" in html and "score 0.80" in html
    assert progress(html) == (3, 0, 0)
    assert '<a href="https://news.example/kupiansk" rel="noopener noreferrer nofollow"' in html
    segments = page.context["segments"]
    assert "".join(s.text for s in segments) == TEXT
    assert [s.start for s in segments] == sorted({s.start for s in segments})


def test_accept_swaps_only_the_decided_item_and_the_counters(alice, report, ledger):
    ledger.mark()
    response = alice.post(f"/review/claim/{report['first']}/accept", {"version": 1})
    assert response.status_code == 200 and response.template.name == "partials/_decided.html"
    assert response.headers["HX-Retarget"] == f"#item-claim-{report['first']}" and response.headers["HX-Reswap"] == "outerHTML"
    html = response.text
    assert html.lstrip().startswith(f'<li id="item-claim-{report["first"]}" class="item s-accepted"') and 'id="workbench"' not in html
    assert 'id="progress" class="progress" aria-live="polite" hx-swap-oob="true"' in html and progress(html) == (2, 1, 0)
    assert "Accepted claim #" in html and "Undo: accepted the claim" in html  # in words, not claim.accepted
    assert len(response.content) < 10_000  # a key press stays cheap (it was the whole workbench: 149 kB on a real report)
    assert ledger.written() == [("alice", "ui", "claim.accepted", report["first"])]


def test_the_last_decision_answers_with_the_whole_workbench(alice, report):
    alice.post(f"/review/claim/{report['first']}/accept", {"version": 1})
    alice.post(f"/review/claim/{report['second']}/accept", {"version": 1})
    last = alice.post(f"/review/mention/{report['mention']}/accept", {"version": 1})
    assert last.template.name == "partials/_workbench.html" and "Document done" in last.text


def test_reject_then_undo_is_two_decisions_and_restores_the_candidate(alice, report, ledger):
    ledger.mark()
    alice.post(f"/review/mention/{report['mention']}/reject", {"version": 1})
    undone = alice.post(f"/review/documents/{report['doc']}/undo")
    assert undone.status_code == 200 and "Undid #" in undone.text
    assert progress(undone.text) == (3, 0, 0)
    assert [w[2] for w in ledger.written()] == ["mention.rejected", "mention.reverted"]
    assert ledger.since()[1]["rationale"].startswith(f"reverts #{ledger.since()[0]['seq']} (mention.rejected by")
    nothing = alice.post(f"/review/documents/{report['doc']}/undo")
    assert nothing.status_code == 422 and "Nothing of yours to undo" in nothing.text


def test_edit_form_and_save_record_a_correction(alice, report, ledger):
    form = alice.get(f"/review/claim/{report['second']}/edit", htmx=True)
    assert form.template.name == "partials/_edit.html" and 'name="claimant"' in form.text and "checked" in form.text
    start = TEXT.index("The governor")
    ledger.mark()
    saved = alice.post(
        f"/review/claim/{report['second']}/edit",
        {
            "version": 1,
            "start": start,
            "end": start + len("The governor may order an evacuation"),
            "claimant": "an aide",
            "event_date": "2023-08-11",
            "rationale": "the aide is the source",
        },
    )
    assert saved.status_code == 200 and "Corrected claim #" in saved.text
    assert ledger.written() == [("alice", "ui", "claim.corrected", report["second"])]
    after = ledger.since()[0]["after"]
    assert (after["quote"], after["claimant"], after["event_date"], after["hedged"]) == (
        "The governor may order an evacuation",
        "an aide",
        "2023-08-11",
        False,
    )  # unticked box: not hedged


def test_add_a_claim_and_an_entity_from_offsets(alice, report, ledger):
    start = TEXT.index("the market reopened")
    ledger.mark()
    added = alice.post(f"/review/documents/{report['doc']}/claims", {"start": start, "end": start + 19})
    assert added.status_code == 200 and "Added claim #" in added.text
    [(actor, origin, action, claim_id)] = ledger.written()
    assert (actor, origin, action) == ("alice", "ui", "claim.added") and current(added.text) == f"claim-{claim_id}"
    ledger.mark()
    governor = TEXT.index("governor")
    mention = alice.post(f"/review/documents/{report['doc']}/mentions", {"start": governor, "end": governor + 8, "label": "PERSON"})
    assert "Added PERSON mention" in mention.text
    assert [w[2] for w in ledger.written()] == ["entity.added", "mention.added"]


def test_a_bad_span_is_refused_with_a_message_and_nothing_written(alice, report, ledger):
    ledger.mark()
    response = alice.post(f"/review/documents/{report['doc']}/claims", {"start": 5, "end": 99999})
    assert response.status_code == 422 and "outside the text" in response.text and 'class="flash error"' in response.text
    assert ledger.written() == []


def test_a_span_in_boilerplate_is_added_with_a_warning(alice, report):
    start = TEXT.index("Subscribe")
    response = alice.post(f"/review/documents/{report['doc']}/claims", {"start": start, "end": len(TEXT)})
    assert response.status_code == 200 and "the span lies in boilerplate (banner text" in response.text


def test_two_reviewers_conflict_and_the_stale_one_can_reapply(alice, signed_in, report, ledger):
    bob = signed_in("bob")
    alice_view = alice.get(f"/documents/{report['doc']}").text  # both see version 1
    assert 'name="version" value="1"' in alice_view
    ledger.mark()
    assert bob.post(f"/review/claim/{report['first']}/reject", {"version": 1, "rationale": "not checkable"}).status_code == 200
    stale = alice.post(f"/review/claim/{report['first']}/accept", {"version": 1})
    assert stale.status_code == 409
    html = stale.text
    assert "Changed by someone else while you were looking" in html and "<b>bob</b> rejected the claim" in html
    assert "“not checkable”" in html and "rejected, version 2" in html and "Your change was not saved." in html
    reapply = re.search(r'<form method="post" action="([^"]+)" hx-post[^>]*>(.*?)</form>', html[html.index('id="conflict"') :], re.S)
    assert reapply.group(1) == f"/review/claim/{report['first']}/accept" and 'name="version" value="2"' in reapply.group(2)
    assert ledger.written() == [("bob", "ui", "claim.rejected", report["first"])]  # the stale write wrote nothing
    again = alice.post(reapply.group(1), {"version": 2})
    assert again.status_code == 200 and "Accepted claim" in again.text
    assert ledger.written()[-1] == ("alice", "ui", "claim.accepted", report["first"])


def test_a_stale_edit_shows_both_changes_and_reapplies_only_the_reviewers(alice, signed_in, report, ledger):
    bob = signed_in("bob")
    end = len("Officials in Kupiansk said the market reopened on Monday.")
    both = {"start": 0, "end": end, "claimant": "Officials"}
    assert bob.post(f"/review/claim/{report['first']}/edit", {"version": 1, **both, "claimant": "Local officials"}).status_code == 200
    stale = alice.post(f"/review/claim/{report['first']}/edit", {"version": 1, **both, "event_date": "2023-08-07"})
    assert stale.status_code == 409
    conflict = stale.text[stale.text.index('id="conflict"') :]
    row = lambda name: re.search(rf'<tr[^>]*data-field="{name}">(.*?)</tr>', conflict, re.S).group(1)  # noqa: E731
    assert "Officials</bdi> → <bdi>Local officials" in row("claimant") and "unchanged" in row("claimant")
    assert "— → <bdi>2023-08-07" in row("event_date")
    assert "claimant_entity_id" not in conflict and 'name="keep_' not in conflict  # no clash: nothing to choose
    reapply = re.search(r'<form method="post" action="([^"]+)" hx-post[^>]*>(.*?)</form>', conflict, re.S)
    assert reapply.group(1) == f"/review/claim/{report['first']}/reapply"
    sent = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', reapply.group(2)))
    assert (sent["version"], sent["base_version"], sent["event_date"], sent["claimant"]) == ("2", "1", "2023-08-07", "Officials")
    ledger.mark()
    again = alice.post(reapply.group(1), sent)
    assert again.status_code == 200 and "Corrected claim" in again.text
    [written] = ledger.since()
    assert (written["after"]["claimant"], written["after"]["event_date"]) == ("Local officials", "2023-08-07")


def test_where_both_changed_a_field_the_conflict_asks_whose_value_stays(alice, signed_in, report, ledger):
    bob = signed_in("bob")
    both = {"start": 0, "end": len("Officials in Kupiansk said the market reopened on Monday.")}
    bob.post(f"/review/claim/{report['first']}/edit", {"version": 1, **both, "claimant": "Local officials"})
    stale = alice.post(f"/review/claim/{report['first']}/edit", {"version": 1, **both, "claimant": "The mayor"})
    conflict = stale.text[stale.text.index('id="conflict"') :]
    assert 'name="keep_claimant" value="theirs"' in conflict and 'name="keep_claimant" value="mine"' in conflict
    ledger.mark()
    unchosen = alice.post(f"/review/claim/{report['first']}/reapply", {"version": 2, "base_version": 1, **both, "claimant": "The mayor"})
    assert unchosen.status_code == 422 and "choose whose value to keep" in unchosen.text and ledger.written() == []
    chosen = alice.post(f"/review/claim/{report['first']}/reapply", {"version": 2, "base_version": 1, **both, "claimant": "The mayor", "keep_claimant": "mine"})
    assert chosen.status_code == 200 and ledger.since()[-1]["after"]["claimant"] == "The mayor"


def test_without_javascript_a_form_post_answers_with_the_whole_page(alice, report, ledger):
    ledger.mark()
    page = alice.post(f"/review/claim/{report['first']}/accept", {"version": 1}, htmx=False)
    assert page.status_code == 200 and page.template.name == "pages/document.html" and "<!doctype html>" in page.text
    assert ledger.written() == [("alice", "ui", "claim.accepted", report["first"])]
    editing = alice.get(f"/review/claim/{report['second']}/edit")
    assert editing.template.name == "pages/document.html" and 'class="edit"' in editing.text


def test_the_same_url_serves_the_page_and_the_fragment(alice, report):
    assert alice.get(f"/documents/{report['doc']}", htmx=True).template.name == "partials/_workbench.html"
    assert alice.get(f"/documents/{report['doc']}?focus=claim-{report['second']}", htmx=True).context["focus"] == f"claim-{report['second']}"


def test_claim_page_shows_context_dates_entities_source_and_history(alice, report, desk):
    alice.post(f"/review/claim/{report['first']}/edit", {"version": 1, "start": 0, "end": 57, "claimant": "Officials", "event_date": "2023-08-07"})
    desk.apply(Change("claim.corrected", "claim", report["first"], {"entity_ids": [report["town"]]}), "lea", "ui")
    page = alice.get(f"/claims/{report['first']}")
    html = page.text
    assert page.status_code == 200 and "<dt>Event date</dt><dd>2023-08-07</dd>" in html and "<dt>Published</dt><dd>2023-03-01</dd>" in html
    assert f'<a href="/entities/{report["town"]}"><bdi>Kupiansk</bdi></a>' in html
    assert f'<a href="/documents/{report["doc"]}?focus=claim-{report["first"]}"><bdi>Kupiansk market</bdi></a>' in html
    history = page.context["history"]
    assert [(h["actor"], h["action"]) for h in history] == [("rules@0.1.0", "claim.proposed"), ("alice", "claim.corrected"), ("lea", "claim.corrected")]
    assert "<b>event date</b>: <del><bdi>—</bdi></del> <ins><bdi>2023-08-07</bdi></ins>" in html


def test_entity_page_lists_mentions_and_claims_and_leads_can_merge(signed_in, report, desk, ledger):
    other = desk.entity("Kupyansk", aliases=["Kupjansk"])
    lea, alice = signed_in("lea"), signed_in("alice")
    page = alice.get(f"/entities/{report['town']}")
    assert page.status_code == 200 and "Mentions over time (1)" in page.text and "Claims by or about it (1)" in page.text
    assert "Merge into another entity" not in page.text  # reviewers cannot merge
    assert alice.post(f"/review/entities/{other}/merge", {"into": str(report["town"]), "version": 1}, htmx=False).status_code == 403
    found = lea.get(f"/entities/{other}?into_q=Kupiamsk").text  # a typo: the near match is offered
    assert f'href="/entities/{other}/merge?into={report["town"]}"' in found and "similar name" in found
    confirm = lea.get(f"/entities/{other}/merge?into={report['town']}").text
    assert "Merge <bdi>Kupyansk</bdi> into <bdi>Kupiansk</bdi>?" in confirm and f'name="into" value="{report["town"]}"' in confirm
    ledger.mark()
    merged = lea.post(f"/review/entities/{other}/merge", {"into": str(report["town"]), "version": 1}, htmx=False)
    assert merged.status_code == 303 and merged.headers["location"].startswith(f"/entities/{report['town']}?merged=")
    assert [w[:3] for w in ledger.written()] == [("lea", "ui", "entity.merged"), ("lea", "ui", "entity.aliases_added")]
    target = lea.get(merged.headers["location"]).text
    assert "Merged Kupyansk into Kupiansk" in target and "Undo the merge" in target
    assert "<bdi>Kupyansk</bdi>, <bdi>Kupjansk</bdi>" in target and "Merged from" in target
    seq = merged.headers["location"].rsplit("=", 1)[1]
    undone = lea.post(f"/review/entities/{report['town']}/undo", {"seq": seq}, htmx=False)
    assert undone.status_code == 303 and "Undid the merge" in lea.get(undone.headers["location"]).text
    assert [w[2] for w in ledger.written()[2:]] == ["entity.reverted", "entity.reverted"]  # both halves taken back
    assert "<dt>Aliases</dt><dd>—</dd>" in lea.get(f"/entities/{report['town']}").text  # the names are gone again


def test_the_entity_list_finds_by_name_alias_and_near_match(alice, desk, report):
    desk.entity("Kupyansk", aliases=["Kupjansk"])
    assert "Kupyansk" in alice.get("/entities?q=kupjansk").text  # by alias, any case
    near = alice.get("/entities?q=Kupianks").text
    assert "Kupiansk" in near and "similar name" in near
    assert "No entity has that name" in alice.get("/entities?q=Zzyzx").text


def test_leads_reach_audit_and_export_and_the_export_form_presets_verified(signed_in, alice):
    lea = signed_in("lea")
    nav = lea.get("/queue").text
    assert 'href="/audit"' in nav and 'href="/exports"' in nav
    assert 'href="/audit"' not in alice.get("/queue").text and alice.get("/exports").status_code == 403
    form = lea.get("/exports").text
    assert 'name="status" value="accepted" checked' in form and 'name="status" value="corrected" checked' in form
    assert 'name="status" value="rejected" checked' not in form


def test_unknown_objects_are_404_pages(alice):
    for url in ("/documents/999", "/claims/999", "/entities/999"):
        response = alice.get(url)
        assert response.status_code == 404 and "Not found" in response.text


def test_the_claim_shows_who_relayed_it_and_an_inferred_event_date(alice, report, desk):
    desk.apply(
        Change(
            "claim.corrected",
            "claim",
            report["first"],
            {"claimant": "Mayor's office", "relayed_by": ["Wire Service", "Example Daily"], "event_date": "2023-03-01", "event_date_inferred": True},
        ),
        "lea",
        "ui",
    )
    page = alice.get(f"/claims/{report['first']}").text
    assert "<dt>Relayed by</dt>" in page and "<bdi>Wire Service</bdi> via <bdi>Example Daily</bdi>" in page
    assert '2023-03-01 <span class="inferred"' in page
    workbench = alice.get(f"/documents/{report['doc']}").text
    assert ", relayed by <bdi>Wire Service</bdi> via <bdi>Example Daily</bdi>" in workbench and "(inferred)" in workbench
    alice.post(f"/review/claim/{report['first']}/edit", {"version": 2, "start": 0, "end": 57, "event_date": "2023-02-28"})
    assert "(inferred)" not in alice.get(f"/claims/{report['first']}").text  # a reviewer's date is not inferred


def listed(html: str) -> list[str]:
    return re.findall(r'<li id="item-([a-z]+-\d+)"', html)


def test_claims_only_and_entities_only_views_and_their_actions_keep_the_view(alice, report):
    doc = report["doc"]
    assert set(listed(alice.get(f"/documents/{doc}?show=claims").text)) == {f"claim-{report['first']}", f"claim-{report['second']}"}
    assert listed(alice.get(f"/documents/{doc}?show=entities").text) == [f"mention-{report['mention']}"]
    page = f"http://testserver/documents/{doc}?show=claims"
    after = alice.post(f"/review/claim/{report['first']}/accept", {"version": 1}, headers={"HX-Current-URL": page})
    assert after.status_code == 200 and f"mention-{report['mention']}" not in listed(after.text)  # still claims only


def test_low_score_candidates_are_folded_behind_a_toggle(alice, desk, report):
    low = desk.claim(report["doc"], "Subscribe to our newsletter.", score=0.2)
    shown = alice.get(f"/documents/{report['doc']}").text
    assert f"claim-{low}" not in listed(shown) and "Show 1 low-score candidate" in shown
    assert f"claim-{low}" in listed(alice.get(f"/documents/{report['doc']}?low=1").text)


def test_claims_fold_at_the_teams_threshold_the_one_evaluate_counts(alice, desk, report, monkeypatch):
    doc = report["doc"]
    between = desk.claim(doc, "Subscribe to our newsletter.", score=0.45)  # under the default 0.5, over the old fixed 0.4
    assert f"claim-{between}" not in listed(alice.get(f"/documents/{doc}").text)
    monkeypatch.setenv("CLAIMTRAIL_CLAIM_THRESHOLD", "0.4")
    assert f"claim-{between}" in listed(alice.get(f"/documents/{doc}").text)


def test_a_bulk_decision_is_one_action_and_says_how_many(alice, report, ledger):
    ledger.mark()
    refs = [f"claim-{report['first']}:1", f"mention-{report['mention']}:1"]
    done = alice.post(f"/review/documents/{report['doc']}/bulk", {"status": "accepted", "ref": refs})
    assert done.status_code == 200 and "Accepted 2 candidates." in done.text
    assert ledger.written() == [("alice", "ui", "claim.accepted", report["first"]), ("alice", "ui", "mention.accepted", report["mention"])]
    stale = alice.post(f"/review/documents/{report['doc']}/bulk", {"status": "rejected", "ref": refs})
    assert stale.status_code == 409 and len(ledger.written()) == 2


def test_a_finished_document_offers_the_next_one(alice, desk, report):
    later = desk.document("Another report about the market.", title="Later")
    desk.claim(later, "Another report about the market.")
    refs = [f"claim-{report['first']}:1", f"claim-{report['second']}:1", f"mention-{report['mention']}:1"]
    done = alice.post(f"/review/documents/{report['doc']}/bulk", {"status": "accepted", "ref": refs})
    assert "Document done" in done.text and f'href="/documents/{later}"' in done.text


def test_reapplying_what_is_already_there_records_nothing_and_says_so(alice, signed_in, report, ledger):
    bob = signed_in("bob")
    both = {"start": 0, "end": len("Officials in Kupiansk said the market reopened on Monday."), "claimant": "Local officials"}
    bob.post(f"/review/claim/{report['first']}/edit", {"version": 1, **both})
    ledger.mark()
    same = alice.post(f"/review/claim/{report['first']}/reapply", {"version": 2, "base_version": 1, **both})
    assert same.status_code == 200 and "Nothing recorded." in same.text and ledger.written() == []
