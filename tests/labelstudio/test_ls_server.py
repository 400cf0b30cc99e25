"""Against a real Label Studio server (see conftest.label_studio; skipped where none can
start): push, annotate through Label Studio's API, pull, and the export shapes it gives."""

import json
import time
import uuid

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from annotate.cli import app
from annotate.labelstudio.client import pull, push
from annotate.labelstudio.config import RELATIONS, build_config, parse
from annotate.labelstudio.importer import Refused, import_tasks
from annotate.review.operations import Review
from annotate.store.ledger import Change, history
from annotate.store.models import Claim, ClaimLink, Decision, Mention
from tests.factories import ANNOTATOR

pytestmark = pytest.mark.labelstudio


def new_project(client) -> int:
    return client.projects.create(title=f"test {uuid.uuid4().hex[:8]}", label_config=build_config()).id


def state(record, model, object_id) -> dict:
    with record.session() as session:
        return session.get(model, object_id).model_dump()


def task_of(client, project: int, doc_id: int):
    return next(t for t in client.tasks.list(project=project, fields="all") if t.data["doc_id"] == doc_id)


def test_push_sends_tasks_in_pages_once(seeded, label_studio, ls_client):
    pid = new_project(ls_client)
    first = push(seeded.record, label_studio.url, label_studio.token, pid, page_size=1)
    assert (first.project, first.created, first.pushed, first.pages, first.present) == (pid, False, 2, 2, 0)
    again = push(seeded.record, label_studio.url, label_studio.token, pid, page_size=1)
    assert (again.pushed, again.pages, again.present) == (0, 0, 2)
    task = task_of(ls_client, pid, seeded.docs[0])
    (pred,) = task.predictions
    assert pred.model_version == ANNOTATOR
    assert {r["id"] for r in pred.result if "id" in r} >= {f"m{seeded.mentions['Olena Hrytsenko']}", f"c{seeded.claims['tanks']}"}
    assert [r for r in pred.result if r["type"] == "relation"][0]["labels"] == ["contradicts"]


def test_push_without_project_uses_the_claimtrail_project(seeded, label_studio):
    first = push(seeded.record, label_studio.url, label_studio.token)
    second = push(seeded.record, label_studio.url, label_studio.token)
    assert second.project == first.project and not second.created and second.pushed == 0


def test_a_project_without_our_labels_is_refused(seeded, label_studio, ls_client):
    other = ls_client.projects.create(
        title="other", label_config='<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="PER"/></Labels></View>'
    ).id
    with pytest.raises(ValueError, match=f"project {other}'s labeling config lacks 'entity' labels"):
        push(seeded.record, label_studio.url, label_studio.token, other)


