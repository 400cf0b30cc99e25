"""Assignments and document states: a lead assigns, the reviewer's first decision starts the review,
the reviewer marks it done, a lead approves or sends it back with a note — all ledger decisions,
filterable in the queue and the audit log, on the dashboard, and rebuilt from the ledger."""

import re

import pytest
from sqlmodel import select

from annotate.errors import Forbidden, Invalid
from annotate.review.assignments import Assignments, dashboard
from annotate.review.audit import AuditFilter, audit_log
from annotate.review.operations import Review
from annotate.review.queue import QueueFilter, queue_page
from annotate.store.ledger import rebuild
from annotate.store.models import Assignment
from annotate.store.verify import verify


@pytest.fixture
def docs(desk):
    texts = ["Officials said the bridge in Izium reopened.", "The mayor said the school would open in May.", "A spokesman denied that the depot was hit."]
    ids = [desk.document(t, title=f"Report {i}") for i, t in enumerate(texts)]
    claims = [desk.claim(d, t) for d, t in zip(ids, texts, strict=True)]
    return {"ids": ids, "claims": claims}


def lead(record) -> Assignments:
    return Assignments(record, "lea", "ui", "lead")


def state(record, document_id: int) -> Assignment:
    with record.session() as s:
        return s.exec(select(Assignment).where(Assignment.document_id == document_id)).one()


def test_a_document_goes_from_assigned_to_approved_each_step_a_decision(record, users, docs, ledger):
    doc, claim = docs["ids"][0], docs["claims"][0]
    ledger.mark()
    lead(record).assign([doc], "alice")
    assert state(record, doc).status == "todo"
    Review(record, "alice", "ui").accept("claim", claim, 1)  # her first decision starts the review
    assert state(record, doc).status == "in_review"
    done = Assignments(record, "alice", "ui").done(doc, 1)  # her page showed version 1: her own start is not news to her
    assert done.state["status"] == "done" and done.state["rounds"] == 1 and done.warnings == []
    lead(record).approve(doc, 3)
    assert [(a, action) for a, _, action, _ in ledger.written()] == [
        ("lea", "assignment.made"),
        ("alice", "claim.accepted"),
        ("alice", "assignment.started"),
        ("alice", "assignment.done"),
        ("lea", "assignment.approved"),
    ]
    assert state(record, doc).status == "approved"


def test_someone_else_deciding_does_not_start_a_reviewers_document(record, users, docs, ledger):
    doc, claim = docs["ids"][0], docs["claims"][0]
    lead(record).assign([doc], "alice")
    ledger.mark()
    Review(record, "bob", "ui").accept("claim", claim, 1)
    assert [action for *_, action, _ in ledger.written()] == ["claim.accepted"]
    assert state(record, doc).status == "todo"


def test_send_back_with_a_note_to_another_reviewer(record, users, docs):
    doc = docs["ids"][1]
    lead(record).assign([doc], "alice")
    Assignments(record, "alice", "ui").done(doc, 1)
    with pytest.raises(Invalid, match="note"):
        lead(record).send_back(doc, "  ", base_version=2)
    back = lead(record).send_back(doc, "Check the date of the opening", "bob", base_version=2)
    assert (back.state["status"], back.state["reviewer"], back.state["note"]) == ("todo", "bob", "Check the date of the opening")
    with pytest.raises(Forbidden):  # alice no longer has it
        Assignments(record, "alice", "ui").done(doc, 3)
    Assignments(record, "bob", "ui").done(doc, 3)
    after = state(record, doc)
    assert after.rounds == 1 and after.earlier["alice"][1] == 1  # a round each, each their own


def test_roles_and_states_are_enforced(record, users, docs):
    doc = docs["ids"][0]
    with pytest.raises(Forbidden):
        Assignments(record, "alice", "ui").assign([doc], "alice")
    lead(record).assign([doc], "alice")
    with pytest.raises(Forbidden):
        Assignments(record, "bob", "ui").done(doc, 1)
    with pytest.raises(Invalid, match="only a document marked done"):
        lead(record).approve(doc, 1)
    done = Assignments(record, "alice", "ui").done(doc, 1)
    assert done.warnings == ["1 candidate still undecided"]
    with pytest.raises(Forbidden):
        Assignments(record, "alice", "ui").approve(doc, 2)
    with pytest.raises(Invalid, match="not assigned"):
        lead(record).approve(docs["ids"][2], 1)


