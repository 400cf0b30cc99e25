"""Reading an object's history: versions, and what each decision changed."""

from sqlmodel import Session

from annotate.store.ledger import history, resolve_as_of


def object_history(session: Session, target_type: str, target_id: int, as_of: str | int | None = None) -> list[dict]:
    """Every decision on one object up to `as_of` (a sequence number or ISO time), oldest first."""
    seq = resolve_as_of(session, as_of) if as_of is not None else None
    return history(session, target_type, target_id, as_of=seq)


def changed_fields(decision: dict) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field the decision changed; every field on creation."""
    before, after = decision["before"] or {}, decision["after"] or {}
    names = sorted(set(before) | set(after))
    return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]
