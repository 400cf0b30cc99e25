"""The domain's errors: one set for every door (web page, JSON API, CLI, importers).

Each says what went wrong in words a user can act on. `status` is its HTTP status and
`exit_code` its CLI exit code; both are read in exactly one place each
(`server/errors.py` and `annotate/commands/common.py`), so a "not found" is a 404 on a page
and in the API alike, and exit 1 in a script.
"""


class ClaimtrailError(Exception):
    """Base: a request the record cannot carry out as asked. Nothing was written."""

    status = 400
    exit_code = 1


class NotFound(ClaimtrailError, LookupError):
    """The object named does not exist (or not as of the moment asked)."""

    status = 404


class Invalid(ClaimtrailError, ValueError):
    """The request cannot be recorded as asked (a bad span, an unknown field, a bad value)."""

    status = 422
    exit_code = 2


class Forbidden(ClaimtrailError, PermissionError):
    """The actor's role does not allow this (see annotate/review/policy.py)."""

    status = 403


class Unavailable(ClaimtrailError):
    """The record cannot serve now: its schema is out of date, an optional part is missing."""

    status = 503
    exit_code = 2


class Busy(Unavailable):
    """The database did not come free in time (its write lock, or a connection): try again shortly.

    Nothing was written; `retry_after` (seconds) is sent as Retry-After."""

    retry_after = 1


class TooLarge(Invalid):
    """A value over its limit (annotate/review/limits.py): refused before anything is written."""

    status = 413


class Conflict(ClaimtrailError):
    """A write based on a stale version: says what changed since, so nothing is overwritten."""

    status = 409

    def __init__(self, target_type: str, target_id: int, base: int, current: dict, since: list[dict]):
        self.target_type, self.target_id, self.base = target_type, target_id, base
        self.current, self.since = current, since
        who = ", ".join(f"#{d['seq']} {d['action']} by {d['actor']}" for d in since) or "unknown changes"
        super().__init__(f"{target_type} {target_id} is at version {current['version']}, not {base}: changed meanwhile by {who}")