def test_a_stale_assignment_version_is_a_conflict(record, users, docs):
    from annotate.errors import Conflict

    doc = docs["ids"][0]
    lead(record).assign([doc], "alice")
    lead(record).assign([doc], "bob")  # moved meanwhile: version 2
    with pytest.raises(Conflict):
        Assignments(record, "bob", "ui").done(doc, 1)


def test_assigning_again_leaves_what_is_there_and_moves_what_is_not(record, users, docs, ledger):
    ids = docs["ids"]
    lead(record).assign(ids[:2], "alice")
    ledger.mark()
    again = lead(record).assign(ids, "alice")
    assert again.warnings == ["2 already on alice's queue: left as they were"]
    assert [target for *_, target in ledger.written()] and len(ledger.written()) == 1
    with pytest.raises(Invalid, match="no documents"):
        lead(record).assign([], "alice")


def test_assign_everything_a_queue_filter_matches(record, users, docs, desk):
    with record.session() as s:
        lead(record).assign_matching(s, QueueFilter(q="said"), "bob")
    with record.session() as s:
        mine = queue_page(s, QueueFilter(assignee="bob", review="open"))
    assert sorted(r.id for r in mine.rows) == sorted(docs["ids"][:2])  # the two that have "said"
    assert {(r.reviewer, r.review) for r in mine.rows} == {("bob", "todo")}


def test_queue_filters_by_review_state(record, users, docs):
    a, b, c = docs["ids"]
    lead(record).assign([a, b], "alice")
    Assignments(record, "alice", "ui").done(a, 1)
    lead(record).send_back(a, "Look again", base_version=2)
    with record.session() as s:

        def ids(**kw):
            return sorted(r.id for r in queue_page(s, QueueFilter(**kw)).rows)

        assert ids(review="sent_back") == [a]
        assert ids(review="todo") == [a, b]
        assert ids(review="none") == [c]
        assert ids(assignee="alice") == [a, b]
        assert ids(assignee="bob") == []


def test_assignments_are_in_the_audit_log_by_document_and_by_kind(record, users, docs):
    doc = docs["ids"][0]
    lead(record).assign([doc], "alice")
    with record.session() as s:
        by_document = [e["action"] for e in audit_log(s, AuditFilter(document=doc))]
        by_kind = [e["what"] for e in audit_log(s, AuditFilter(action="assignment.*"))]
    assert "assignment.made" in by_document
    assert by_kind == ["assigned the document to a reviewer"]


def test_the_dashboard_counts_per_reviewer(record, users, docs):
    a, b, _ = docs["ids"]
    lead(record).assign([a, b], "alice")
    Review(record, "alice", "ui").accept("claim", docs["claims"][0], 1)
    Assignments(record, "alice", "ui").done(a, 2)
    with record.session() as s:
        rows = {r.name: r for r in dashboard(s)}
    alice = rows["alice"]
    assert (alice.todo, alice.in_review, alice.done, alice.approved) == (1, 0, 1, 0)
    assert alice.decisions == 3  # the accept, the start, the done
    assert alice.finished == 1 and alice.per_document is not None and alice.per_document >= 0


def test_assignments_rebuild_from_the_ledger_and_revert_withdraws_one(record, users, docs):
    doc = docs["ids"][0]
    made = lead(record).assign([doc], "alice")
    before = state(record, doc).model_dump()
    rebuild(record.engine)
    assert state(record, doc).model_dump() == before
    Review(record, "lea", "ui", "lead").revert(made.decisions[0])
    assert state(record, doc).status == "withdrawn"
    from annotate.store.verify import verify

    report = verify(record.engine, None, [])
    assert report.ok, report.problems  # the chain, and the assignment table as the fold of its decisions
    with record.session() as s:
        assert [r.id for r in queue_page(s, QueueFilter(review="none")).rows if r.id == doc] == [doc]


# --- the web pages and the API ------------------------------------------------------------


