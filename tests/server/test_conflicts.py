"""A stale edit reapplied (annotate/review/conflicts.py): only the reviewer's own changes go on top of the
current version, a field both changed is the reviewer's choice, and nothing a colleague did is lost."""

import pytest

from annotate.errors import Conflict, Invalid
from annotate.review.conflicts import compare
from annotate.review.operations import Review

TEXT = "Officials in Kupiansk said the market reopened on Monday. The governor may order more."
QUOTE = "Officials in Kupiansk said the market reopened on Monday."


@pytest.fixture
def claim(desk):
    doc = desk.document(TEXT)
    return desk.claim(doc, QUOTE, claimant="Officials")


def state(record, claim_id: int) -> dict:
    from annotate.store.models import STATE_TABLES

    with record.session() as s:
        return s.get(STATE_TABLES["claim"], claim_id).model_dump()


def form(**changed) -> dict:
    """The edit form as a reviewer who saw version 1 sends it: every field, some changed."""
    return {"start": 0, "end": len(QUOTE), "claimant": "Officials", "reporting_verb": "", "event_date": "", "hedged": False, "negated": False, **changed}


def test_the_comparison_separates_their_changes_mine_and_the_clashes():
    base = {"claimant": "Officials", "event_date": None, "status": "candidate", "hedged": False}
    current = {**base, "claimant": "Local officials", "hedged": True, "version": 3}
    mine = {**base, "event_date": "2023-08-07", "hedged": True, "claimant": "The mayor", "status": "corrected"}
    seen = compare(base, current, mine, 1)
    assert [(c.field, c.before, c.after) for c in seen.theirs] == [("claimant", "Officials", "Local officials"), ("hedged", False, True)]
    assert {c.field for c in seen.mine} == {"status", "claimant", "event_date", "hedged"}
    assert seen.clashes == ["claimant"]  # both set hedged to the same value: no clash
    with pytest.raises(Invalid, match="both of you changed claimant"):
        seen.to_send({})
    assert seen.to_send({"claimant": "theirs"}) == {"status": "corrected", "event_date": "2023-08-07"}  # hedged is already so
    assert seen.to_send({"claimant": "mine"})["claimant"] == "The mayor"


def test_reapplying_keeps_the_colleagues_change_to_another_field(record, desk, claim, ledger):
    Review(record, "bob", "ui").edit("claim", claim, 1, form(claimant="Local officials"))
    with pytest.raises(Conflict):
        Review(record, "alice", "ui").edit("claim", claim, 1, form(event_date="2023-08-07"))
    ledger.mark()
    done = Review(record, "alice", "ui").reapply("claim", claim, 1, 2, form(event_date="2023-08-07"))
    assert (done.state["claimant"], done.state["event_date"], done.state["version"]) == ("Local officials", "2023-08-07", 3)
    assert ledger.written() == [("alice", "ui", "claim.corrected", claim)]


def test_where_both_changed_a_field_the_reviewer_chooses(record, desk, claim):
    Review(record, "bob", "ui").edit("claim", claim, 1, form(claimant="Local officials"))
    alice = Review(record, "alice", "ui")
    with pytest.raises(Invalid, match="choose whose value to keep"):
        alice.reapply("claim", claim, 1, 2, form(claimant="The mayor", hedged=True))
    assert state(record, claim)["version"] == 2  # refused: nothing written
    kept = alice.reapply("claim", claim, 1, 2, form(claimant="The mayor", hedged=True), {"claimant": "theirs"})
    assert (kept.state["claimant"], kept.state["hedged"]) == ("Local officials", True)
    mine = alice.reapply("claim", claim, 1, 3, form(claimant="The mayor"), {"claimant": "mine"})
    assert mine.state["claimant"] == "The mayor"


def test_a_rejection_is_not_undone_unless_the_reviewer_chooses_so(record, desk, claim):
    Review(record, "bob", "ui").reject("claim", claim, 1)
    done = Review(record, "alice", "ui").reapply("claim", claim, 1, 2, form(event_date="2023-08"), {"status": "theirs"})
    assert (done.state["status"], done.state["event_date"]) == ("rejected", "2023-08")


def test_reapplying_on_a_version_that_moved_on_again_is_a_conflict(record, desk, claim, ledger):
    Review(record, "bob", "ui").edit("claim", claim, 1, form(claimant="Local officials"))
    Review(record, "bob", "ui").edit("claim", claim, 2, form(claimant="Local officials", negated=True))
    ledger.mark()
    with pytest.raises(Conflict):
        Review(record, "alice", "ui").reapply("claim", claim, 1, 2, form(event_date="2023-08-07"))
    assert ledger.written() == []
