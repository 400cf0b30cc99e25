"""CSV cells that a spreadsheet would run as a formula are neutralised; JSON keeps the text."""

import csv
import io
import json

import pytest

from exports.claims import Cut, Filters
from exports.csv import neutralise
from exports.manifest import render


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_get_a_leading_quote(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "a=b", " =1", "", None, 3, True])
def test_other_cells_are_left_alone(cell):
    assert neutralise(cell) in {"plain", "a=b", " =1", "", "3", "true"}


def export_text(sample, fmt) -> str:
    out = io.BytesIO()
    with sample.record.session() as session:
        render(session, fmt, Cut(sample.head, ""), Filters(), {}, out)
    return out.getvalue().decode()


def test_the_export_neutralises_quotes_and_claimants_from_documents(sample):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export_text(sample, "csv")))}
    assert rows[str(sample.claims["formula"])]["quote"] == "'=SUM(A1:A3) instead of a number"
    assert rows[str(sample.claims["year"])]["claimant"] == "'@harbourwatch"
    jsonl = {c["id"]: c for c in map(json.loads, export_text(sample, "jsonl").splitlines())}
    assert jsonl[sample.claims["formula"]]["quote"] == "=SUM(A1:A3) instead of a number"
