"""The Label Studio round trip on plain JSON, without the SDK or a server: our tasks out,
annotations in the shapes Label Studio exports, decisions back in."""

import io
import json

import pytest
from sqlalchemy import func, select

from annotate.labelstudio.config import build_config, parse
from annotate.labelstudio.importer import Refused, import_tasks
from annotate.labelstudio.tasks import write_tasks
from annotate.store.ledger import history
from annotate.store.models import Claim, ClaimLink, Decision, Entity, Mention
from tests.factories import ANNOTATOR
from tests.labelstudio.lsfixtures import FakeLabelStudio, region

USERS = {7: "ana@example.com"}


def exported(seeded) -> list[dict]:
    out = io.StringIO()
    write_tasks(seeded.record, out)
    return json.loads(out.getvalue())


def decisions(record) -> int:
    with record.session() as s:
        return s.execute(select(func.count()).select_from(Decision)).scalar()


def state(record, model, object_id) -> dict:
    with record.session() as s:
        return s.get(model, object_id).model_dump()


# --- config ----------------------------------------------------------------------------------


def test_config_names_every_entity_type_claims_link_and_entity_relations():
    cfg = parse(build_config(use_sdk=False))
    assert cfg.controls["entity"].values == ("PERSON", "ORG", "GPE", "LOC", "DATE", "QUANTITY", "MILITARY_UNIT", "NORP")
    assert cfg.controls["claim"].values == ("CLAIM",)
    assert cfg.relations == ("same_event", "supports", "contradicts", "updates", "claimant", "about")
    assert cfg.objects == {"text": "text"}


def test_config_is_the_same_with_the_sdk_label_interface():
    pytest.importorskip("label_studio_sdk")
    from label_studio_sdk.label_interface import LabelInterface

    assert build_config(use_sdk=True) == build_config(use_sdk=False)
    LabelInterface(build_config(use_sdk=True)).validate()


# --- tasks out -------------------------------------------------------------------------------


def test_tasks_carry_candidates_as_predictions_with_ids_and_relations(seeded):
    tasks = exported(seeded)
    assert [t["data"]["doc_id"] for t in tasks] == seeded.docs
    first = tasks[0]
    assert first["data"]["text"] == seeded.texts[0] and len(first["data"]["sha256"]) == 64
    (pred,) = first["predictions"]
    assert pred["model_version"] == ANNOTATOR and 0 <= pred["score"] <= 1
    person = region(pred["result"], f"m{seeded.mentions['Olena Hrytsenko']}")
    assert person == {
        "id": f"m{seeded.mentions['Olena Hrytsenko']}",
        "from_name": "entity",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 8, "end": 23, "text": "Olena Hrytsenko", "labels": ["PERSON"]},
        "score": 0.8,
    }
    claim = region(pred["result"], f"c{seeded.claims['tanks']}")
    assert claim["from_name"] == "claim" and claim["value"]["labels"] == ["CLAIM"]
    relations = [(r["from_id"], r["to_id"], r["labels"]) for r in pred["result"] if r["type"] == "relation"]
    c, m = (lambda name: f"c{seeded.claims[name]}"), (lambda text: f"m{seeded.mentions[text]}")
    assert relations == [
        (c("tanks"), c("withdrawn"), ["contradicts"]),
        (c("tanks"), m("Olena Hrytsenko"), ["claimant"]),
        (c("tanks"), m("Bakhmut"), ["about"]),
        (c("withdrawn"), m("Wagner Group"), ["claimant"]),  # also about the Wagner Group: one relation per pair of spans
    ]
    assert all(r["direction"] == "right" for r in pred["result"] if r["type"] == "relation")


def test_only_candidates_by_default_and_files_are_plain_json(seeded, tmp_path):
    seeded.record.ledger.record("ana", "ui", _status("claim", seeded.claims["road"], "rejected"))
    path = tmp_path / "tasks.json"
    assert write_tasks(seeded.record, path) == 2
    tasks = json.loads(path.read_text(encoding="utf-8"))
    ids = [r.get("id") for t in tasks for p in t["predictions"] for r in p["result"]]
    assert f"c{seeded.claims['road']}" not in ids and f"m{seeded.mentions['Kyiv']}" in ids


