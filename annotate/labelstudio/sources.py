"""What an import reads from Label Studio before it decides anything: checked predictions and
annotations (`Source`) of a task, and which annotation versions were imported before."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from annotate.labelstudio.validate import Checked
from annotate.store.models import Decision

ORIGIN = "label-studio"
CHUNK = 500  # ids per IN (...) query


@dataclass
class TaskRef:
    name: str  # "task 12", or "task #3" in a file without ids
    id: int | None
    project: int | None
    doc_id: int  # 0 until a document the import adds is stored (documents.py)
    text: str
    published: str | None


@dataclass
class Source:
    """One checked prediction or annotation, ready to become decisions."""

    task: TaskRef
    kind: str  # prediction | annotation
    actor: str
    at: str  # Label Studio's time, for ordering
    checked: Checked
    evidence: dict  # Label Studio's ids and times, kept with every decision
    parent: Checked | None = None  # the prediction an annotation started from
    key: str | None = None  # idempotency key of an annotation version


def existing_keys(session: Session, keys) -> set[str]:
    keys, found = [k for k in keys if k], set()
    for i in range(0, len(keys), CHUNK):
        found |= set(session.execute(select(Decision.idempotency_key).where(Decision.idempotency_key.in_(keys[i : i + CHUNK]))).scalars())
    return found
