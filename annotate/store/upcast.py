"""Old decisions read in today's shape: the fold's upcasting.

A decision stores an object's whole state as it was written. When a state table later
gains a column, loses one, or renames one, decisions written before still hold the old
shape, and replaying them (`rebuild`, `state_as_of`, `audit verify`'s table check) must
give rows of the new one. So each decision carries the state schema it was written in
(`Decision.state_schema`), and the fold passes every state through `upcast`:

1. the upcasters registered for the versions after the decision's, in order (for changes
   a default cannot express: a renamed or split field);
2. then `conform`: fields the table has now but the state lacks get the model's default;
   fields the table no longer has are dropped.

An added column with a default needs nothing but the column. Bump STATE_SCHEMA and register
an upcaster only for changes that are not a plain addition or removal.
"""

from collections.abc import Callable
from functools import cache

from annotate.store.models import STATE_TABLES

STATE_SCHEMA = 2  # 1: decisions written before the schema was recorded; 2: state_schema recorded

# (target_type, from_version) -> function turning a state of that version into the next one's
UPCASTERS: dict[tuple[str, int], Callable[[dict], dict]] = {}


def upcast(target_type: str, state: dict, schema: int | None) -> dict:
    """`state` (an object's `after`, written in `schema`) in the current tables' shape."""
    for version in range(schema or 1, STATE_SCHEMA):
        step = UPCASTERS.get((target_type, version))
        if step is not None:
            state = step(state)
    return conform(target_type, state)


def conform(target_type: str, state: dict) -> dict:
    names, defaults = _shape(target_type)
    if state.keys() == names:
        return state  # the common case: written in today's shape
    kept = {k: v for k, v in state.items() if k in names}
    for name, default in defaults:
        if name not in kept:
            kept[name] = default()
    return kept


@cache
def _shape(target_type: str) -> tuple[frozenset, tuple]:
    """The settable fields of a state table, and a default maker for each."""
    fields = {n: f for n, f in STATE_TABLES[target_type].model_fields.items() if n not in ("id", "version")}
    # a required field an old state lacks reads as None: no default can be guessed for it
    defaults = tuple((n, f.default_factory or (lambda d=None if f.is_required() else f.default: d)) for n, f in fields.items())
    return frozenset(fields), defaults
