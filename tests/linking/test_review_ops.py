"""Links, dismissals, threads and verdicts are ledger decisions: who, when, why."""

import pytest

from annotate.errors import NotFound
from annotate.linking.links import Links, component, proposition
from annotate.linking.threads import Threads, members, suggest_threads, verdict_history
from annotate.store.ledger import history


@pytest.fixture
def three(newsroom):
    city = newsroom.entity("Bakhmut")
    first = newsroom.story("a.md", "2023-05-20", "Compass Wire", "Wagner said it captured Bakhmut.", entity_ids=[city])[0]
    second = newsroom.story("b.md", "2023-05-21", "Northwatch", "Wagner claimed the capture of Bakhmut.", entity_ids=[city])[0]
    third = newsroom.story("c.md", "2023-05-22", "Eastbank Daily", "Kyiv denied that Bakhmut had fallen.", entity_ids=[city])[0]
    return first, second, third


def only(record, target_type, target_id):
    with record.session() as s:
        return history(s, target_type, target_id)


def test_link_and_unlink_are_decisions_with_who_when_why(record, three):
    a, b, _ = three
    made = Links(record, "alice", "ui").link(b, a, "same_event", rationale="same video").state
    changed = Links(record, "bob", "api").link(b, a, "supports", rationale="not the same statement").state
    removed = Links(record, "carol", "cli").unlink(made["id"], rationale="unrelated after all", base_version=2).state
    assert changed["id"] == made["id"] and removed["status"] == "removed"
    entries = only(record, "link", made["id"])
    assert [(e["action"], e["actor"], e["origin"], e["rationale"]) for e in entries] == [
        ("link.created", "alice", "ui", "same video"),
        ("link.relation_changed", "bob", "api", "not the same statement"),
        ("link.removed", "carol", "cli", "unrelated after all"),
    ]
    assert all(e["at"] for e in entries)
    restored = Links(record, "alice", "ui").link(a, b, "same_event", rationale="yes, same video").state
    assert restored["id"] == made["id"] and restored["status"] == "active"
    assert only(record, "link", made["id"])[-1]["action"] == "link.restored"


def test_link_validates(record, newsroom, three):
    a, b, _ = three
    with pytest.raises(ValueError):
        Links(record, "alice", "ui").link(a, b, "agrees")
    with pytest.raises(NotFound):
        Links(record, "alice", "ui").link(a, 999, "supports")
    doc_claims = newsroom.story("d.md", "2023-05-23", "Wire", "One thing happened.", "Another thing happened.")
    with pytest.raises(ValueError):
        Links(record, "alice", "ui").link(*doc_claims, "supports")


def test_link_records_the_suggestion_it_came_from(record, three):
    from annotate.linking.suggest import suggest_links

    a, b, _ = three
    with record.session() as s:
        suggestion = next(x for x in suggest_links(s, a) if x.other_id == b)
    made = Links(record, "alice", "ui").link(a, b, suggestion.relation, rationale="ok", suggestion=suggestion).state
    evidence = only(record, "link", made["id"])[0]["evidence"]
    assert evidence[0]["suggestion"]["by"].startswith("linking@") and evidence[0]["suggestion"]["score"] == suggestion.score


def test_dismissal_is_recorded_once(record, three):
    a, b, _ = three
    first = Links(record, "alice", "ui").dismiss(a, b, rationale="different claims").state
    again = Links(record, "bob", "ui").dismiss(b, a).state
    assert first["id"] == again["id"]
    assert [e["actor"] for e in only(record, "dismissal", first["id"])] == ["alice"]


def test_same_event_is_one_proposition_with_first_appearance(record, three):
    a, b, c = three
    Links(record, "alice", "ui").link(b, a, "same_event")
    Links(record, "alice", "ui").link(c, a, "contradicts")
    with record.session() as s:
        found = proposition(s, b)
        assert component(s, c) == [a, b, c]
    assert found["claim_ids"] == [a, b]
    assert found["first_appearance"]["claim_id"] == a
    assert found["first_appearance"]["publisher"] == "Compass Wire" and found["first_appearance"]["doc"] == "a.md"


def test_threads_members_and_verdicts(record, three):
    a, b, c = three
    Links(record, "alice", "ui").link(a, b, "same_event")
    Links(record, "alice", "ui").link(c, a, "contradicts")
    with record.session() as s:
        assert suggest_threads(s) == [{"claim_ids": [a, b, c], "name": "Bakhmut"}]
    thread = Threads(record, "alice", "ui").create("Fall of Bakhmut", [c], description="May 2023", linked=True).state
    with record.session() as s:
        assert suggest_threads(s) == []  # already in a thread
        assert [m.claim_id for m in members(s, thread["id"])] == [a, b, c]
    changed = Threads(record, "lead", "ui").set_verdict(thread["id"], b, "contested", rationale="denied by Kyiv", evidence=({"claim": c},)).changed
    assert {m["claim_id"] for m in changed} == {a, b}  # the whole proposition
    Threads(record, "lead", "ui").set_verdict(thread["id"], a, "corroborated", rationale="confirmed later")
    with record.session() as s:
        history = verdict_history(s, thread["id"])
    assert [(h["claim_id"], h["previous"], h["verdict"], h["actor"]) for h in history] == [
        (a, "unassessed", "contested", "lead"),
        (b, "unassessed", "contested", "lead"),
        (a, "contested", "corroborated", "lead"),
        (b, "contested", "corroborated", "lead"),
    ]
    assert history[0]["evidence"] == [{"claim": c}] and history[0]["rationale"] == "denied by Kyiv"
    with pytest.raises(ValueError):
        Threads(record, "lead", "ui").set_verdict(thread["id"], a, "true")


def test_add_and_remove_claims(record, three):
    a, b, c = three
    thread = Threads(record, "alice", "ui").create("Bakhmut", [a]).state
    Threads(record, "alice", "ui").add(thread["id"], b, rationale="same story")
    Threads(record, "bob", "ui").remove(thread["id"], a, rationale="off topic")
    with record.session() as s:
        assert [m.claim_id for m in members(s, thread["id"])] == [b]
    Threads(record, "bob", "ui").add(thread["id"], a, rationale="on topic after all")
    with record.session() as s:
        assert [m.claim_id for m in members(s, thread["id"])] == [a, b]
    with pytest.raises(NotFound):
        Threads(record, "bob", "ui").remove(thread["id"], c)