def test_an_annotation_made_in_label_studio_comes_back_with_its_annotator(seeded, label_studio, ls_client, tmp_path):
    s, url, token = seeded, label_studio.url, label_studio.token
    pid = new_project(ls_client)
    push(s.record, url, token, pid)
    task = task_of(ls_client, pid, s.docs[0])
    pred = task.predictions[0]
    text = s.texts[0]
    start = text.index("General Olena Hrytsenko of the 93rd Brigade said")
    drop = {f"m{s.mentions['3 March 2023']}", f"c{s.claims['withdrawn']}"}
    # as in the editor: deleting a span deletes its relations; Ana also deletes the link
    result = [r for r in pred.result if r.get("id") not in drop and r.get("labels") != ["contradicts"]]
    result = [r for r in result if r["type"] != "relation" or not {r["from_id"], r["to_id"]} & drop]
    result += [
        {
            "id": "new1",
            "from_name": "claim",
            "to_name": "text",
            "type": "labels",
            "value": {"start": start, "end": start + 48, "text": text[start : start + 48], "labels": ["CLAIM"]},
        },
        {"from_id": "new1", "to_id": f"c{s.claims['tanks']}", "type": "relation", "direction": "right", "labels": ["supports"]},
    ]
    annotation = ls_client.annotations.create(id=task.id, result=result, lead_time=12.5, parent_prediction=pred.id)

    report = pull(s.record, url, token, pid, page_size=1)
    assert dict(report.decisions) == {
        "mention.accepted": 4,
        "mention.rejected": 1,
        "claim.accepted": 1,
        "claim.rejected": 1,
        "claim.added": 1,
        "link.created": 1,
        "link.removed": 1,
    }
    with s.record.session() as session:
        (_, accepted) = history(session, "claim", s.claims["tanks"])
        added = session.execute(select(Claim).where(Claim.status == "accepted", Claim.annotator.is_(None))).scalar_one()
        link = session.execute(select(ClaimLink).where(ClaimLink.relation == "supports")).scalar_one()
        assert session.get(Mention, s.mentions["3 March 2023"]).status == "rejected"
    assert (accepted["actor"], accepted["origin"]) == ("admin@example.com", "label-studio")
    said = accepted["evidence"][0]["label_studio"]
    assert (said["annotation"], said["task"], said["project"], said["lead_time"]) == (annotation.id, task.id, pid, 12.5)
    assert said["updated_at"].startswith(annotation.updated_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert (link.a_id, link.b_id) == (added.id, s.claims["tanks"])

    again = pull(s.record, url, token, pid)
    assert (again.skipped, dict(again.decisions)) == (1, {})
    for shape in exports(ls_client, pid):  # the same annotation through Label Studio's exports
        (tmp_path / "export.json").write_bytes(shape)
        assert dict(import_tasks(s.record, json.loads(shape)).decisions) == {}


def exports(client, project: int) -> list[bytes]:
    """The sync JSON export and a snapshot with full predictions and expanded users."""
    sync = b"".join(client.projects.exports.download_sync(id=project, export_type="JSON", download_all_tasks=True))
    options = {"predictions": {"only_id": False}, "annotations__completed_by": {"only_id": False}}
    snap = client.projects.exports.create(id=project, title="snapshot", serialization_options=options)
    deadline = time.monotonic() + 60
    while client.projects.exports.get(id=project, export_pk=snap.id).status != "completed" and time.monotonic() < deadline:
        time.sleep(0.2)
    return [sync, b"".join(client.projects.exports.download(id=project, export_pk=snap.id, export_type="JSON"))]


def test_label_studio_takes_a_bad_prediction_silently_and_pull_refuses_it(seeded, label_studio, ls_client):
    pid = new_project(ls_client)
    push(seeded.record, label_studio.url, label_studio.token, pid)
    task = task_of(ls_client, pid, seeded.docs[1])
    bad = {"id": "b1", "from_name": "nope", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "text": "Kyiv", "labels": ["FOO"]}}
    # /import/predictions drops it without a word (201, created 0) ...
    dropped = ls_client.projects.import_predictions(id=pid, request=[{"task": task.id, "model_version": "bad@1", "result": [bad]}])
    assert dropped.created == 0
    # ... while a task imported with it inline keeps it (the server only logs "not raising error")
    taken = ls_client.projects.import_tasks(
        id=pid, request=[{"data": task.data, "predictions": [{"model_version": "bad@1", "result": [bad]}]}], return_task_ids=True
    )
    assert (taken.task_count, taken.prediction_count) == (1, 1)
    (bad_task,) = taken.task_ids
    (bad_pred,) = ls_client.tasks.get(id=str(bad_task)).predictions
    with seeded.record.session() as session:
        before = session.execute(select(Decision.seq).order_by(Decision.seq.desc())).scalars().first()
    with pytest.raises(Refused) as refused:
        pull(seeded.record, label_studio.url, label_studio.token, pid)
    assert refused.value.problems == [
        f"task {bad_task}, prediction {bad_pred.id} (bad@1), result b1: from_name 'nope' is not in the labeling config (it has entity, claim)"
    ]
    with seeded.record.session() as session:
        assert session.execute(select(Decision.seq).order_by(Decision.seq.desc())).scalars().first() == before


def test_cli_push_and_pull(seeded, label_studio, ls_client):
    pid = new_project(ls_client)
    runner = CliRunner()
    common = ["--url", label_studio.url, "--token", label_studio.token, "--project", str(pid), "--db", seeded.record.settings.resolved_database_url]
    result = runner.invoke(app, ["labelstudio", "push", *common])
    assert result.exit_code == 0, result.output
    assert f"project {pid} (existing): 2 tasks pushed, 0 new predictions on 0 tasks of the 0 documents already there, 1 import requests" in result.output
    task = task_of(ls_client, pid, seeded.docs[1])
    ls_client.annotations.create(id=task.id, result=task.predictions[0].result, lead_time=3.0, parent_prediction=task.predictions[0].id)
    result = runner.invoke(app, ["labelstudio", "pull", *common])
    assert result.exit_code == 0 and "1 claim.accepted, 1 mention.accepted" in result.output, result.output
    result = runner.invoke(app, ["labelstudio", "pull", *common[:4], "--project", "999999", *common[6:]])
    assert result.exit_code == 1 and "error: Label Studio:" in result.output
    propose(seeded, 1, "Moscow claimed the last supply route was cut", "rules@0.2.0")
    result = runner.invoke(app, ["labelstudio", "push", *common])
    assert "0 tasks pushed, 1 new predictions on 1 tasks of the 2 documents already there, 1 import requests" in result.output, result.output


# --- candidates made after the push ------------------------------------------------------------