def test_our_own_task_file_imports_as_no_change(seeded):
    before = decisions(seeded.record)
    report = import_tasks(seeded.record, exported(seeded))
    assert report.predictions == 2 and not report.decisions and decisions(seeded.record) == before


# --- annotations in ----------------------------------------------------------------------------


def annotate_first_doc(seeded, ls: FakeLabelStudio) -> dict:
    """Ana accepts the person, relabels the brigade as ORG, deletes the date, the
    'withdrawn' claim and the link, moves nothing else, adds a claim and a link."""
    s = seeded
    text = s.texts[0]
    new_quote = "General Olena Hrytsenko of the 93rd Brigade said"
    start = text.index(new_quote)

    def edit(result):
        region(result, f"m{s.mentions['93rd Brigade']}")["value"]["labels"] = ["ORG"]
        drop = {f"m{s.mentions['3 March 2023']}", f"c{s.claims['withdrawn']}"}
        result[:] = [r for r in result if r.get("id") not in drop and r.get("labels") != ["contradicts"]]
        result.append(
            {
                "id": "Xa81",
                "from_name": "claim",
                "to_name": "text",
                "type": "labels",
                "value": {"start": start, "end": start + len(new_quote), "text": new_quote, "labels": ["CLAIM"]},
            }
        )
        result.append({"from_id": "Xa81", "to_id": f"c{s.claims['tanks']}", "type": "relation", "direction": "right", "labels": ["supports"]})

    return ls.annotate(s.docs[0], user=7, edit=edit, at="2026-11-22T09:15:00.123456Z", ann_id=21)


