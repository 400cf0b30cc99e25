"""The record: SQLModel tables.

Two kinds of table live here:

* **State tables** (Publisher, Document, Entity, Mention, Claim, ClaimLink, Thread,
  ThreadMember, Dismissal, User, Assignment) are a projection of the ledger. Each row is the
  `after` snapshot of the last decision on it, plus `id` and `version` (the number of
  decisions on that object). Nothing writes them except `annotate.store.ledger`.
* **Stores** (Decision, Checkpoint, DocumentText, ParagraphHash, Credential, ApiToken)
  are written directly: the ledger itself, immutable content addressed by hash, and
  secrets that must never be copied into the ledger.

Dates are ISO strings ("2023-04-05", or "2023-04" when only the month is known), times
are ISO-8601 UTC strings: the same text on SQLite and PostgreSQL, and in the hash chain.
"""

from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def _json(default=list) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


REVIEWED_WHERE = "status <> 'candidate'"  # a mention or claim reviewers have decided


def _reviewed(table: str) -> Index:
    """The rows reviewers have decided, which learning reads for every job part (migration 0019)."""
    where = text(REVIEWED_WHERE)
    return Index(f"ix_{table}_reviewed", "status", postgresql_where=where, sqlite_where=where)


class StateRow(SQLModel):
    """Columns every projected object has."""

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1)


class Publisher(StateRow, table=True):
    name: str = Field(index=True, unique=True)
    url: str | None = None


class Document(StateRow, table=True):
    sha256: str = Field(index=True)  # of the stored text, which lives in DocumentText
    file_name: str = Field(index=True)
    path: str = Field(default="", index=True)  # a changed text at the same path is a new version
    format: str = "txt"
    title: str | None = None
    publisher_id: int | None = Field(default=None, index=True)
    url: str | None = Field(default=None, index=True)
    published: str | None = Field(default=None, index=True)
    inferred: dict = _json(dict)  # {"title": bool, "publisher": bool, "published": bool}
    boilerplate: list = _json()  # [{"start", "end", "reason"}]
    meta: dict = _json(dict)
    length: int = 0
    ingested_at: str = ""
    previous_id: int | None = Field(default=None, index=True)  # older version of the same page


class DocumentText(SQLModel, table=True):
    """Immutable text, addressed by its sha256; decisions carry the hash, not the text."""

    sha256: str = Field(primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))


class ParagraphHash(SQLModel, table=True):
    """Which documents contain which normalised paragraph: boilerplate detection."""

    hash: str = Field(primary_key=True)
    document_id: int = Field(primary_key=True)


class Entity(StateRow, table=True):
    name: str = Field(index=True)
    type: str = Field(index=True)  # PERSON ORG GPE LOC DATE QUANTITY MILITARY_UNIT NORP
    aliases: list = _json()
    external_id: str | None = None  # e.g. a Wikidata QID given by a reviewer
    merged_into: int | None = Field(default=None, index=True)
    status: str = "candidate"  # candidate | accepted | rejected


class Mention(StateRow, table=True):
    __table_args__ = (_reviewed("mention"),)
    document_id: int = Field(index=True)
    start: int
    end: int
    text: str
    label: str
    entity_id: int | None = Field(default=None, index=True)
    status: str = Field(default="candidate", index=True)  # candidate accepted corrected rejected
    annotator: str | None = None  # "name@version" that proposed it; None when a reviewer added it
    score: float | None = None
    reason: str | None = None


class Claim(StateRow, table=True):
    __table_args__ = (_reviewed("claim"),)
    document_id: int = Field(index=True)
    start: int
    end: int
    quote: str
    claimant: str | None = None
    claimant_entity_id: int | None = None
    reporting_verb: str | None = None
    hedged: bool = False
    hedges: list = _json()
    negated: bool = False
    event_date: str | None = Field(default=None, index=True)  # YYYY-MM-DD, YYYY-MM, or a/b range
    event_date_inferred: bool = False  # the text gives no date: the day of the statement
    relayed_by: list = _json()  # who passed the claim on, nearest the claimant first
    published: str | None = Field(default=None, index=True)  # the document's, kept for the second clock
    entity_ids: list = _json()
    status: str = Field(default="candidate", index=True)
    annotator: str | None = None
    score: float | None = None
    reason: str | None = None
    also_spans: list = _json()  # [start, end] of near-duplicates in the same document (migration 0006)


class ClaimLink(StateRow, table=True):
    a_id: int = Field(index=True)
    b_id: int = Field(index=True)
    relation: str  # same_event supports contradicts updates
    status: str = "active"  # active | removed
    rationale: str | None = None


class Dismissal(StateRow, table=True):
    """A link suggestion a reviewer dismissed: it must not come back."""

    claim_id: int = Field(index=True)
    other_id: int = Field(index=True)


class Thread(StateRow, table=True):
    name: str
    description: str | None = None
    status: str = "open"


