"""Label Studio tasks as an export format (`claimtrail export --format labelstudio`).

The task builder lives with the rest of the Label Studio work (annotate/labelstudio/tasks.py);
this module is the export registry's entry: the documents of the filtered claims, as the
record stood at the cut, so that `export verify` can re-derive the file.
"""

from collections import defaultdict
from collections.abc import Iterable

from annotate.labelstudio.tasks import tasks_at_cut, write_json
from exports.claims import fold

SUFFIX = ".json"
NEEDS = ()


def write(claims: Iterable[dict], out, ctx) -> int:
    """Tasks for the documents of these claims, each with the chosen claims as of the cut."""
    chosen: dict[int, set[int]] = defaultdict(set)
    for claim in claims:
        chosen[claim["document"]["id"]].add(claim["id"])
    statuses = set(ctx.filters.status) or None  # mentions follow the claims' status filter
    return write_json(out, tasks_at_cut(ctx.session, ctx.cut.seq, chosen, statuses, fold))
