"""`audit verify`: recompute the hash chain, check signed checkpoints and the state tables.

Each problem names the first decision where the stored log stops being the one that was
written: altered (its hash no longer matches its content), deleted (a gap in the
sequence), inserted or reordered (it does not chain onto its predecessor), or a tail
rewritten or cut off (it disagrees with a signed checkpoint).
"""

import hashlib
import json
from dataclasses import dataclass, field

from nacl.signing import VerifyKey
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from annotate.errors import Invalid
from annotate.store.canonical import encode
from annotate.store.chain import walk
from annotate.store.checkpoints import signature_ok
from annotate.store.ledger import GENESIS, canonical, state_as_of
from annotate.store.models import STATE_TABLES, Document, DocumentText


@dataclass
class Report:
    size: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)
    checkpoints_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(
    engine: Engine,
    public_key: VerifyKey | None = None,
    checkpoints: list[dict] = (),
    check_state: bool = True,
    workers: int | None = None,
) -> Report:
    walked = walk(engine, {cp["seq"] for cp in checkpoints}, workers)
    report = Report(size=walked.size, head=walked.head, problems=[walked.problem] if walked.problem else [])
    _check_checkpoints(report, walked.heads, public_key, checkpoints)
    if check_state and report.ok:
        with Session(engine) as session:
            report.problems += state_drift(session) + text_drift(session)
    return report


def _check_checkpoints(report: Report, heads: dict[int, str], public_key, checkpoints) -> None:
    for cp in checkpoints:
        where = cp.get("source", "database")
        if public_key is None:
            report.problems.append(f"checkpoint {cp['seq']} ({where}): no public key to check its signature")
            continue
        if not signature_ok(public_key, cp):
            report.problems.append(f"checkpoint {cp['seq']} ({where}): signature does not verify with this key")
            continue
        report.checkpoints_checked += 1
        if report.problems:
            continue  # the chain already broke; the first problem is the one to read
        if cp["seq"] > report.size:
            report.problems.append(
                f"checkpoint {cp['seq']} ({where}): the ledger ends at decision {report.size}; decisions {report.size + 1}–{cp['seq']} were removed"
            )
        elif heads.get(cp["seq"]) != cp["head_hash"]:
            report.problems.append(
                f"checkpoint {cp['seq']} ({where}): the ledger's hash at decision {cp['seq']} differs from the signed one; "
                f"decisions up to {cp['seq']} were rewritten"
            )


def state_drift(session: Session) -> list[str]:
    """State rows that differ from the fold of the decisions (edited around the ledger)."""
    expected = {(t, row["id"]): row for t, row in state_as_of(session)}
    problems = []
    for target_type, model in STATE_TABLES.items():
        table = model.__table__
        for row in session.execute(select(table)).mappings():
            want = expected.pop((target_type, row["id"]), None)
            if want is None:
                problems.append(f"{target_type} {row['id']}: exists in the table but no decision made it")
            elif _comparable(_jsonable(row)) != _comparable(want):
                problems.append(f"{target_type} {row['id']}: differs from what its decisions say")
    problems += [f"{t} {i}: decided but missing from the table" for t, i in expected]
    return problems


def text_drift(session: Session) -> list[str]:
    """Document texts whose stored bytes no longer match the hash their decisions carry."""
    problems = []
    query = select(Document.id, Document.sha256, DocumentText.text).join(DocumentText, DocumentText.sha256 == Document.sha256, isouter=True)
    for doc_id, sha, text in session.execute(query):
        if text is None or hashlib.sha256(text.encode()).hexdigest() != sha:
            problems.append(f"document {doc_id}: stored text does not match its sha256 {sha[:12]}…")
    return problems


def _comparable(state: dict) -> str:
    """A state as RFC 8785 text, where a number is its value (1.0 and 1 alike, as format 2 writes them)."""
    try:
        return encode(state, 2)
    except Invalid:  # a number beyond what RFC 8785 can write: Python's text, then
        return encode(state, 1)


def _jsonable(row) -> dict:
    return json.loads(canonical(dict(row)))
