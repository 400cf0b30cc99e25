"""Several candidates decided with one key: one ledger transaction, all or nothing, one undo."""

import pytest

from annotate.errors import Conflict, Invalid
from annotate.review.operations import Review

TEXT = "Officials in Kupiansk said the market reopened on Monday. The governor may order more."


@pytest.fixture
def three(desk):
    doc = desk.document(TEXT)
    first = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")
    second = desk.claim(doc, "The governor may order more.")
    place = desk.mention(doc, "Kupiansk")
    return doc, [("claim", first, 1), ("claim", second, 1), ("mention", place, 1)]


def test_a_bulk_accept_is_one_transaction_and_one_undo(record, ledger, three):
    _, targets = three
    ledger.mark()
    done = Review(record, "alice", "ui").decide_many(targets, "accepted")
    assert ledger.written() == [("alice", "ui", f"{kind}.accepted", i) for kind, i, _ in targets]
    assert len(done.decisions) == 3 and len({d["evidence"][0]["group"] for d in ledger.since()}) == 1
    Review(record, "alice", "ui").undo(done.decisions[0])
    assert [action for _, _, action, _ in ledger.written()[3:]] == ["mention.reverted", "claim.reverted", "claim.reverted"]


def test_undo_takes_back_a_bulk_accept_of_many_candidates_whole(record, ledger, desk):
    """Longer than any fixed window of decisions: a report's candidates, all accepted with one key."""
    sentences = [f"Officials said gate {n} closed." for n in range(40)]
    doc = desk.document(" ".join(sentences))
    targets = [("claim", desk.claim(doc, sentence), 1) for sentence in sentences]
    done = Review(record, "alice", "ui").decide_many(targets, "accepted")
    ledger.mark()
    Review(record, "alice", "ui").undo(done.decisions[-1])
    assert len(ledger.written()) == 40 and {action for _, _, action, _ in ledger.written()} == {"claim.reverted"}


def test_one_stale_candidate_refuses_the_whole_selection(record, ledger, three):
    _, targets = three
    Review(record, "bob", "ui").reject("claim", targets[1][1], 1)
    ledger.mark()
    with pytest.raises(Conflict):
        Review(record, "alice", "ui").decide_many(targets, "accepted")
    assert ledger.written() == []
    with pytest.raises(Invalid):
        Review(record, "alice", "ui").decide_many([], "accepted")
