"""A stale edit compared three ways: the version the reviewer saw (base), the version now (theirs) and
the reviewer's form (mine). Reapplying sends only the fields the reviewer changed, on top of the
current version; a field both changed to different values is the reviewer's choice, never a silent
overwrite (issue 11, finding 1)."""

import json
from dataclasses import dataclass

from sqlalchemy import select

from annotate.errors import Conflict, Invalid, NotFound
from annotate.store.models import Decision
from annotate.store.upcast import upcast

# The fields a reviewer sees, in their words; the rest (ids, derived links) follow from these.
FIELD_WORDS = {
    "status": "status",
    "start": "start of the span",
    "end": "end of the span",
    "quote": "quote",
    "text": "text",
    "label": "label",
    "claimant": "claimant",
    "reporting_verb": "reporting verb",
    "event_date": "event date",
    "hedged": "hedged",
    "hedges": "hedging words",
    "negated": "negated",
}
KEEP = ("mine", "theirs")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object

    @property
    def words(self) -> str:
        return FIELD_WORDS[self.field]


@dataclass
class Comparison:
    base_version: int
    version: int  # the current version it was compared against
    theirs: list[FieldChange]  # base → current, by whoever wrote since
    mine: list[FieldChange]  # base → the reviewer's form
    clashes: list[str]  # fields both changed, to different values

    def current(self, name: str):
        return next((c.after for c in self.theirs if c.field == name), None)

    def to_send(self, choices: dict[str, str]) -> dict:
        """The reviewer's changed fields, with each clashing field kept as `choices` says."""
        missing = [name for name in self.clashes if choices.get(name) not in KEEP]
        if missing:
            raise Invalid(f"both of you changed {', '.join(FIELD_WORDS[n] for n in missing)}: choose whose value to keep")
        now = {c.field: c.after for c in self.theirs}  # a value the current version already has is not sent again
        return {
            c.field: c.after
            for c in self.mine
            if (c.field not in self.clashes or choices[c.field] == "mine") and not (c.field in now and now[c.field] == c.after)
        }


def compare(base: dict, current: dict, mine: dict, base_version: int) -> Comparison:
    """`mine` holds the reviewer's cleaned fields (all the form shows, changed or not)."""
    theirs = [FieldChange(n, base.get(n), current.get(n)) for n in FIELD_WORDS if base.get(n) != current.get(n)]
    ours = [FieldChange(n, base.get(n), mine[n]) for n in FIELD_WORDS if n in mine and base.get(n) != mine[n]]
    changed = {c.field: c.after for c in theirs}
    clashes = [c.field for c in ours if c.field in changed and not _agree(c.field, changed[c.field], c.after)]
    return Comparison(base_version, current["version"], theirs, ours, clashes)


def _agree(name: str, theirs, mine) -> bool:
    # a correction is an acceptance with changes: only a rejection (or withdrawal) disagrees with it
    if name == "status" and mine == "corrected":
        return theirs in ("accepted", "corrected")
    return theirs == mine


def explain(session, stale: Conflict, mine: dict, base_version: int | None = None) -> Comparison:
    """The comparison for a refused stale write: `mine` is what the reviewer's edit would make of the
    object, `base_version` the version that edit began from (if not the one the refused write named)."""
    base_version = stale.base if base_version is None else base_version
    base = state_at(session, stale.target_type, stale.target_id, base_version)
    return compare(base, stale.current, mine, base_version)


def state_at(session, target_type: str, target_id: int, version: int) -> dict:
    """An object as it stood at `version`, in today's shape."""
    row = session.execute(
        select(Decision.after, Decision.state_schema).where(
            Decision.target_type == target_type, Decision.target_id == target_id, Decision.target_version == version
        )
    ).first()
    if row is None:
        raise NotFound(f"{target_type} {target_id} never had a version {version}")
    return upcast(target_type, json.loads(row.after), row.state_schema)
