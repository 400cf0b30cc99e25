"""A simulated Label Studio that produces its export shapes (the record it works on is
tests/factories.py's `seed`), as recorded in
../shared/research/label-studio.md and checked against a Label Studio 1.23.2 server."""

import copy

ANNOTATOR = "rules@0.1.0"
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
            "id": ann_id or 20 + sum(len(t["annotations"]) for t in self.tasks),
            "completed_by": user,
            "result": result,
            "was_cancelled": False,
            "ground_truth": False,
            "created_at": at,
            "updated_at": at,
            "lead_time": 42.5,
            "prediction": copy.deepcopy(pred),
            "task": task["id"],
            "project": self.project,
            "updated_by": user,
            "parent_prediction": pred["id"],
        }
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