def test_an_annotation_comes_back_as_decisions_by_its_annotator(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    annotate_first_doc(s, ls)
    report = import_tasks(s.record, ls.json_export(), users=USERS)
    assert report.annotations == 1 and report.skipped == 0
    assert dict(report.decisions) == {
        "mention.accepted": 3,
        "mention.corrected": 1,
        "mention.rejected": 1,
        "claim.accepted": 1,
        "claim.rejected": 1,
        "claim.added": 1,
        "link.created": 1,
        "link.removed": 1,
    }
    assert state(s.record, Mention, s.mentions["Olena Hrytsenko"])["status"] == "accepted"
    brigade = state(s.record, Mention, s.mentions["93rd Brigade"])
    assert (brigade["label"], brigade["status"], brigade["text"]) == ("ORG", "corrected", "93rd Brigade")
    assert state(s.record, Mention, s.mentions["3 March 2023"])["status"] == "rejected"
    assert state(s.record, Claim, s.claims["withdrawn"])["status"] == "rejected"
    assert state(s.record, ClaimLink, s.link)["status"] == "removed"
    with s.record.session() as session:
        added = session.execute(select(Claim).where(Claim.quote.like("General Olena%"))).scalar_one()
        link = session.execute(select(ClaimLink).where(ClaimLink.relation == "supports")).scalar_one()
        assert (added.status, added.annotator, added.published) == ("accepted", None, "2023-03-04")
        assert (link.a_id, link.b_id, link.status) == (added.id, s.claims["tanks"], "active")
        (proposed, accepted) = history(session, "claim", s.claims["tanks"])
    assert (proposed["actor"], proposed["origin"]) == (ANNOTATOR, "annotator")
    assert (accepted["actor"], accepted["origin"], accepted["action"]) == ("ana@example.com", "label-studio", "claim.accepted")
    assert "2026-11-22T09:15:00.123456Z" in accepted["rationale"] and "annotation 21" in accepted["rationale"]
    ls_said = accepted["evidence"][0]["label_studio"]
    assert ls_said == {
        "task": 1000,
        "project": 3,
        "annotation": 21,
        "completed_by": 7,
        "created_at": "2026-11-22T09:15:00.123456Z",
        "updated_at": "2026-11-22T09:15:00.123456Z",
        "lead_time": 42.5,
        "parent_prediction": 101,
        "result": f"c{s.claims['tanks']}",
    }
    assert accepted["at"] != ls_said["updated_at"]  # the decision's time is ours


def test_reimport_is_a_no_op_even_after_a_later_review(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    annotate_first_doc(s, ls)
    import_tasks(s.record, ls.json_export(), users=USERS)
    claim = state(s.record, Claim, s.claims["tanks"])
    s.record.ledger.record("lead", "ui", _status("claim", claim["id"], "rejected", claim["version"]))
    before = decisions(s.record)
    again = import_tasks(s.record, ls.json_export(), users=USERS)
    assert (again.skipped, dict(again.decisions)) == (1, {}) and decisions(s.record) == before
    assert state(s.record, Claim, s.claims["tanks"])["status"] == "rejected"  # the later review stands
    snapshot = import_tasks(s.record, ls.snapshot(USERS))  # same annotation, other export shape
    assert (snapshot.skipped, dict(snapshot.decisions)) == (1, {})


def test_an_older_annotation_does_not_undo_a_newer_review(seeded):
    s = seeded
    tanks = state(s.record, Claim, s.claims["tanks"])
    s.record.ledger.record("lead", "ui", _status("claim", tanks["id"], "accepted", tanks["version"]))
    ls = FakeLabelStudio(exported(s))
    tanks_region = {
        "id": "t1",
        "from_name": "claim",
        "to_name": "text",
        "type": "labels",
        "value": {"start": tanks["start"], "end": tanks["end"], "text": tanks["quote"], "labels": ["CLAIM"]},
    }
    only_tanks = lambda r: r.__setitem__(slice(None), [tanks_region])  # noqa: E731
    annotation = ls.annotate(s.docs[0], user=7, edit=only_tanks, at="2020-01-01T00:00:00Z", ann_id=60)  # made long ago
    annotation.update(prediction=None, parent_prediction=None)  # labelled from scratch
    first = import_tasks(s.record, ls.json_export(), users=USERS)
    assert not first.decisions  # tanks was accepted already: no decision, so no idempotency key either
    s.record.ledger.record("lead", "ui", _status("claim", tanks["id"], "rejected", tanks["version"] + 1))
    report = import_tasks(s.record, ls.json_export(), users=USERS)
    assert report.kept == 1 and "1 changes not made, a later Claimtrail decision stands" in report.summary()
    assert state(s.record, Claim, s.claims["tanks"])["status"] == "rejected"
    ls.tasks[0]["annotations"][0]["updated_at"] = "2100-01-01T00:00:00Z"  # edited in Label Studio after the review
    assert dict(import_tasks(s.record, ls.json_export(), users=USERS).decisions) == {"claim.accepted": 1}


def test_an_edited_annotation_is_imported_again(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    annotation = annotate_first_doc(s, ls)
    import_tasks(s.record, ls.json_export(), users=USERS)
    annotation["result"] = [r for r in annotation["result"] if r.get("id") != f"m{s.mentions['Wagner Group']}"]
    annotation["updated_at"] = "2026-11-22T10:00:00.000000Z"
    report = import_tasks(s.record, ls.json_export(), users=USERS)
    # the person etc. are already accepted: only what changed in the new version is decided
    assert report.skipped == 0 and not report.decisions  # deleting an accepted span rejects nothing
    annotation["result"].append(
        {"id": "n1", "from_name": "entity", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 7, "text": "General", "labels": ["PERSON"]}}
    )
    annotation["updated_at"] = "2026-11-22T11:00:00.000000Z"
    # a mention Ana adds stands for an entity, found by name or made, as in the review workbench
    assert dict(import_tasks(s.record, ls.json_export(), users=USERS).decisions) == {"entity.added": 1, "mention.added": 1}
    with s.record.session() as session:
        general = session.execute(select(Mention).where(Mention.text == "General")).scalar_one()
        assert (session.get(Entity, general.entity_id).name, general.status) == ("General", "accepted")


def test_snapshot_with_full_predictions_and_expanded_users(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    task = ls.task_for(s.docs[1])
    kyiv_claim = "Moscow claimed the last supply route was cut"
    start = s.texts[1].index("the last supply route was cut")
    task["predictions"].append(
        {
            "id": 555,
            "model_version": "ls-ml@2",
            "score": 0.6,
            "created_at": "2026-11-22T08:30:00Z",
            "result": [
                {
                    "id": "p1",
                    "from_name": "claim",
                    "to_name": "text",
                    "type": "labels",
                    "score": 0.6,
                    "value": {"start": start, "end": start + 29, "text": "the last supply route was cut", "labels": ["CLAIM"]},
                },
                {"id": "p2", "from_name": "entity", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "text": "Kyiv", "labels": ["GPE"]}},
            ],
        }
    )
    ls.annotate(s.docs[1], user=7, edit=lambda result: None, ann_id=30)
    report = import_tasks(s.record, ls.snapshot(USERS))
    assert report.predictions == 3 and kyiv_claim  # ours twice, ls-ml@2 once
    assert dict(report.decisions) == {"claim.proposed": 1, "mention.accepted": 1, "claim.accepted": 1}
    with s.record.session() as session:
        proposed = session.execute(select(Claim).where(Claim.annotator == "ls-ml@2")).scalar_one()
        (made,) = history(session, "claim", proposed.id)
    assert (proposed.status, proposed.score, made["actor"], made["origin"]) == ("candidate", 0.6, "ls-ml@2", "label-studio")
    assert state(s.record, Mention, s.mentions["Kyiv"])["status"] == "accepted"  # matched by span, not duplicated


def test_cancelled_annotations_and_unknown_users_are_handled(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    ls.annotate(s.docs[1], user=9, edit=lambda r: None, ann_id=40)
    ls.annotate(s.docs[0], user=7, edit=lambda r: r.clear(), ann_id=41)["was_cancelled"] = True
    report = import_tasks(s.record, ls.json_export())
    assert (report.annotations, report.cancelled) == (1, 1)
    with s.record.session() as session:
        actors = set(session.execute(select(Decision.actor).where(Decision.origin == "label-studio")).scalars())
    assert actors == {"label-studio-user-9"}


# --- claimants and entities: relations from a claim to an entity span -------------------------


def rel(a: str, b: str, label: str, direction: str = "right") -> dict:
    return {"from_id": a, "to_id": b, "type": "relation", "direction": direction, "labels": [label]}


def ids(seeded):
    return (lambda name: f"c{seeded.claims[name]}"), (lambda text: f"m{seeded.mentions[text]}")


def without(result: list[dict], a: str, b: str, label: str) -> None:
    result[:] = [r for r in result if (r.get("from_id"), r.get("to_id"), r.get("labels")) != (a, b, [label])]


def test_kept_claimants_and_entities_change_nothing(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    ls.annotate(s.docs[0], user=7, edit=lambda r: None, ann_id=70)
    report = import_tasks(s.record, ls.json_export(), users=USERS)
    assert dict(report.decisions) == {"mention.accepted": 5, "claim.accepted": 2}
    tanks = state(s.record, Claim, s.claims["tanks"])
    assert (tanks["claimant"], tanks["claimant_entity_id"], tanks["entity_ids"]) == (
        "General Olena Hrytsenko",
        s.entities["Olena Hrytsenko"],
        [s.entities["Bakhmut"]],
    )


def test_a_claimant_drawn_to_another_entity_span_corrects_the_claim(seeded):
    s = seeded
    c, m = ids(s)
    ls = FakeLabelStudio(exported(s))

    def edit(result):
        without(result, c("tanks"), m("Olena Hrytsenko"), "claimant")
        result.append(rel(m("93rd Brigade"), c("tanks"), "claimant"))  # drawn from the entity: the ends say which is which

    ls.annotate(s.docs[0], user=7, edit=edit, ann_id=71)
    report = import_tasks(s.record, ls.json_export(), users=USERS)
    assert dict(report.decisions) == {"mention.accepted": 5, "claim.accepted": 1, "claim.corrected": 1}
    tanks = state(s.record, Claim, s.claims["tanks"])
    assert (tanks["claimant"], tanks["claimant_entity_id"], tanks["status"]) == ("93rd Brigade", s.entities["93rd Brigade"], "corrected")
    assert tanks["entity_ids"] == [s.entities["Bakhmut"]]  # the about relation was kept
    with s.record.session() as session:
        corrected = history(session, "claim", s.claims["tanks"])[-1]
    assert (corrected["actor"], corrected["origin"], corrected["action"]) == ("ana@example.com", "label-studio", "claim.corrected")
    assert corrected["after"]["claimant"] == "93rd Brigade" and corrected["before"]["claimant"] == "General Olena Hrytsenko"
    said = corrected["evidence"][0]["label_studio"]["result"]
    # the claim's region and every relation of the annotation that speaks of it
    assert said == f"{c('tanks')}, {c('tanks')}→{m('Bakhmut')}, {m('93rd Brigade')}→{c('tanks')}, {c('tanks')}→{m('Olena Hrytsenko')} deleted"
    assert not dict(import_tasks(s.record, ls.json_export(), users=USERS).decisions)  # imported once


def test_about_relations_add_and_take_back_entities(seeded):
    s = seeded
    c, m = ids(s)
    ls = FakeLabelStudio(exported(s))

    def edit(result):
        without(result, c("tanks"), m("Bakhmut"), "about")
        result.append(rel(c("tanks"), m("93rd Brigade"), "about"))

    ls.annotate(s.docs[0], user=7, edit=edit, ann_id=72)
    assert dict(import_tasks(s.record, ls.json_export(), users=USERS).decisions)["claim.corrected"] == 1
    tanks = state(s.record, Claim, s.claims["tanks"])
    assert tanks["entity_ids"] == [s.entities["93rd Brigade"]] and tanks["claimant_entity_id"] == s.entities["Olena Hrytsenko"]


def test_deleting_a_claimant_relation_clears_it_but_deleting_the_span_does_not(seeded):
    s = seeded
    c, m = ids(s)
    ls = FakeLabelStudio(exported(s))
    ls.annotate(s.docs[0], user=7, ann_id=73, edit=lambda r: without(r, c("tanks"), m("Olena Hrytsenko"), "claimant"))
    # Label Studio drops a span's relations with it: "not the Wagner Group's span" is not "not its claim"
    ls.annotate(s.docs[0], user=7, ann_id=74, at="2026-11-22T09:20:00Z", edit=lambda r: r.remove(region(r, m("Wagner Group"))))
    import_tasks(s.record, ls.json_export(), users=USERS)
    tanks, withdrawn = state(s.record, Claim, s.claims["tanks"]), state(s.record, Claim, s.claims["withdrawn"])
    assert (tanks["claimant"], tanks["claimant_entity_id"], tanks["status"]) == (None, None, "corrected")
    assert (withdrawn["claimant"], withdrawn["claimant_entity_id"]) == ("The Wagner Group", s.entities["Wagner Group"])


def test_a_new_entity_span_as_claimant_of_a_new_claim(seeded):
    s = seeded
    text, quote = s.texts[1], "the last supply route was cut"
    start, moscow = text.index(quote), text.index("Moscow")
    new_spans = [
        {
            "id": "e1",
            "from_name": "entity",
            "to_name": "text",
            "type": "labels",
            "value": {"start": moscow, "end": moscow + 6, "text": "Moscow", "labels": ["GPE"]},
        },
        {
            "id": "k1",
            "from_name": "claim",
            "to_name": "text",
            "type": "labels",
            "value": {"start": start, "end": start + len(quote), "text": quote, "labels": ["CLAIM"]},
        },
    ]
    relations = [rel("e1", "k1", "claimant", "left"), rel("k1", f"m{s.mentions['Kyiv']}", "about")]
    ls = FakeLabelStudio(exported(s))
    ls.annotate(s.docs[1], user=7, ann_id=75, edit=lambda r: r.extend(new_spans + relations))
    report = import_tasks(s.record, ls.json_export(), users=USERS)
    assert dict(report.decisions) == {"entity.added": 1, "mention.added": 1, "mention.accepted": 1, "claim.added": 1, "claim.accepted": 1}
    with s.record.session() as session:
        entity = session.execute(select(Entity).where(Entity.name == "Moscow")).scalar_one()
        added = session.execute(select(Claim).where(Claim.quote == quote)).scalar_one()
        mention = session.execute(select(Mention).where(Mention.text == "Moscow")).scalar_one()
    assert (entity.type, entity.status, mention.entity_id) == ("GPE", "accepted", entity.id)
    # one decision makes the claim with its claimant and the entity it is about, as `Review.add_claim` would
    assert (added.claimant, added.claimant_entity_id, added.entity_ids, added.status) == ("Moscow", entity.id, [s.entities["Kyiv"]], "accepted")


def test_a_mention_drawn_with_a_known_name_joins_that_entity(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    officials = {
        "id": "o1",
        "from_name": "entity",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 0, "end": 4, "text": "Kyiv", "labels": ["ORG"]},
    }  # Kyiv's officials, as an organisation
    ls.annotate(s.docs[1], user=7, ann_id=76, edit=lambda r: r.append(officials))
    report = import_tasks(s.record, ls.json_export(), users=USERS)
    assert report.decisions["mention.added"] == 1 and "entity.added" not in report.decisions
    with s.record.session() as session:
        mention = session.execute(select(Mention).where(Mention.label == "ORG", Mention.text == "Kyiv")).scalar_one()
    assert mention.entity_id == s.entities["Kyiv"]


# --- refusals ----------------------------------------------------------------------------------


BAD = {
    "label": (lambda r: r["value"].update(labels=["FOO"]), "label 'FOO' is not one of 'entity''s labels"),
    "from_name": (lambda r: r.update(from_name="nope"), "from_name 'nope' is not in the labeling config"),
    "to_name": (lambda r: r.update(to_name="image"), "to_name 'image' is not the text"),
    "type": (lambda r: r.update(type="choices"), "type 'choices' does not match 'entity'"),
    "offsets": (lambda r: r["value"].update(start=5000, end=5010), "offsets 5000..5010 are outside the document text"),
    "text": (lambda r: r["value"].update(text="Olga"), "span text 'Olga' does not match the document"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_prediction_that_does_not_match_the_config_is_refused(seeded, kind):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    rid = f"m{s.mentions['Olena Hrytsenko']}"
    change, message = BAD[kind]
    change(region(ls.task_for(s.docs[0])["predictions"][0]["result"], rid))
    before = decisions(s.record)
    with pytest.raises(Refused) as refused:
        import_tasks(s.record, ls.snapshot(USERS))
    (problem,) = refused.value.problems
    assert problem.startswith(f"task 1000, prediction 101 ({ANNOTATOR}), result {rid}: ") and message in problem
    assert decisions(s.record) == before


def test_a_result_without_an_id_is_named_by_its_place_counted_from_one(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    result = ls.task_for(s.docs[0])["predictions"][0]["result"]
    result.insert(0, "not a region")
    place = len(result) + 1
    result.append({"from_name": "nope", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "text": "Kyiv", "labels": ["ORG"]}})
    with pytest.raises(Refused) as refused:
        import_tasks(s.record, ls.snapshot(USERS))
    assert refused.value.problems == [
        f"task 1000, prediction 101 ({ANNOTATOR}): a result item is not an object",
        f"task 1000, prediction 101 ({ANNOTATOR}), result #{place}: from_name 'nope' is not in the labeling config (it has entity, claim)",
    ]


def test_bad_relations_and_unknown_documents_are_refused(seeded):
    s = seeded
    ls = FakeLabelStudio(exported(s))
    person, tanks = f"m{s.mentions['Olena Hrytsenko']}", f"c{s.claims['tanks']}"
    ls.annotate(
        s.docs[0],
        user=7,
        ann_id=50,
        edit=lambda r: r.extend(
            [
                {"from_id": person, "to_id": tanks, "type": "relation", "direction": "right", "labels": ["supports"]},
                {"from_id": tanks, "to_id": "ghost", "type": "relation", "direction": "right", "labels": ["supports"]},
                {"from_id": tanks, "to_id": tanks, "type": "relation", "direction": "right", "labels": ["refutes"]},
            ]
        ),
    )
    ls.tasks.append({"id": 2000, "data": {"text": "A text we never had.", "doc_id": 99}, "predictions": [], "annotations": []})
    with pytest.raises(Refused) as refused:
        import_tasks(s.record, ls.json_export(), users=USERS)
    assert refused.value.problems == [
        f"task 1000, annotation 50, relation {person}→{tanks}: 'supports' links two claim spans, not a claim span and an entity span",
        f"task 1000, annotation 50, relation {tanks}→ghost: to_id name no region of this result",
        f"task 1000, annotation 50, relation {tanks}→{tanks}: relation 'refutes' is not in the labeling config (same_event, supports, contradicts, updates, claimant, about)",
        "task 2000: its text is not a document of this record (doc_id 99)",
    ]
    assert "nothing imported" in str(refused.value)


def test_a_prediction_score_outside_0_1_is_refused(seeded):
    ls = FakeLabelStudio(exported(seeded))
    ls.tasks[1]["predictions"][0]["score"] = 7
    with pytest.raises(Refused, match=r"task 1001, prediction 102 \(rules@0.1.0\): score 7 is not within 0..1"):
        import_tasks(seeded.record, ls.snapshot(USERS))


def _status(kind, object_id, status, version=1):
    from annotate.store.ledger import Change

    return Change(f"{kind}.{status}", kind, object_id, {"status": status}, version)


def test_relations_that_make_no_sense_for_their_spans_are_refused(seeded):
    s = seeded
    c, m = ids(s)
    ls = FakeLabelStudio(exported(s))
    ls.annotate(
        s.docs[0],
        user=7,
        ann_id=80,
        edit=lambda r: r.extend(
            [
                rel(c("tanks"), c("withdrawn"), "claimant"),
                rel(m("Olena Hrytsenko"), m("93rd Brigade"), "about"),
                rel(c("tanks"), m("3 March 2023"), "about"),
                rel(c("withdrawn"), m("3 March 2023"), "claimant"),
                rel(c("tanks"), m("93rd Brigade"), "claimant"),  # tanks has Olena Hrytsenko already
            ]
        ),
    )
    before = decisions(s.record)
    with pytest.raises(Refused) as refused:
        import_tasks(s.record, ls.json_export(), users=USERS)
    where = "task 1000, annotation 80, relation"
    assert refused.value.problems == [
        f"{where} {c('tanks')}→{c('withdrawn')}: 'claimant' goes from a claim span to an entity span, not between two claim spans",
        f"{where} {m('Olena Hrytsenko')}→{m('93rd Brigade')}: 'about' goes from a claim span to an entity span, not between two entity spans",
        f"{where} {c('tanks')}→{m('3 March 2023')}: DATE spans are values, not entities a claim can be 'about'",
        f"{where} {c('withdrawn')}→{m('3 March 2023')}: a claimant is one of PERSON, ORG, GPE, NORP, MILITARY_UNIT, not a DATE span",
        f"{where} {c('tanks')}→{m('93rd Brigade')}: claim {c('tanks')} already has claimant {m('Olena Hrytsenko')} in this result; a claim has one claimant",
    ]
    assert decisions(s.record) == before


def test_a_relation_label_of_the_project_with_no_meaning_here_is_refused(seeded):
    s = seeded
    c, m = ids(s)
    config = build_config(use_sdk=False).replace('<Relation value="about" />', '<Relation value="about" /><Relation value="mentions" />')
    ls = FakeLabelStudio(exported(s))
    ls.annotate(s.docs[0], user=7, ann_id=81, edit=lambda r: r.append(rel(c("tanks"), m("Bakhmut"), "mentions")))
    with pytest.raises(
        Refused,
        match="relation 'mentions' has no meaning in Claimtrail \\(claim links: same_event, supports, contradicts, updates; claim to entity: claimant, about\\)",
    ):
        import_tasks(s.record, ls.json_export(), config=config, users=USERS)


def test_results_of_other_controls_are_set_aside_and_counted(seeded):
    s = seeded
    config = build_config(use_sdk=False).replace(
        "</View>",
        '<Choices name="verdict" toName="text"><Choice value="check again" /></Choices><TextArea name="note" toName="text" perRegion="true" /></View>',
    )
    claim = f"c{s.claims['road']}"
    ls = FakeLabelStudio(exported(s))
    ls.annotate(
        s.docs[1],
        user=7,
        ann_id=82,
        edit=lambda r: r.extend(
            [
                {"id": "v1", "from_name": "verdict", "to_name": "text", "type": "choices", "value": {"choices": ["check again"]}},
                {"id": claim, "from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": ["source?"]}},  # per region: the span's id
            ]
        ),
    )
    report = import_tasks(s.record, ls.json_export(), config=config, users=USERS)
    assert dict(report.decisions) == {"mention.accepted": 1, "claim.accepted": 1}
    assert "; 2 results of controls Claimtrail does not import set aside (note 1, verdict 1)" in report.summary()
