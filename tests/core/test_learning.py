"""Reviewer decisions teach the rules: confirmed names join the gazetteer, rejected rules sink."""

from annotate.preannotate.base import DocumentInput
from annotate.preannotate.learning import MIN_REJECTIONS, learn, learned_rules_annotator
from annotate.preannotate.rules import RulesAnnotator
from annotate.store.ledger import Change

TEXT = "Residents of Zelenopillia said the bridge was repaired on 3 May."


def mention(record, text, label, status, reason="gazetteer.place: known", annotator="rules@0.1.0"):
    [m] = record.ledger.record(
        "rules",
        "annotator",
        Change(
            "mention.proposed",
            "mention",
            set={"document_id": 1, "start": 0, "end": len(text), "text": text, "label": label, "annotator": annotator, "reason": reason},
        ),
    )
    if status != "candidate":
        record.ledger.record("alice", "ui", Change(f"mention.{status}", "mention", m["id"], set={"status": status}))


def test_a_confirmed_name_is_found_in_new_documents(record):
    plain = RulesAnnotator().annotate(DocumentInput(TEXT, published="2024-05-04"))[0]
    assert "Zelenopillia" not in {e.text for e in plain}
    mention(record, "Zelenopillia", "GPE", "accepted", annotator=None)
    with record.session() as session:
        annotator = learned_rules_annotator(session)
    found = {e.text: e.label for e in annotator.annotate(DocumentInput(TEXT, published="2024-05-04"))[0]}
    assert found.get("Zelenopillia") == "GPE"
    assert annotator.version != RulesAnnotator().version


def test_a_rule_reviewers_keep_rejecting_is_demoted_and_others_are_not(record):
    for _ in range(MIN_REJECTIONS):
        mention(record, "Therefore", "GPE", "rejected", reason="gpe.capitalised: looks like a place")
    mention(record, "Kharkiv", "GPE", "accepted")
    with record.session() as session:
        learned = learn(session)
    assert learned.demoted == {"gpe.capitalised"}
    assert learned.verdicts["gazetteer.place"] == (1, 0)


def test_learning_reads_only_the_reviewed_rows_through_their_index(record):
    """Each job part learns again: it must not read every candidate of a big record (migration 0019)."""
    from sqlalchemy import event

    for n in range(30):
        mention(record, f"Place{n}", "GPE", "accepted" if n % 10 == 0 else "candidate")
    plans: list[str] = []
    postgres = record.engine.dialect.name == "postgresql"

    def explain(conn, cursor, statement, params, context, many):
        if "FROM mention" in statement or "FROM claim" in statement:
            if postgres:  # a table this small is read whole whatever the indexes: ask whether the index fits
                cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + statement, params)
            plans.append(" ".join(str(part) for row in cursor.fetchall() for part in row))

    event.listen(record.engine, "before_cursor_execute", explain)
    try:
        with record.session() as session:
            learned = learn(session)
    finally:
        event.remove(record.engine, "before_cursor_execute", explain)
    assert set(learned.names) == {"Place0", "Place10", "Place20"}
    assert len(plans) == 3 and all("_reviewed" in plan for plan in plans), plans
