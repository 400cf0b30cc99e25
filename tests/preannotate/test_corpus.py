"""The hard cases of the shared example corpus, by name. Skipped without the corpus."""

import pytest

from annotate.preannotate.contract import check_output
from tests.factories import by_text, claim_containing, corpus_document

ISW = "Institute for the Study of War"


@pytest.fixture(scope="module")
def seeds(rules):
    """(doc, entities, claims) per seed, with the metadata ingestion would supply."""
    meta = {
        "000": ("seeds/000_81db7bcdc1db73fc.txt", "2023-04-05", ISW),
        "001": ("seeds/001_b220c63b64f1d228.txt", "2024-01-07", ISW),
        "002": ("seeds/002_07bfc4ea1a2a7d8f.txt", "2024-06-04", "Ukrainska Pravda"),
        "003": ("seeds/003_eebc1096e6e28fc2.txt", "2023-08-31", "Human Rights First"),
    }
    out = {}
    for key, (path, published, publisher) in meta.items():
        doc = corpus_document(path, published=published, publisher=publisher)
        out[key] = (doc, *rules.annotate(doc))
    return out


def test_every_corpus_document_meets_the_contract(rules):
    for path in ("isw/isw_2023-03-01_campaign_assessment.txt", "isw/isw_2023-03-02_campaign_assessment.txt", "isw/isw_2023-03-03_campaign_assessment.txt"):
        doc = corpus_document(path, publisher="Institute for the Study of War (ISW)")
        assert check_output(doc, *rules.annotate(doc)) == []


def test_headline_typo_and_title_stripping(seeds):
    _, ents, claims = seeds["000"]
    [typo] = by_text(ents, "Bakhumet")
    assert typo.canonical == "Bakhmut"
    assert {e.text for e in ents if e.label == "PERSON"} >= {"Volodymyr Zelensky", "Vladimir Putin", "Nikolai Grechushkin", "Maria Lvova-Belova"}
    headline = claim_containing(claims, "prepares to pull forces out")
    assert headline.claimant == ISW


def test_zelensky_statement(seeds):
    _, _, claims = seeds["000"]
    claim = claim_containing(claims, "Zelensky stated during a press conference")
    assert (claim.claimant, claim.event_date) == ("Volodymyr Zelensky", "2023-04-05")


def test_spelling_variant_on_the_front_line(seeds):
    _, ents, _ = seeds["000"]
    assert {e.canonical for e in by_text(ents, "Kupyansk")} == {"Kupiansk"}


def test_night_range_and_refutation(seeds):
    _, _, claims = seeds["001"]
    strikes = claim_containing(claims, "missile and drone strikes")
    assert strikes.event_date == "2024-01-06/2024-01-07"
    ihnat = claim_containing(claims, "refuted media reports")
    assert (ihnat.claimant, ihnat.negated) == ("Yuriy Ihnat", True)
    kirill = claim_containing(claims, "Patriarch Kirill of Moscow stated")
    assert kirill.claimant == "Kirill"


def test_news_rewrite_of_isw(seeds):
    _, ents, claims = seeds["002"]
    assert claim_containing(claims, "Russia forcibly sends men").claimant == ISW
    verstka = claim_containing(claims, "Verstka stated on 3 June")
    assert (verstka.claimant, verstka.event_date) == ("Verstka", "2024-05")
    assert claim_containing(claims, "Others were forcibly taken").claimant == "Verstka"
    assert claim_containing(claims, "1 or 2 June").event_date == "2024-06-01/2024-06-02"
    [novosilka] = by_text(ents, "Velyka Novoslika")
    assert novosilka.canonical == "Velyka Novosilka"


def test_last_september(seeds):
    _, ents, claims = seeds["003"]
    claim = claim_containing(claims, "Ukraine says it is determined")
    assert (claim.claimant, claim.event_date) == ("Ukrainian authorities", "2022-09")  # a country speaks through its authorities
    assert {e.canonical for e in ents if e.text in ("Kupiansk",)} == {"Kupiansk"}


SEED_META = {
    "000": ("2023-04-05", ISW, "Share the Post:"),
    "001": ("2024-01-07", ISW, "Share the Post:"),
    "002": ("2024-06-04", "Ukrainska Pravda", None),
    "003": ("2023-08-31", "Human Rights First", "Related Posts"),
}


def test_claims_on_the_seeds_against_their_gold(rules):
    """Claims-only gold (offsets, claimant, event date; no text copied) for the seeds."""
    from annotate.preannotate.base import DocumentInput
    from annotate.preannotate.evaluate import evaluate, read_jsonl
    from annotate.preannotate.jsonl import candidates_to_json
    from tests.factories import PREANNOTATE, written_dates_only

    gold = read_jsonl(PREANNOTATE / "gold" / "seeds_claims.jsonl")
    predicted = []
    for record in gold:
        published, publisher, cut = SEED_META[record["doc"].split("/")[1][:3]]
        text = corpus_document(record["doc"]).text
        boilerplate = ((text.index(cut), len(text)),) if cut else ()
        doc = DocumentInput(text, published=published, publisher=publisher, boilerplate=boilerplate)
        _, claims = rules.annotate(doc)
        predicted.append(written_dates_only(candidates_to_json(record["doc"], text, [], claims, rules)))
    report = evaluate(gold, predicted)
    assert report.claim_recall >= 0.95
    assert report.claimant_accuracy >= 0.9
    assert report.date_accuracy >= 0.9
