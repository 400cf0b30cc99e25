"""annotate.review.operations: each reviewer operation is one recorded decision (or one action's group),
refuses stale versions, validates spans, and can be undone by a new decision."""

import pytest
from sqlalchemy import select

from annotate.errors import Conflict, Forbidden, Invalid, NotFound
from annotate.review.operations import Review, check_span
from annotate.store.models import Claim, Entity, Mention

TEXT = "Officials in Kupiansk said the market reopened on Monday.\r\nResidents of Kupyansk may leave."


@pytest.fixture
def doc(desk):
    return desk.document(TEXT, boilerplate=[{"start": 59, "end": len(TEXT), "reason": "repeated"}])


def review(record, name="alice", role="reviewer", origin="ui") -> Review:
    return Review(record, name, origin, role)


def test_accept_and_reject_record_one_decision_each_under_the_reviewer(record, desk, doc, ledger):
    claim = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")
    mention = desk.mention(doc, "Kupiansk")
    ledger.mark()
    accepted = review(record).accept("claim", claim, 1, "clear attribution")
    rejected = review(record, "bob", origin="api").reject("mention", mention, 1)
    assert (accepted.state["status"], accepted.state["version"]) == ("accepted", 2)
    assert rejected.state["status"] == "rejected"
    assert ledger.written() == [("alice", "ui", "claim.accepted", claim), ("bob", "api", "mention.rejected", mention)]
    assert ledger.since()[0]["rationale"] == "clear attribution"
    assert accepted.decisions == [ledger.since()[0]["seq"]]


def test_a_stale_version_is_a_conflict_and_writes_nothing(record, desk, doc, ledger):
    claim = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")
    review(record, "bob").reject("claim", claim, 1)
    ledger.mark()
    with pytest.raises(Conflict) as stale:
        review(record).accept("claim", claim, 1)
    assert stale.value.current["status"] == "rejected" and stale.value.since[0]["actor"] == "bob"
    assert ledger.written() == []


def test_edit_recomputes_the_quote_from_the_span_and_marks_it_corrected(record, desk, doc, ledger):
    claim = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")
    ledger.mark()
    done = review(record).edit("claim", claim, 1, {"start": 27, "end": 58, "claimant": "  Officials  ", "event_date": "2023-08", "hedged": True})
    assert done.state["quote"] == "the market reopened on Monday."  # trailing space trimmed
    assert (done.state["start"], done.state["end"]) == (27, 57)
    assert (done.state["claimant"], done.state["event_date"], done.state["hedged"], done.state["status"]) == ("Officials", "2023-08", True, "corrected")
    assert ledger.written() == [("alice", "ui", "claim.corrected", claim)]


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"start": 5, "end": 5}, "outside the text"),
        ({"start": -1, "end": 4}, "outside the text"),
        ({"start": 0, "end": len(TEXT) + 1}, "outside the text"),
        ({"start": 57, "end": 59}, "only whitespace"),
        ({"event_date": "Monday"}, "event date"),
        ({"status": "accepted"}, "no editable field"),
        ({"start": "x", "end": 3}, "whole numbers"),
    ],
)
def test_edit_refuses_bad_input_and_writes_nothing(record, desk, doc, ledger, fields, problem):
    claim = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")
    ledger.mark()
    with pytest.raises(Invalid, match=problem):
        review(record).edit("claim", claim, 1, fields)
    assert ledger.written() == []


def test_a_mention_label_must_be_known(record, desk, doc):
    mention = desk.mention(doc, "Kupiansk")
    with pytest.raises(Invalid, match="label must be one of"):
        review(record).edit("mention", mention, 1, {"label": "WEAPON"})
    assert review(record).edit("mention", mention, 1, {"label": "loc"}).state["label"] == "LOC"


def test_added_claim_names_the_entities_mentioned_inside_and_warns_in_boilerplate(record, desk, doc, ledger):
    town = desk.entity("Kupiansk")
    desk.mention(doc, "Kupiansk", entity_id=town)
    ledger.mark()
    done = review(record).add_claim(doc, 0, 57)
    assert (done.state["quote"], done.state["entity_ids"], done.state["status"], done.state["annotator"]) == (TEXT[:57], [town], "accepted", None)
    assert done.warnings == []
    later = review(record).add_claim(doc, 59, len(TEXT))
    assert later.warnings and "boilerplate" in later.warnings[0]
    assert [w[2] for w in ledger.written()] == ["claim.added", "claim.added"]


def test_added_mention_links_an_entity_by_alias_or_creates_one(record, desk, doc, ledger):
    town = desk.entity("Kupiansk", aliases=["Kupyansk"])
    ledger.mark()
    start = TEXT.index("Kupyansk")
    linked = review(record).add_mention(doc, start, start + 8, "GPE")
    assert linked.state["entity_id"] == town and ledger.written() == [("alice", "ui", "mention.added", linked.state["id"])]
    ledger.mark()
    new = review(record).add_mention(doc, 0, 9, "ORG")
    assert [w[2] for w in ledger.written()] == ["entity.added", "mention.added"]
    with record.session() as s:
        assert s.get(Entity, new.state["entity_id"]).name == "Officials"
    date = review(record).add_mention(doc, TEXT.index("Monday"), TEXT.index("Monday") + 6, "DATE")
    assert date.state["entity_id"] is None  # a date is a value, not an entity