def test_the_queue_opens_on_my_work(signed_in, record, users, docs):
    lead(record).assign([docs["ids"][1]], "alice")
    alice = signed_in("alice")
    page = alice.get("/queue")
    assert [r.id for r in page.context["rows"]] == [docs["ids"][1]]
    assert page.context["filter"].assignee == "alice"
    bob = signed_in("bob")  # nothing assigned: the whole queue
    assert len(bob.get("/queue").context["rows"]) == 3


def test_a_lead_assigns_ticked_documents_from_the_queue(signed_in, record, users, docs):
    lea = signed_in("lea")
    page = lea.get("/queue?status=all")
    assert 'form="assign"' in page.text and "/dashboard" in page.text
    answer = lea.post(
        "/assignments", {"reviewer": "bob", "document": [str(i) for i in docs["ids"][:2]], "scope": "ticked", "back": "/queue?status=all"}, htmx=False
    )
    assert answer.status_code == 303
    shown = lea.get(answer.headers["location"])
    assert "Assigned 2 documents to bob." in shown.text
    assert state(record, docs["ids"][0]).reviewer == "bob"
    refused = signed_in("alice").post("/assignments", {"reviewer": "alice", "document": [str(docs["ids"][2])]}, htmx=False)
    assert refused.status_code == 403


def test_done_approve_and_send_back_from_the_document_page(signed_in, record, users, docs):
    doc = docs["ids"][0]
    lead(record).assign([doc], "alice")
    alice, lea = signed_in("alice"), signed_in("lea")
    page = alice.get(f"/documents/{doc}")
    assert 'id="mark-done"' in page.text and "to do" in page.text
    assert alice.post(f"/documents/{doc}/done", {"version": "1"}, htmx=False).status_code == 303
    page = lea.get(f"/documents/{doc}")
    assert 'id="approve"' in page.text and "Send back" in page.text
    assert lea.post(f"/documents/{doc}/send-back", {"version": "2", "note": "Claimant is wrong", "reviewer": "alice"}, htmx=False).status_code == 303
    page = alice.get(f"/documents/{doc}?said=sent_back")
    assert "Claimant is wrong" in page.text
    assert "sent the document back for more review" in page.text  # in the document's history
    stale = alice.post(f"/documents/{doc}/done", {"version": "1"}, htmx=False)
    assert stale.status_code == 409


def test_the_api_assigns_and_moves_documents_on(app, record, users, docs):
    from fastapi.testclient import TestClient

    from annotate import accounts

    lea = TestClient(app, headers={"Authorization": f"Bearer {accounts.create_api_token(record, 'lea')}"})
    made = lea.post("/api/assignments", json={"reviewer": "alice", "matching": {"q": "school"}})
    assert made.status_code == 200, made.text
    doc = docs["ids"][1]
    assert lea.get(f"/api/documents/{doc}/assignment").json()["assignment"]["reviewer"] == "alice"
    assert lea.post(f"/api/documents/{doc}/assignment/done", json={}).status_code == 428
    done = lea.post(f"/api/documents/{doc}/assignment/done", json={"version": 1})
    assert done.json()["state"]["status"] == "done"
    approved = lea.post(f"/api/documents/{doc}/assignment/approve", json={}, headers={"If-Match": '"2"'})
    assert approved.json()["state"]["status"] == "approved"
    queue = lea.get("/api/documents?review=approved").json()["documents"]
    assert [(d["id"], d["review"], d["reviewer"]) for d in queue] == [(doc, "approved", "alice")]
    board = lea.get("/api/dashboard").json()
    assert {r["name"]: r["approved"] for r in board}["alice"] == 1


def test_the_dashboard_page_is_for_leads(signed_in, record, users, docs):
    lead(record).assign(docs["ids"], "bob")
    page = signed_in("lea").get("/dashboard")
    assert page.status_code == 200 and re.search(r"<b>bob</b>", page.text)
    assert signed_in("alice").get("/dashboard").status_code == 403


# --- the command line -----------------------------------------------------------------------


