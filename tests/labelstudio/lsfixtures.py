"""Test data for the Label Studio round trip: a small record with candidates, and a
simulated Label Studio that produces its export shapes, as recorded in
../shared/research/label-studio.md and checked against a Label Studio 1.23.2 server."""

import copy
import hashlib
from dataclasses import dataclass

from sqlalchemy import insert

from annotate.store.ledger import Change
from annotate.store.models import DocumentText

ANNOTATOR = "rules@0.1.0"
TEXTS = [
    "General Olena Hrytsenko of the 93rd Brigade said on 3 March 2023 that Russian forces had lost 40 tanks near Bakhmut. "
    "The Wagner Group denied that its units had withdrawn from the town.",
    "Kyiv officials reported that the road to Chasiv Yar remained open. "
    "Moscow claimed the last supply route was cut.",
]


@dataclass
class Seeded:
    record: object
    docs: list[int]
    texts: list[str]
    mentions: dict[str, int]  # by text
    claims: dict[str, int]  # by a short name
    link: int
    entities: dict[str, int]  # by name


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def seed(record) -> Seeded:
    """Two documents with mentions of entities, three candidate claims with their claimants
    and the entities they are about, and one link, by rules@0.1.0 (as pre-annotation makes them)."""
    mentions, claims, docs, entities = {}, {}, [], {}
    with record.ledger.writer("cli", "cli") as w:
        for i, text in enumerate(TEXTS):
            sha = hashlib.sha256(text.encode()).hexdigest()
            w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
            docs.append(w.apply(Change("document.ingested", "document", set={
                "sha256": sha, "file_name": f"report-{i}.txt", "title": f"Report {i}", "published": "2023-03-0" + str(4 + i),
                "length": len(text),
            }))["id"])  # fmt: skip
    with record.ledger.writer(ANNOTATOR, "annotator") as w:
        for doc, text, label, quote in [
            (0, TEXTS[0], "PERSON", "Olena Hrytsenko"), (0, TEXTS[0], "MILITARY_UNIT", "93rd Brigade"),
            (0, TEXTS[0], "DATE", "3 March 2023"), (0, TEXTS[0], "GPE", "Bakhmut"), (0, TEXTS[0], "ORG", "Wagner Group"),
            (1, TEXTS[1], "GPE", "Kyiv"),
        ]:  # fmt: skip
            start, end = _span(text, quote)
            if label != "DATE":
                entities[quote] = w.apply(Change("entity.proposed", "entity", set={"name": quote, "type": label}))["id"]
            mentions[quote] = w.apply(Change("mention.proposed", "mention", set={
                "document_id": docs[doc], "start": start, "end": end, "text": quote, "label": label,
                "entity_id": entities.get(quote), "annotator": ANNOTATOR, "score": 0.8, "reason": "test: seeded",
            }))["id"]  # fmt: skip
        for name, doc, quote, claimant, said_by, about in [
            ("tanks", 0, "Russian forces had lost 40 tanks near Bakhmut", "General Olena Hrytsenko", "Olena Hrytsenko", ["Bakhmut"]),
            ("withdrawn", 0, "its units had withdrawn from the town", "The Wagner Group", "Wagner Group", ["Wagner Group"]),
            ("road", 1, "the road to Chasiv Yar remained open", "Kyiv officials", "Kyiv", []),
        ]:  # fmt: skip
            start, end = _span(TEXTS[doc], quote)
            claims[name] = w.apply(Change("claim.proposed", "claim", set={
                "document_id": docs[doc], "start": start, "end": end, "quote": quote, "annotator": ANNOTATOR,
                "claimant": claimant, "claimant_entity_id": entities[said_by], "entity_ids": [entities[e] for e in about],
                "score": 0.7, "reason": "test: seeded", "published": "2023-03-04",
            }))["id"]  # fmt: skip
        link = w.apply(Change("link.created", "link", set={"a_id": claims["tanks"], "b_id": claims["withdrawn"], "relation": "contradicts"}))["id"]
    return Seeded(record, docs, TEXTS, mentions, claims, link, entities)


# --- a simulated Label Studio ---------------------------------------------------------------


class FakeLabelStudio:
    """What Label Studio 1.23 does with imported tasks, as far as exports show: ids for
    tasks and predictions, annotations that start from a prediction and keep its region
    ids, and the export shapes (sync JSON: prediction ids only; snapshot: full)."""

    def __init__(self, tasks: list[dict], project: int = 3):
        self.project, self.tasks, next_pred = project, [], 100
        for n, task in enumerate(tasks):
            task = copy.deepcopy(task)
            task.update(id=1000 + n, project=project, annotations=[], created_at="2026-11-22T08:00:00.000000Z")
            for pred in task["predictions"]:
                next_pred += 1
                pred.update(id=next_pred, task=task["id"], project=project, created_at="2026-11-22T08:00:01.000000Z")
            self.tasks.append(task)

    def task_for(self, doc_id: int) -> dict:
        return next(t for t in self.tasks if t["data"]["doc_id"] == doc_id)

    def annotate(self, doc_id: int, user: int, edit, at: str = "2026-11-22T09:15:00.000000Z", ann_id: int | None = None) -> dict:
        """An annotation made from the task's first prediction, changed by `edit(result)`;
        relations to a span the edit deleted go with it, as in Label Studio's editor."""
        task = self.task_for(doc_id)
        pred = task["predictions"][0]
        result = copy.deepcopy(pred["result"])
        edit(result)
        deleted = {r["id"] for r in pred["result"] if "id" in r} - {r["id"] for r in result if "id" in r}
        result[:] = [r for r in result if r["type"] != "relation" or not {r["from_id"], r["to_id"]} & deleted]
        annotation = {
            "id": ann_id or 20 + sum(len(t["annotations"]) for t in self.tasks), "completed_by": user,
            "result": result, "was_cancelled": False, "ground_truth": False,
            "created_at": at, "updated_at": at, "lead_time": 42.5, "prediction": copy.deepcopy(pred),
            "task": task["id"], "project": self.project, "updated_by": user, "parent_prediction": pred["id"],
        }  # fmt: skip
        task["annotations"].append(annotation)
        return annotation

    def json_export(self) -> list[dict]:
        """The sync JSON export: predictions as ids, completed_by as a user id."""
        out = copy.deepcopy(self.tasks)
        for task in out:
            task["predictions"] = [p["id"] for p in task["predictions"]]
        return out

    def snapshot(self, users: dict[int, str]) -> list[dict]:
        """The export snapshot with full predictions and expanded completed_by."""
        out = copy.deepcopy(self.tasks)
        for task in out:
            for a in task["annotations"]:
                a.pop("prediction", None)
                a["completed_by"] = {"id": a["completed_by"], "email": users[a["completed_by"]], "first_name": "", "last_name": ""}
        return out


def region(result: list[dict], rid: str) -> dict:
    return next(r for r in result if r.get("id") == rid)
