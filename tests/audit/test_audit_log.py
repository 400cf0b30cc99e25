"""The audit log: filters, diffs, who may see what."""

import pytest

from annotate.review.audit import AuditFilter, Viewer, audit_log, describe_changes

LEAD = Viewer("carol", "lead")


def log(story, viewer=LEAD, **filters):
    with story.record.session() as session:
        return list(audit_log(session, AuditFilter(**filters), viewer, newest_first=False))


def seqs(entries):
    return [e["seq"] for e in entries]


def test_everything_newest_first_for_a_lead(story):
    with story.record.session() as session:
        entries = list(audit_log(session, AuditFilter(), LEAD))
    assert seqs(entries) == sorted(seqs(entries), reverse=True) and len(entries) == story.seqs["timetable_accepted"]


def test_filter_by_user_and_action(story):
    assert {e["actor"] for e in log(story, actor="alice")} == {"alice"}
    assert [e["action"] for e in log(story, actor="alice")] == ["claim.accepted", "claim.corrected", "claim.accepted"]
    assert {e["action"] for e in log(story, action="claim.accepted")} == {"claim.accepted"}
    assert {e["action"] for e in log(story, action="thread*")} == {"thread.created", "thread_member.added", "thread_member.verdict_set"}


def test_filter_by_date_range(story):
    first_day = log(story, since="2024-05-01", until="2024-05-01")
    second_day = log(story, since="2024-05-02")
    assert first_day and second_day and len(first_day) + len(second_day) == story.seqs["timetable_accepted"]
    assert all(e["at"].startswith("2024-05-01") for e in first_day)
    assert seqs(log(story, since="2024-05-02T08:01:00Z", until="2024-05-02T08:01:00+00:00")) == [seqs(second_day)[0]]


def test_a_document_concerns_its_claims_mentions_and_links(story):
    targets = {(e["target_type"], e["target_id"]) for e in log(story, document=story.docs[0])}
    c = story.claims
    assert targets == {
        ("document", story.docs[0]),
        ("claim", c["stop"]),
        ("claim", c["strike"]),
        ("mention", story.mention),
        ("link", story.link),
        ("thread_member", story.member),
    }
    assert ("claim", c["timetable"]) in {(e["target_type"], e["target_id"]) for e in log(story, document=story.docs[1])}


def test_a_claim_concerns_its_links_and_verdicts(story):
    targets = {(e["target_type"], e["target_id"]) for e in log(story, claim=story.claims["stop"])}
    assert targets == {("claim", story.claims["stop"]), ("link", story.link), ("thread_member", story.member)}


def test_a_thread_concerns_its_members_and_their_claims(story):
    targets = {(e["target_type"], e["target_id"]) for e in log(story, thread=story.thread)}
    assert targets == {("thread", story.thread), ("thread_member", story.member), ("claim", story.claims["stop"]), ("link", story.link)}


def test_each_decision_says_what_changed(story):
    [corrected] = log(story, action="claim.corrected")
    assert corrected["changes"] == [
        {"field": "claimant", "before": None, "after": "Port staff"},
        {"field": "negated", "before": False, "after": True},
        {"field": "status", "before": "candidate", "after": "corrected"},
    ]
    assert describe_changes(corrected["changes"]).splitlines()[0] == 'claimant: null → "Port staff"'
    [verdict] = log(story, action="thread_member.verdict_set")
    assert verdict["changes"] == [{"field": "verdict", "before": "unassessed", "after": "contested"}]
    assert verdict["rationale"] == "port staff deny it" and not verdict["created"]


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_leads_and_admins_see_everyone(story, role):
    assert {e["actor"] for e in log(story, Viewer("carol", role))} == {"cli", "rules@0.2.0", "alice", "bob", "carol"}


def test_a_reviewer_sees_only_their_own_decisions(story):
    alice = Viewer("alice", "reviewer")
    assert {e["actor"] for e in log(story, alice)} == {"alice"}
    assert log(story, alice, actor="bob") == []
    assert {e["actor"] for e in log(story, alice, claim=story.claims["stop"])} == {"alice"}
