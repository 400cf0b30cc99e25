"""Reverting a decision is a new decision, shown as such; the ledger is never rewritten."""

import pytest

from annotate.errors import Conflict, NotFound
from annotate.review.audit import AuditFilter, Viewer, audit_log
from annotate.review.operations import Review
from annotate.store.ledger import Change
from annotate.store.models import Claim, ClaimLink, ThreadMember


def newest(story):
    with story.record.session() as session:
        return next(audit_log(session, AuditFilter(), Viewer("carol", "lead")))


def test_revert_restores_what_the_decision_changed(story):
    seq = story.seqs["alice_corrected"]
    state = Review(story.record, "carol", "ui", "admin").revert(seq, "wrong claimant").state
    assert (state["claimant"], state["negated"], state["status"]) == (None, False, "candidate")
    entry = newest(story)
    assert (entry["action"], entry["actor"], entry["reverts"]) == ("claim.reverted", "carol", seq)
    assert entry["rationale"] == f"reverts #{seq} (claim.corrected by alice): wrong claimant"
    assert {c["field"]: c["after"] for c in entry["changes"]} == {"claimant": None, "negated": False, "status": "candidate"}
    with story.record.session() as session:
        assert session.get(Claim, story.claims["denied"]).version == 3  # proposed, corrected, reverted


def test_a_verdict_can_be_reverted(story):
    Review(story.record, "carol", "ui", "admin").revert(story.seqs["verdict"])
    with story.record.session() as session:
        assert session.get(ThreadMember, story.member).verdict == "unassessed"


def test_reverting_a_creation_withdraws_or_removes(story):
    with story.record.session() as session:
        from annotate.store.ledger import history

        link_created = history(session, "link", story.link)[0]["seq"]
    assert Review(story.record, "carol", "ui", "admin").revert(link_created).state["status"] == "removed"
    with story.record.session() as session:
        assert session.get(ClaimLink, story.link).status == "removed"


def test_a_revert_on_a_stale_object_is_refused(story):
    seq = story.seqs["timetable_accepted"]
    story.record.ledger.record("bob", "ui", Change("claim.corrected", "claim", story.claims["timetable"], {"status": "corrected"}))
    with pytest.raises(Conflict) as conflict:
        Review(story.record, "carol", "ui", "admin").revert(seq)
    assert "bob" in str(conflict.value)


def test_an_unknown_decision(story):
    with pytest.raises(NotFound):
        Review(story.record, "carol", "ui", "admin").revert(10_000)


def test_reverting_a_merge_takes_the_whole_merge_back(story):
    """A merge writes two decisions (merged, aliases added); reverting either undoes both,
    as the workbench's undo does: they are one mechanism."""
    from annotate.review.operations import Review
    from annotate.store.models import Entity

    with story.record.ledger.writer("rules@1", "annotator") as w:
        kept = w.apply(Change("entity.added", "entity", set={"name": "Kupiansk", "type": "GPE"}))
        other = w.apply(Change("entity.added", "entity", set={"name": "Kupyansk", "type": "GPE"}))
    done = Review(story.record, "carol", "ui", role="lead").merge(other["id"], kept["id"], other["version"], kept["version"])
    Review(story.record, "carol", "ui", "admin").revert(done.decisions[0], "not the same town")
    with story.record.session() as session:
        assert session.get(Entity, other["id"]).merged_into is None
        assert session.get(Entity, kept["id"]).aliases == []


def test_a_reviewer_cannot_revert_another_persons_decision(story):
    from annotate.errors import Forbidden

    with pytest.raises(Forbidden):
        Review(story.record, "bob", "ui", "reviewer").revert(story.seqs["alice_corrected"])
