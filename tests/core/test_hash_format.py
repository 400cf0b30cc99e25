"""Issue 13, finding 6: decisions are hashed over RFC 8785 canonical JSON (hash format 2), so
a verifier in another language can recompute the chain; decisions written before in format 1
keep verifying, and a decision cannot be passed off as the other format."""

import hashlib
import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from annotate.store import canonical, ledger
from annotate.store.ledger import Change
from annotate.store.models import Decision
from tests.core.test_verify import run_verify

text_ = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
numbers = st.integers(-(2**53) + 1, 2**53 - 1) | st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | text_,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text_, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_format_2_is_exactly_rfc_8785_whichever_encoder_writes_it(value):
    assert canonical.encode(value, 2) == rfc8785.dumps(value).decode()


@pytest.mark.parametrize("value", [0.5, 1.0, -0.0, 1e-7, 0.0001, 1e21, 123456789.125, 5e-324, {"é": 1, "z": 2, "\U0001f600": 3, "\ufb01": 4}])
def test_numbers_and_keys_where_python_and_rfc_8785_differ(value):
    assert canonical.encode(value, 2) == rfc8785.dumps(value).decode()


def write(record, n: int, start: int = 0):
    with record.ledger.writer("rules@1", "annotator") as w:
        for i in range(start, start + n):
            quote = f"claim «{i}» \u2028 \U0001f600"
            w.apply(
                Change(
                    "claim.proposed",
                    "claim",
                    set={"document_id": 1, "start": i, "end": i + 5, "quote": quote, "score": 0.1 + i / 3},
                    evidence=({"score": 1.0 + i, "note": "a\tb"},),
                )
            )


def rows(record) -> list[dict]:
    with record.session() as session:
        return [dict(r._mapping) for r in session.execute(select(Decision.__table__).order_by(Decision.seq))]


def test_a_new_decision_is_recomputed_from_its_row_with_any_rfc_8785_library(record):
    write(record, 3)
    prev = ledger.GENESIS
    for row in rows(record):
        assert row["hash_format"] == 2
        # what a verifier in another language does: parse, canonicalise (JCS), sha256(prev + bytes)
        recomputed = hashlib.sha256(prev.encode() + rfc8785.dumps(canonical.hashed_object(row))).hexdigest()
        assert recomputed == row["hash"] == ledger.decision_hash(prev, row)
        prev = row["hash"]


def test_decisions_of_format_1_keep_verifying_beside_format_2(record, monkeypatch):
    monkeypatch.setattr(ledger, "HASH_FORMAT", 1)  # as the code wrote them before format 2
    write(record, 4)
    monkeypatch.undo()
    write(record, 4, start=4)
    assert [r["hash_format"] for r in rows(record)] == [1] * 4 + [2] * 4
    assert json.loads(rows(record)[0]["evidence"]) == [{"note": "a\tb", "score": 1.0}]
    assert run_verify(record).ok


@pytest.mark.parametrize("seq, other", [(2, 1), (6, 1), (2, 3)])
def test_relabelling_a_decisions_hash_format_is_named(record, intruder, monkeypatch, seq, other):
    monkeypatch.setattr(ledger, "HASH_FORMAT", 1)
    write(record, 4)
    monkeypatch.undo()
    write(record, 4, start=4)
    with intruder(record) as conn:
        conn.execute(text("UPDATE decision SET hash_format = :f WHERE seq = :s"), {"f": other if seq > 4 or other != 1 else 2, "s": seq})
    problems = run_verify(record).problems
    assert problems and problems[0].startswith(f"decision {seq}:"), problems


def test_whole_number_floats_written_as_integers_are_no_drift(record):
    with record.ledger.writer("rules@1", "annotator") as w:
        w.apply(Change("claim.proposed", "claim", set={"document_id": 1, "start": 0, "end": 5, "quote": "a claim", "score": 1.0}))
    assert rows(record)[0]["after"].count('"score":1,') == 1  # RFC 8785 writes 1.0 as 1
    assert run_verify(record).ok


COLUMNS = frozenset(("a", "b", "c", "d"))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(COLUMNS)), json_values, max_size=4))
def test_a_state_encoded_with_the_shorter_check_is_the_same_text(state):
    assert canonical.encode_state(state, COLUMNS) == canonical.encode(state, 2)


@settings(max_examples=400, deadline=None)
@given(st.lists(numbers | text_ | st.none(), min_size=10, max_size=10))
def test_decision_fields_encoded_with_the_shorter_check_are_the_same_text(fields):
    assert canonical.encode_fields(fields) == canonical.encode(fields, 2)


@settings(max_examples=200, deadline=None)
@given(json_values, text_)
def test_a_spliced_string_is_the_same_text_as_the_whole(other, string):
    build = lambda s: [{"label_studio": {"other": other, "result": s}}]  # noqa: E731
    assert canonical.Spliced(build(canonical.Spliced.MARKER))(string, build) == canonical.encode(build(string), 2)