def propose(seeded, doc: int, quote: str, annotator: str) -> int:
    """A claim candidate from a later pre-annotation run."""
    start = seeded.texts[doc].index(quote)
    with seeded.record.ledger.writer(annotator, "annotator") as w:
        return w.apply(
            Change(
                "claim.proposed",
                "claim",
                set={
                    "document_id": seeded.docs[doc],
                    "start": start,
                    "end": start + len(quote),
                    "quote": quote,
                    "annotator": annotator,
                    "score": 0.6,
                    "reason": "test: a later run",
                    "published": "2023-03-05",
                },
            )
        )["id"]


def region_ids(prediction) -> set[str]:
    return {r["id"] for r in prediction.result if "id" in r}


def test_push_sends_later_candidates_to_tasks_already_there_once(seeded, label_studio, ls_client):
    s, url, token = seeded, label_studio.url, label_studio.token
    pid = new_project(ls_client)
    push(s.record, url, token, pid)
    newer = propose(s, 0, "The Wagner Group denied that its units had withdrawn", "rules@0.2.0")  # a newer annotator version
    rerun = propose(s, 1, "Moscow claimed the last supply route was cut", ANNOTATOR)  # the same version, run again
    tanks = state(s.record, Claim, s.claims["tanks"])
    Review(s.record, "lead", "ui").accept("claim", tanks["id"], tanks["version"])  # reviewed away: nothing to send for it

    report = push(s.record, url, token, pid, page_size=1)
    assert (report.pushed, report.present, report.updated, report.predictions, report.pages) == (0, 2, 2, 2, 2)
    first = task_of(ls_client, pid, s.docs[0])
    assert sorted(p.model_version for p in first.predictions) == [ANNOTATOR, "rules@0.2.0"]
    (by_newer,) = [p for p in first.predictions if p.model_version == "rules@0.2.0"]
    assert region_ids(by_newer) == {f"c{newer}"}
    old, new = sorted(task_of(ls_client, pid, s.docs[1]).predictions, key=lambda p: p.id)
    assert region_ids(new) == region_ids(old) | {f"c{rerun}"}

    again = push(s.record, url, token, pid, page_size=1)
    assert (again.pushed, again.present, again.updated, again.predictions, again.pages) == (0, 2, 0, 0, 0)

    # an annotator starting from the new prediction accepts the later candidate
    task = task_of(ls_client, pid, s.docs[1])
    ls_client.annotations.create(id=task.id, result=new.result, lead_time=4.0, parent_prediction=new.id)
    assert pull(s.record, url, token, pid).decisions["claim.accepted"] == 2
    assert state(s.record, Claim, rerun)["status"] == "accepted"


def test_push_adds_our_new_relations_to_a_project_set_up_before_them(seeded, label_studio, ls_client):
    before_them = build_config().replace('<Relation value="claimant" /><Relation value="about" />', "")
    pid = ls_client.projects.create(title=f"old {uuid.uuid4().hex[:8]}", label_config=before_them).id
    report = push(seeded.record, label_studio.url, label_studio.token, pid)
    assert report.config_added == ["'relation' claimant", "'relation' about"] and report.pushed == 2
    assert parse(ls_client.projects.get(id=pid).label_config).relations == RELATIONS
    assert push(seeded.record, label_studio.url, label_studio.token, pid).config_added == []


def test_a_claimant_drawn_in_label_studio_comes_back_as_the_claims_claimant(seeded, label_studio, ls_client):
    s, url, token = seeded, label_studio.url, label_studio.token
    pid = new_project(ls_client)
    push(s.record, url, token, pid)
    task = task_of(ls_client, pid, s.docs[0])
    pred = task.predictions[0]
    tanks, olena, brigade = f"c{s.claims['tanks']}", f"m{s.mentions['Olena Hrytsenko']}", f"m{s.mentions['93rd Brigade']}"
    result = [r for r in pred.result if (r.get("from_id"), r.get("to_id")) != (tanks, olena)]
    result.append({"from_id": brigade, "to_id": tanks, "type": "relation", "direction": "right", "labels": ["claimant"]})
    ls_client.annotations.create(id=task.id, result=result, lead_time=9.0, parent_prediction=pred.id)

    report = pull(s.record, url, token, pid)
    assert report.decisions["claim.corrected"] == 1
    claim = state(s.record, Claim, s.claims["tanks"])
    assert (claim["claimant"], claim["claimant_entity_id"], claim["status"]) == ("93rd Brigade", s.entities["93rd Brigade"], "corrected")
    for shape in exports(ls_client, pid):  # the same annotation through Label Studio's exports
        assert dict(import_tasks(s.record, json.loads(shape)).decisions) == {}
    assert push(s.record, url, token, pid).predictions == 0  # all of it reviewed: no candidates left to send
