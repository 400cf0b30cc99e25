"""Event dates resolved against the publication date, never copied from it."""

from datetime import date

import pytest

from annotate.preannotate.dates import find_dates, parse_iso, reference_date
from tests.factories import claim_containing

PUB = "2024-01-07"


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Zelensky stated on April 5 that the troops would stay.", "2023-04-05"),
        ("Verstka stated on 3 June that units were moved.", "2023-06-03"),
        ("Drones struck Kyiv on the night of January 6 to 7.", "2024-01-06/2024-01-07"),
        ("Drones struck Odesa on the night of 6 to 7 January.", "2024-01-06/2024-01-07"),
        ("Ukraine says it retook the city last September.", "2023-09"),
        ("The report was released in May 2023 by the group.", "2023-05"),
        ("Russian forces reached the river in late August 2023 again.", "2023-08"),
        ("Ukrainian forces struck a battery on 1 or 2 January.", "2024-01-01/2024-01-02"),
        ("Putin signed a decree on January 4 that grants citizenship.", "2024-01-04"),
        ("Officials met on Tuesday, 2 January 2024, in Kyiv.", "2024-01-02"),
        ("Shelling resumed on Friday in Kherson.", "2024-01-05"),
        ("The deputies will vote on January 12, the speaker announced.", "2024-01-12"),
        ("Russian forces have attacked Avdiivka for months.", None),
    ],
)
def test_event_date_of_a_claim(annotate, sentence, expected):
    _, claims = annotate(sentence, published=PUB)
    assert claims[0].event_date == expected


def test_the_reported_content_date_wins_over_the_statement_date(annotate):
    _, claims = annotate(
        "The outlet Verstka stated on 3 June that officials had begun deploying servicemen in May 2024.",
        published="2024-06-04",
    )
    assert claims[0].event_date == "2024-05"


def test_an_election_ahead_is_not_the_event(annotate):
    _, claims = annotate(
        "Putin courted soldiers' families ahead of the March 2024 election during a meeting on January 6.",
        published=PUB,
    )
    assert claims[0].event_date == "2024-01-06"


def test_no_publication_date_means_no_guessed_year(annotate):
    _, claims = annotate("Zelensky stated on April 5 that the troops would stay.")
    assert claims[0].event_date is None


def test_a_claim_without_a_date_gets_the_publication_date_marked_as_inferred(annotate):
    text = "January 7, 2024\n\nRussian forces continued to attack along the front line near Bakhmut."
    _, claims = annotate(text, published=PUB)
    claim = claim_containing(claims, "continued to attack")
    assert (claim.event_date, claim.event_date_inferred) == (PUB, True)


def test_a_written_date_is_not_marked_as_inferred(annotate):
    _, claims = annotate("Shelling resumed on Friday in Kherson.", published=PUB)
    assert claims[0].event_date_inferred is False