class ThreadMember(StateRow, table=True):
    """A claim in a thread, with the thread's verdict on it (changes over time)."""

    thread_id: int = Field(index=True)
    claim_id: int = Field(index=True)
    verdict: str = "unassessed"  # unassessed corroborated contested refuted unverifiable
    status: str = "active"  # active | removed


class User(StateRow, table=True):
    name: str = Field(index=True, unique=True)
    role: str = "reviewer"  # reviewer | lead | admin
    active: bool = True


class Assignment(StateRow, table=True):
    """A document on a reviewer's desk: to do → in review → done → approved (or sent back with a note).

    One row per document (a new assignment moves it); `started_at`/`done_at` are the times of the
    decisions that started and finished the current round, `seconds` the current reviewer's review
    time over their rounds; when the document moves to another reviewer, the time the one before
    spent on it stays theirs in `earlier` (annotate/review/assignments.py)."""

    document_id: int = Field(index=True, unique=True)
    reviewer: str = Field(index=True)  # a user name
    status: str = Field(default="todo", index=True)  # todo in_review done approved withdrawn
    assigned_by: str = ""
    note: str | None = None  # the lead's note when the document was sent back
    started_at: str | None = None
    done_at: str | None = None
    seconds: float = 0.0  # the current reviewer's time in review, start to done, summed over their rounds
    rounds: int = 0  # times the current reviewer marked it done
    earlier: dict = _json(dict)  # {reviewer: [seconds, rounds]} of those it moved away from (migration 0014)


class Credential(SQLModel, table=True):
    """A user's password hash: a secret, so kept out of the ledger."""

    user_id: int = Field(primary_key=True)
    password_hash: str


class ApiToken(SQLModel, table=True):
    token_hash: str = Field(primary_key=True)  # sha256 of the token
    user_id: int = Field(index=True)
    label: str = ""
    created_at: str = ""
    revoked: bool = False


class SigninFailure(SQLModel, table=True):
    """Recent failed sign-ins of one account and address, one account or one address, and the
    addresses each account signed in from (accounts.SigninThrottle): operational state shared by
    every server process (a restart forgets nothing), not part of the record, so not in the ledger."""

    __tablename__ = "signin_failure"
    # "pair:<lowercased name>@<ip>", "name:<lowercased name>", "address:<ip>"; "trusted:<name>@<ip>": signed in at last_at
    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    last_at: float = 0.0  # seconds since the epoch
    blocked_until: float = 0.0


class IdempotencyLease(SQLModel, table=True):
    """A create sent with an Idempotency-Key: which request the key belongs to (a fingerprint of
    its method, path and body) and whether it is still running, so a different request under the
    same key, or the same one while the first runs, is refused rather than run. Operational state
    like SigninFailure: the key itself goes on the decision the request makes (the replay reads it)."""

    __tablename__ = "idempotency_lease"
    key: str = Field(primary_key=True, max_length=300)  # "<user>:<the client's key>"
    fingerprint: str = Field(max_length=64)  # sha256 hex
    started_at: float = 0.0  # seconds since the epoch; also tells one holder from the next
    finished: bool = False


class Decision(SQLModel, table=True):
    """One entry of the append-only, hash-chained ledger."""

    __table_args__ = (
        # One decision per object version: optimistic concurrency, and the index history reads use.
        UniqueConstraint("target_type", "target_id", "target_version", name="uq_decision_target_version"),
        # The audit log by user or action, newest first, a page at a time (migration 0003).
        Index("ix_decision_actor_seq", "actor", "seq"),
        Index("ix_decision_action_seq", "action", "seq"),
    )

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: str = Field(index=True)  # ISO-8601 UTC, microseconds
    actor: str  # user name, or annotator "name@version"
    origin: str  # ui api cli import annotator label-studio system
    action: str  # e.g. "claim.accepted"
    target_type: str
    target_id: int
    target_version: int
    before: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON, "null" on create
    after: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON
    rationale: str = ""
    evidence: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # canonical JSON
    idempotency_key: str | None = Field(default=None, unique=True)
    prev_hash: str
    hash: str
    state_schema: int = Field(default=1)  # the state tables' shape before/after follow (store/upcast.py)
    hash_format: int = Field(default=1)  # how the row is encoded for its hash (store/canonical.py; 2: RFC 8785)


class Checkpoint(SQLModel, table=True):
    """A signed statement of the ledger head; copies are also kept outside the database."""

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    head_hash: str
    at: str
    key_id: str
    signature: str


# Projected tables by the target_type name decisions use.
STATE_TABLES: dict[str, type[StateRow]] = {
    "publisher": Publisher,
    "document": Document,
    "entity": Entity,
    "mention": Mention,
    "claim": Claim,
    "link": ClaimLink,
    "dismissal": Dismissal,
    "thread": Thread,
    "thread_member": ThreadMember,
    "user": User,
    "assignment": Assignment,
}