def test_the_cli_assigns_lists_and_moves_documents_on(record, users, docs):
    from typer.testing import CliRunner

    from annotate.cli import app as cli

    def claimtrail(*args):
        env = {"CLAIMTRAIL_HOME": str(record.settings.home), "COLUMNS": "200"}
        return CliRunner().invoke(cli, [*args, "--db", record.settings.resolved_database_url], env=env)

    a, b, c = docs["ids"]
    assert claimtrail("assign", str(a), "--to", "alice", "--actor", "lea").exit_code == 0
    assigned = claimtrail("assign", "--to", "bob", "--unassigned", "--actor", "lea")
    assert assigned.exit_code == 0 and "assigned 2 document(s) to bob" in assigned.stdout
    listed = claimtrail("assignments", "list", "--reviewer", "bob", "--format", "jsonl")
    assert sorted(__import__("json").loads(line)["id"] for line in listed.stdout.splitlines()) == [b, c]
    assert claimtrail("assignments", "done", str(a), "--actor", "alice").exit_code == 0
    back = claimtrail("assignments", "send-back", str(a), "--note", "Check the bridge's name", "--to", "bob", "--actor", "lea")
    assert back.exit_code == 0 and state(record, a).reviewer == "bob"
    refused = claimtrail("assignments", "approve", str(a), "--actor", "lea")
    assert refused.exit_code != 0 and "only a document marked done" in refused.output
    board = claimtrail("assignments", "dashboard")
    assert board.exit_code == 0 and "bob" in board.stdout


def test_the_decision_that_starts_the_review_refreshes_the_header_and_later_ones_do_not(record, users, docs, desk, alice):
    """Out of band: the state badge and history when the review moved, nothing more on later key presses."""
    doc = docs["ids"][0]
    second = desk.claim(doc, "Officials said the bridge in Izium reopened.")  # a second candidate on the same words
    lead(record).assign([doc], "alice")
    first = alice.post(f"/review/claim/{docs['claims'][0]}/accept", {"version": "1"})
    assert first.status_code == 200 and 'id="assignment"' in first.text and "in review" in first.text
    assert 'id="doc-history" class="doc-history" hx-swap-oob="innerHTML"' in first.text
    later = alice.post(f"/review/claim/{second}/accept", {"version": "1"})
    assert later.status_code == 200 and 'id="assignment"' not in later.text and "doc-history" not in later.text


class Clock:
    """The ledger's clock, set by the test: review time is read from decisions' times."""

    def __init__(self, monkeypatch):
        self.now = "2024-05-06T10:00:00.000000+00:00"
        for module in ("annotate.store.ledger", "annotate.review.review_states", "annotate.review.assignments"):
            monkeypatch.setattr(f"{module}.utc_now", lambda: self.now)

    def at(self, hour_minute: str) -> None:
        self.now = f"2024-05-06T{hour_minute}:00.000000+00:00"


def test_time_stays_with_the_reviewer_who_spent_it_when_a_document_changes_hands(record, users, docs, desk, monkeypatch):
    clock = Clock(monkeypatch)
    doc, first = docs["ids"][0], docs["claims"][0]
    second, third = (desk.claim(doc, "Officials said the bridge in Izium reopened.") for _ in range(2))
    lead(record).assign([doc], "alice")
    clock.at("10:00")
    Review(record, "alice", "ui").accept("claim", first, 1)  # starts her review
    clock.at("10:20")
    Review(record, "alice", "ui").accept("claim", second, 1)  # her last decision here
    clock.at("15:00")
    lead(record).assign([doc], "bob")  # moved mid-review, hours after she stopped
    clock.at("15:10")
    Review(record, "bob", "ui").accept("claim", third, 1)
    clock.at("15:40")
    Assignments(record, "bob", "ui").done(doc)
    clock.at("16:00")
    lead(record).send_back(doc, "the second claim needs its speaker", "alice")
    clock.at("16:05")
    Review(record, "alice", "ui").edit("claim", second, 2, {"claimant": "Officials"})
    clock.at("16:10")
    Assignments(record, "alice", "ui").done(doc)
    with record.session() as s:
        rows = {r.name: r for r in dashboard(s)}
    assert (rows["alice"].seconds, rows["alice"].finished) == (20 * 60 + 5 * 60, 2)  # her own time, not the lead's wait
    assert (rows["bob"].seconds, rows["bob"].finished) == (30 * 60, 1)  # his round only, not hers before it
    assert rows["lea"].seconds == 0
    assert verify(record.engine, None, [], check_state=True).ok
    before = state(record, doc).model_dump()
    rebuild(record.engine)
    assert state(record, doc).model_dump() == before  # the time's attribution is a fold of the decisions
