"""Canonical JSON by hash format: the exact bytes a decision's hash is computed over.

Format 1 (decisions written before format 2 existed): Python's JSON with sorted keys, no
spaces, UTF-8 text. Format 2: RFC 8785 (the JSON Canonicalization Scheme), so a verifier in
any language with a JCS library recomputes the chain: parse the row's `before`, `after` and
`evidence`, build the object `hashed_object` describes, canonicalise it, and hash the
previous hash followed by those bytes with SHA-256.

Format 2 takes orjson when its output is byte-for-byte RFC 8785 (integers within ±2**53,
strings, booleans, null, ASCII keys, and floats whose shortest form both write alike: there
orjson, Python's sorted-key JSON and RFC 8785 agree byte for byte, tests/core/test_hash_format.py),
and the `rfc8785` package otherwise: the same bytes, at a tenth of the cost on the write path.
"""

import hashlib
import json
from operator import itemgetter
from typing import Any

import orjson
import rfc8785

from annotate.errors import Invalid

CURRENT = 2  # the format new decisions are written in
FORMATS = (1, 2)

_PYTHON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_SAFE = 2**53  # RFC 8785 numbers are IEEE doubles: integers beyond this are not exact


def encode(value: Any, hash_format: int = CURRENT) -> str:
    """The canonical JSON text of a value in this hash format."""
    if hash_format == 1:
        return _PYTHON.encode(value)
    if hash_format == 2:
        if value is None:  # every new object's `before`
            return "null"
        if _same_in_python(value):
            try:
                return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
            except orjson.JSONEncodeError:  # a lone surrogate, or nesting deeper than orjson goes
                return _PYTHON.encode(value)
        try:
            return rfc8785.dumps(value).decode()
        except rfc8785.CanonicalizationError as problem:
            raise Invalid(f"cannot record this value as canonical JSON (RFC 8785): {problem}") from None
    raise ValueError(f"unknown hash format {hash_format}")


def _same_in_python(value: Any) -> bool:
    """Whether Python's sorted-key JSON of this value is its RFC 8785 form (checked, never assumed)."""
    kind = type(value)
    if kind is dict:
        return set(map(type, value)) <= _STR and "".join(value).isascii() and _all_same(value.values())
    if kind is list or kind is tuple:
        return _all_same(value)
    return _all_same((value,))


def _all_same(items) -> bool:
    """_same_in_python for every item: the types are sorted out in C, once per container, and
    only numbers and containers are looked at one by one (most states are text and null)."""
    kinds = set(map(type, items))
    for kind in kinds - _PLAIN:
        if kind is int:
            ok = all(-_SAFE < x < _SAFE for x in items if type(x) is int)
        elif kind is float:  # the shortest round-trip digits, both written in plain notation, with a fraction
            ok = all(1e-4 <= abs(x) < 1e16 and not x.is_integer() for x in items if type(x) is float)
        elif kind is dict or kind is list or kind is tuple:
            ok = all(_same_in_python(x) for x in items if type(x) is kind)
        else:
            return False  # subclasses and other types: the rfc8785 package decides
        if not ok:
            return False
    return True


_STR = {str}
_PLAIN = {str, bool, type(None)}
_CONTAINERS = {dict, list, tuple}
_TEXT = {str, type(None)}


def encode_state(state: dict, columns: frozenset) -> str:
    """encode() of an object's state, whose keys are its table's column names (`columns`,
    ASCII text: no key to check): the same text with less checking (two per decision)."""
    if not state.keys() <= columns:
        return encode(state)
    for x in state.values():  # one pass, the common types first
        kind = type(x)
        if kind is str or x is None or kind is bool:
            continue
        if kind is int:
            if -_SAFE < x < _SAFE:
                continue
        elif kind is float:
            if 1e-4 <= abs(x) < 1e16 and not x.is_integer():
                continue
        elif (kind is list or kind is dict or kind is tuple) and (not x or _same_in_python(x)):
            continue
        return encode(state)
    try:
        return orjson.dumps(state, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:  # a lone surrogate, or nesting deeper than orjson goes
        return encode(state)


_TEXT_FIELDS = itemgetter(1, 2, 3, 4, 5, 8, 9)  # of a decision's fields in ledger.HASHED order: at … idempotency_key


def encode_fields(fields: list) -> str:
    """encode() of a decision's fields in ledger.HASHED order (seq, at, actor, origin, action,
    target_type, target_id, target_version, rationale, idempotency_key): the same text."""
    seq, target, version = fields[0], fields[6], fields[7]
    if (
        type(seq) is int
        and type(target) is int
        and type(version) is int
        and -_SAFE < seq < _SAFE
        and -_SAFE < target < _SAFE
        and -_SAFE < version < _SAFE
        and set(map(type, _TEXT_FIELDS(fields))) <= _TEXT
    ):
        try:
            return orjson.dumps(fields).decode()
        except orjson.JSONEncodeError:
            pass
    return encode(fields)


class Spliced:
    """encode() of values that differ in one string only (the evidence of each region of one
    Label Studio prediction): encoded once around a marker, the string spliced in each time."""

    MARKER = "\x00claimtrail-splice\x00"

    def __init__(self, value: Any):
        text, quoted = encode(value), encode(self.MARKER)
        self.parts = text.split(quoted) if text.count(quoted) == 1 else None
        self.value = value

    def __call__(self, string: str, build) -> str:
        """The encoding of build(string) (the value with the string in the marker's place)."""
        if self.parts is not None and type(string) is str:
            try:
                return self.parts[0] + orjson.dumps(string).decode() + self.parts[1]
            except orjson.JSONEncodeError:
                pass
        return encode(build(string))


def payload(values: tuple, hash_format: int) -> str:
    """The hashed text of a decision from its values in ledger.HASHED order.

    `after`, `before` and `evidence` are stored as canonical JSON already (in the decision's
    format), so they are spliced in as they are rather than encoded again: verifying is then
    bound by reading rows, not by re-escaping large texts. The object is
    {"after", "before", "evidence", "fields": [seq … idempotency_key], "state_schema"
    (from 2 on; format 1 only when above 1), "hash_format" (format 2 on)}, keys sorted.
    """
    schema = values[13] if len(values) > 13 else 1
    fields = encode_fields(list(values[:10])) if hash_format == 2 and len(values) > 9 else encode(list(values[:10]), hash_format)
    head = f'{{"after":{values[10]},"before":{values[11]},"evidence":{values[12]},"fields":{fields}'
    if hash_format == 1:
        tail = f',"state_schema":{int(schema)}' if schema and schema > 1 else ""  # decisions before it hash as they did
        return head + tail + "}"
    return f'{head},"hash_format":{int(hash_format)},"state_schema":{int(schema or 1)}}}'


def hashed_object(decision: dict) -> dict:
    """The object a format-2 decision's hash covers, from its row (for verifiers elsewhere)."""
    names = ("seq", "at", "actor", "origin", "action", "target_type", "target_id", "target_version", "rationale", "idempotency_key")
    return {
        "after": json.loads(decision["after"]),
        "before": json.loads(decision["before"]),
        "evidence": json.loads(decision["evidence"]),
        "fields": [decision[n] for n in names],
        "hash_format": decision["hash_format"],
        "state_schema": decision["state_schema"],
    }


def digest(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()
