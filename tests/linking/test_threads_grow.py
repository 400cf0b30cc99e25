"""Threads grow: add a claim (or it and its linked claims), remove one, rename, merge — each one
transaction of decisions, each refused with a clear reason when it makes no sense."""

import pytest
from sqlalchemy import func, select

from annotate.errors import Conflict, NotFound
from annotate.linking.links import link
from annotate.linking.threads import add_claim, create_thread, members, merge_threads, merged_into, remove_claim, rename_thread, set_verdict, threads_touching
from annotate.store.ledger import history
from annotate.store.models import Decision


@pytest.fixture
def story(newsroom):
    """Four reports on one river crossing: two relay a statement, one denies it, one is a later report."""
    return [
        newsroom.story("a.md", "2023-05-20", "Compass Wire", "The governor said the ferry crossing reopened.")[0],
        newsroom.story("b.md", "2023-05-21", "Northwatch", "The ferry crossing reopened, the governor said.")[0],
        newsroom.story("c.md", "2023-05-22", "Eastbank Daily", "The port authority denied that the crossing reopened.")[0],
        newsroom.story("d.md", "2023-06-02", "Rivertown Post", "Ferries have carried 4,000 passengers since the crossing reopened.")[0],
    ]


def member_ids(record, thread_id):
    with record.session() as s:
        return [m.claim_id for m in members(s, thread_id)]


def seqs(record):
    with record.session() as s:
        return s.execute(select(func.max(Decision.seq))).scalar()


def test_add_a_claim_with_its_linked_claims_in_one_transaction(record, story):
    a, b, c, d = story
    thread = create_thread(record.ledger, "Crossing", [a], actor="alice", origin="ui")
    link(record.ledger, c, d, "contradicts", actor="alice", origin="ui")
    link(record.ledger, d, b, "supports", actor="alice", origin="ui")
    before = seqs(record)
    added = add_claim(record.ledger, thread["id"], d, actor="bob", origin="api", rationale="same story", linked=True)
    assert sorted(m["claim_id"] for m in added) == [b, c, d]
    assert member_ids(record, thread["id"]) == [a, b, c, d]
    assert seqs(record) == before + 3
    with pytest.raises(ValueError, match="already in thread"):
        add_claim(record.ledger, thread["id"], b, actor="bob", origin="api")
    with pytest.raises(ValueError, match="and its linked claims are already in thread"):
        add_claim(record.ledger, thread["id"], c, actor="bob", origin="api", linked=True)
    assert seqs(record) == before + 3  # a refusal writes nothing
    with pytest.raises(NotFound):
        add_claim(record.ledger, 999, a, actor="bob", origin="api")


def test_remove_a_member_with_a_stale_version_is_a_conflict(record, story):
    a, b, *_ = story
    thread = create_thread(record.ledger, "Crossing", [a, b], actor="alice", origin="ui")
    set_verdict(record.ledger, thread["id"], b, "contested", actor="lea", origin="ui")  # member b is now at version 2
    with record.session() as s:
        member_b = next(m for m in members(s, thread["id"]) if m.claim_id == b)
    with pytest.raises(Conflict, match="changed meanwhile by #.* thread_member.verdict_set by lea"):
        remove_claim(record.ledger, thread["id"], b, actor="bob", origin="ui", base_version=1)
    removed = remove_claim(record.ledger, thread["id"], b, actor="bob", origin="ui", base_version=member_b.version)
    assert removed["status"] == "removed" and member_ids(record, thread["id"]) == [a]
    with pytest.raises(NotFound, match="is not in thread"):
        remove_claim(record.ledger, thread["id"], b, actor="bob", origin="ui")


def test_rename_is_a_decision_and_refuses_empty_same_and_stale(record, story):
    thread = create_thread(record.ledger, "Crossing", story[:1], actor="alice", origin="ui")
    renamed = rename_thread(record.ledger, thread["id"], "  Ferry   crossing ", actor="bob", origin="cli", base_version=1, rationale="clearer")
    assert (renamed["name"], renamed["version"]) == ("Ferry crossing", 2)
    with record.session() as s:
        last = history(s, "thread", thread["id"])[-1]
    assert (last["action"], last["actor"], last["before"]["name"], last["rationale"]) == ("thread.renamed", "bob", "Crossing", "clearer")
    with pytest.raises(ValueError, match="already named"):
        rename_thread(record.ledger, thread["id"], "Ferry crossing", actor="bob", origin="cli")
    with pytest.raises(ValueError, match="needs a name"):
        rename_thread(record.ledger, thread["id"], "   ", actor="bob", origin="cli")
    with pytest.raises(Conflict, match="is at version 2, not 1"):
        rename_thread(record.ledger, thread["id"], "River", actor="carol", origin="cli", base_version=1)


def test_merge_moves_members_with_their_verdicts_and_marks_the_source(record, story):
    a, b, c, d = story
    first = create_thread(record.ledger, "Crossing", [a, b], actor="alice", origin="ui")
    second = create_thread(record.ledger, "Ferry", [b, c], actor="bob", origin="ui")
    set_verdict(record.ledger, second["id"], c, "refuted", actor="lea", origin="ui")
    set_verdict(record.ledger, first["id"], b, "corroborated", actor="lea", origin="ui")
    with pytest.raises(ValueError, match="into itself"):
        merge_threads(record.ledger, first["id"], first["id"], actor="lea", origin="ui")
    with pytest.raises(Conflict):
        merge_threads(record.ledger, second["id"], first["id"], actor="lea", origin="ui", into_version=7)
    into = merge_threads(record.ledger, second["id"], first["id"], actor="lea", origin="ui", base_version=1, rationale="one story")
    assert into["id"] == first["id"]
    assert member_ids(record, first["id"]) == [a, b, c] and member_ids(record, second["id"]) == []
    with record.session() as s:
        verdicts = {m.claim_id: m.verdict for m in members(s, first["id"])}
        assert merged_into(s, second["id"]) == first["id"] and merged_into(s, first["id"]) is None
        merged = history(s, "thread", second["id"])[-1]
    assert verdicts == {a: "unassessed", b: "corroborated", c: "refuted"}  # the target's verdict wins on a shared claim
    assert (merged["action"], merged["after"]["status"], merged["evidence"]) == ("thread.merged", "merged", [{"into": first["id"]}])
    with pytest.raises(ValueError, match="was merged into another thread"):
        add_claim(record.ledger, second["id"], d, actor="bob", origin="ui")
    with pytest.raises(ValueError, match="was merged"):
        merge_threads(record.ledger, first["id"], second["id"], actor="lea", origin="ui")


def test_a_claim_linked_to_a_member_is_offered_the_thread(record, story):
    a, b, c, d = story
    thread = create_thread(record.ledger, "Crossing", [a], actor="alice", origin="ui")
    with record.session() as s:
        assert threads_touching(s, d) == []
    link(record.ledger, d, a, "updates", actor="alice", origin="ui")
    with record.session() as s:
        assert threads_touching(s, d) == [{"id": thread["id"], "name": "Crossing", "via": a}]
        assert threads_touching(s, a) == []  # already a member
    add_claim(record.ledger, thread["id"], d, actor="alice", origin="ui")
    with record.session() as s:
        assert threads_touching(s, d) == []
