"""Threads grow: add a claim (or it and its linked claims), remove one, rename, merge — each one
transaction of decisions, each refused with a clear reason when it makes no sense."""

import pytest
from sqlalchemy import func, select

from annotate.errors import Conflict, NotFound
from annotate.linking.links import Links
from annotate.linking.threads import Threads, members, merged_into, threads_touching
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
    thread = Threads(record, "alice", "ui").create("Crossing", [a]).state
    Links(record, "alice", "ui").link(c, d, "contradicts")
    Links(record, "alice", "ui").link(d, b, "supports")
    before = seqs(record)
    added = Threads(record, "bob", "api").add(thread["id"], d, rationale="same story", linked=True).changed
    assert sorted(m["claim_id"] for m in added) == [b, c, d]
    assert member_ids(record, thread["id"]) == [a, b, c, d]
    assert seqs(record) == before + 3
    with pytest.raises(ValueError, match="already in thread"):
        Threads(record, "bob", "api").add(thread["id"], b)
    with pytest.raises(ValueError, match="and its linked claims are already in thread"):
        Threads(record, "bob", "api").add(thread["id"], c, linked=True)
    assert seqs(record) == before + 3  # a refusal writes nothing
    with pytest.raises(NotFound):
        Threads(record, "bob", "api").add(999, a)


def test_remove_a_member_with_a_stale_version_is_a_conflict(record, story):
    a, b, *_ = story
    thread = Threads(record, "alice", "ui").create("Crossing", [a, b]).state
    Threads(record, "lea", "ui").set_verdict(thread["id"], b, "contested")  # member b is now at version 2
    with record.session() as s:
        member_b = next(m for m in members(s, thread["id"]) if m.claim_id == b)
    with pytest.raises(Conflict, match="changed meanwhile by #.* thread_member.verdict_set by lea"):
        Threads(record, "bob", "ui").remove(thread["id"], b, base_version=1)
    removed = Threads(record, "bob", "ui").remove(thread["id"], b, base_version=member_b.version).state
    assert removed["status"] == "removed" and member_ids(record, thread["id"]) == [a]
    with pytest.raises(NotFound, match="is not in thread"):
        Threads(record, "bob", "ui").remove(thread["id"], b)


def test_rename_is_a_decision_and_refuses_empty_same_and_stale(record, story):
    thread = Threads(record, "alice", "ui").create("Crossing", story[:1]).state
    renamed = Threads(record, "bob", "cli").rename(thread["id"], "  Ferry   crossing ", base_version=1, rationale="clearer").state
    assert (renamed["name"], renamed["version"]) == ("Ferry crossing", 2)
    with record.session() as s:
        last = history(s, "thread", thread["id"])[-1]
    assert (last["action"], last["actor"], last["before"]["name"], last["rationale"]) == ("thread.renamed", "bob", "Crossing", "clearer")
    with pytest.raises(ValueError, match="already named"):
        Threads(record, "bob", "cli").rename(thread["id"], "Ferry crossing")
    with pytest.raises(ValueError, match="needs a name"):
        Threads(record, "bob", "cli").rename(thread["id"], "   ")
    with pytest.raises(Conflict, match="is at version 2, not 1"):
        Threads(record, "carol", "cli").rename(thread["id"], "River", base_version=1)


def test_merge_moves_members_with_their_verdicts_and_marks_the_source(record, story):
    a, b, c, d = story
    first = Threads(record, "alice", "ui").create("Crossing", [a, b]).state
    second = Threads(record, "bob", "ui").create("Ferry", [b, c]).state
    Threads(record, "lea", "ui").set_verdict(second["id"], c, "refuted")
    Threads(record, "lea", "ui").set_verdict(first["id"], b, "corroborated")
    with pytest.raises(ValueError, match="into itself"):
        Threads(record, "lea", "ui").merge(first["id"], first["id"])
    with pytest.raises(Conflict):
        Threads(record, "lea", "ui").merge(second["id"], first["id"], into_version=7)
    into = Threads(record, "lea", "ui").merge(second["id"], first["id"], base_version=1, rationale="one story").state
    assert into["id"] == first["id"]
    assert member_ids(record, first["id"]) == [a, b, c] and member_ids(record, second["id"]) == []
    with record.session() as s:
        verdicts = {m.claim_id: m.verdict for m in members(s, first["id"])}
        assert merged_into(s, second["id"]) == first["id"] and merged_into(s, first["id"]) is None
        merged = history(s, "thread", second["id"])[-1]
    assert verdicts == {a: "unassessed", b: "corroborated", c: "refuted"}  # the target's verdict wins on a shared claim
    assert (merged["action"], merged["after"]["status"], merged["evidence"]) == ("thread.merged", "merged", [{"into": first["id"]}])
    with pytest.raises(ValueError, match="was merged into another thread"):
        Threads(record, "bob", "ui").add(second["id"], d)
    with pytest.raises(ValueError, match="was merged"):
        Threads(record, "lea", "ui").merge(first["id"], second["id"])


def test_a_claim_linked_to_a_member_is_offered_the_thread(record, story):
    a, b, c, d = story
    thread = Threads(record, "alice", "ui").create("Crossing", [a]).state
    with record.session() as s:
        assert threads_touching(s, d) == []
    Links(record, "alice", "ui").link(d, a, "updates")
    with record.session() as s:
        assert threads_touching(s, d) == [{"id": thread["id"], "name": "Crossing", "via": a}]
        assert threads_touching(s, a) == []  # already a member
    Threads(record, "alice", "ui").add(thread["id"], d)
    with record.session() as s:
        assert threads_touching(s, d) == []