def test_merge_moves_names_into_aliases_and_needs_a_lead(record, desk, ledger):
    a, b = desk.entity("Kupyansk", aliases=["Kupjansk"]), desk.entity("Kupiansk")
    with pytest.raises(Forbidden):
        review(record).merge(a, b, 1)
    ledger.mark()
    done = review(record, "lea", "lead").merge(a, b, 1)
    assert done.state["aliases"] == ["Kupyansk", "Kupjansk"]
    assert [w[2:] for w in ledger.written()] == [("entity.merged", a), ("entity.aliases_added", b)]
    with record.session() as s:
        assert s.get(Entity, a).merged_into == b
    with pytest.raises(Invalid):
        review(record, "lea", "lead").merge(b, b, 2)


def test_undo_restores_the_previous_values_with_a_new_decision(record, desk, doc, ledger):
    claim = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")
    reviewer = review(record)
    edited = reviewer.edit("claim", claim, 1, {"claimant": "Officials", "negated": True})
    with record.session() as s:
        last = reviewer.last_undoable(s, doc)
    assert last == {"seq": edited.decisions[0], "action": "claim.corrected"}
    ledger.mark()
    undone = reviewer.undo(last["seq"])
    assert (undone.state["claimant"], undone.state["negated"], undone.state["status"]) == (None, False, "candidate")
    [decision] = ledger.since()
    assert (decision["action"], decision["rationale"], decision["evidence"]) == (
        "claim.reverted",
        f"reverts #{last['seq']} (claim.corrected by alice)",
        [{"reverts": last["seq"]}],
    )
    with record.session() as s:
        assert reviewer.last_undoable(s, doc) is None  # already undone; undo itself is not redone by "u"


def test_undo_takes_back_a_whole_action_and_withdraws_what_it_created(record, desk, doc, ledger):
    reviewer = review(record)
    added = reviewer.add_mention(doc, 0, 9, "ORG")
    with record.session() as s:
        last = reviewer.last_undoable(s, doc)
    ledger.mark()
    reviewer.undo(last["seq"])
    assert [(w[2], w[3]) for w in ledger.written()] == [("mention.reverted", added.state["id"]), ("entity.reverted", added.state["entity_id"])]
    with record.session() as s:
        assert s.get(Mention, added.state["id"]).status == "withdrawn"
        assert s.get(Entity, added.state["entity_id"]).status == "withdrawn"


def test_undo_is_stale_after_someone_else_changed_it_and_others_need_a_lead(record, desk, doc):
    claim = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")
    seq = review(record).accept("claim", claim, 1).decisions[0]
    with pytest.raises(Forbidden):
        review(record, "bob").undo(seq)
    review(record, "bob").reject("claim", claim, 2)
    with pytest.raises(Conflict):
        review(record).undo(seq)
    with pytest.raises(NotFound):
        review(record).undo(10_000)


def test_only_claims_and_mentions_are_reviewed(record, desk, doc):
    with pytest.raises(Invalid):
        review(record).accept("document", doc, 1)
    with pytest.raises(NotFound):
        review(record).accept("claim", 999, 1)


def test_check_span_trims_and_reports_boilerplate():
    doc = {"boilerplate": [{"start": 10, "end": 20, "reason": "banner"}]}
    assert check_span("  hello world, and more text", doc, 0, 13) == (2, 13, ["the span lies in boilerplate (banner text, 10–20)"])
    with pytest.raises(Invalid):
        check_span("cafe\u0301", {}, 0, 4)  # would cut the accent off its letter


def test_nothing_else_writes_claims(record, desk, doc):
    """A sanity check that the operations leave the state equal to the ledger's fold."""
    from annotate.store.ledger import object_as_of, resolve_as_of

    claim = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.")
    review(record).edit("claim", claim, 1, {"claimant": "Officials"})
    with record.session() as s:
        row = s.execute(select(Claim).where(Claim.id == claim)).scalar_one()
        assert object_as_of(s, "claim", claim, resolve_as_of(s, None)) == row.model_dump()


def test_editing_the_claimant_moves_its_entity_too(record, desk, doc):
    ministry = desk.entity("Ministry of Defence", "ORG", aliases=["MoD"])
    governor = desk.entity("Oleh Syniehubov", "PERSON")
    claim = desk.claim(doc, "Officials in Kupiansk said the market reopened on Monday.", claimant="Oleh Syniehubov", claimant_entity_id=governor)
    by_alias = review(record).edit("claim", claim, 1, {"claimant": "mod"})
    assert (by_alias.state["claimant"], by_alias.state["claimant_entity_id"]) == ("mod", ministry)
    unknown = review(record).edit("claim", claim, 2, {"claimant": "a local volunteer"})
    assert unknown.state["claimant_entity_id"] is None  # not left pointing at the ministry
    untouched = review(record).edit("claim", claim, 3, {"negated": True})
    assert (untouched.state["claimant"], untouched.state["claimant_entity_id"]) == ("a local volunteer", None)
