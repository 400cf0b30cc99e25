"""Metadata inference: title, publisher and publication date from raw text."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.ingest import infer_metadata
from annotate.ingest.dates import find_dates, parse_date_value
from annotate.ingest.metadata import infer_published, infer_title
from annotate.ingest.publisher import infer_publisher

# --- the four seed reports ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix, title, publisher, published",
    [
        ("000", "Institute for the Study of War: Ukraine prepares to pull forces out from Bakhumet", "Institute for the Study of War", "2023-04-05"),
        ("001", "Institute for the Study of War: Russian forces make confirmed advances south of Donetsk City", "Institute for the Study of War", "2024-01-07"),
        ("002", "Russia forcibly sends men who refused to fight to Kharkiv Oblast – ISW", "Institute for the Study of War", "2024-06-04"),
        ("003", "Double Jeopardy: Russia Threatens to Invade Kupiansk Again", "Human Rights First", "2023-08-31"),
    ],
)
def test_seed_reports(seed, prefix, title, publisher, published):
    assert infer_metadata(seed(prefix)) == (title, publisher, published)


# --- publication date -----------------------------------------------------------------------

BODY = "\n\nThe council met on Monday and agreed a new budget for road repairs across the region.\n"


@pytest.mark.parametrize(
    "header, expected",
    [
        ("April 5, 2023", "2023-04-05"),
        ("Tuesday, 4 June 2024, 04:57", "2024-06-04"),
        ("Published on August 31, 2023", "2023-08-31"),
        ("Published: 2 Sept. 2023 at 10:15 am EST", "2023-09-02"),
        ("**Posted on 21st March 2022**", "2022-03-21"),
        ("12.10.2023", "2023-10-12"),  # dotted dates are day.month.year
        ("2023-11-30", "2023-11-30"),
        ("March 2023", "2023-03"),  # only the month is known: no invented day
        ("12:40 am, March 4, 2024", "2024-03-04"),
        ("March 4, 2024 9:35 PM", "2024-03-04"),
        ("Last updated: 3 May 2021", "2021-05-03"),  # only an update date: better than none
    ],
)
def test_date_only_line_near_the_top(header, expected):
    assert infer_published(f"Council backs road plan\n\n{header}{BODY}") == expected


def test_published_line_at_the_end_wins_over_dates_in_the_body():
    text = "Harvest report\n\nFarmers began the harvest on July 2, 2023 in the south.\n\nPublished on July 9, 2023\n\nShare\n"
    assert infer_published(text) == "2023-07-09"


def test_first_full_date_near_the_top_when_nothing_is_labelled():
    text = "Weekly Assessment, March 2, 2023 by A. Writer. In February 2022 the war began; on March 1 troops moved."
    assert infer_published(text) == "2023-03-02"


def test_updated_line_then_a_standalone_footer_date():
    assert infer_published("A note\n\n" + "Body sentence here. " * 100 + "\n\nLast updated: 3 May 2021\n") == "2021-05-03"
    assert infer_published("A note\n\n" + "Body sentence here. " * 100 + "\n\n14 February 2020\n") == "2020-02-14"


def test_published_beats_updated():
    text = "Flood update\n\nUpdated June 5, 2024\n\nWater receded overnight.\n\nPublished June 4, 2024\n"
    assert infer_published(text) == "2024-06-04"


@pytest.mark.parametrize(
    "text",
    [
        "No dates at all in this short text.",
        "Troops moved on June 4 and again on 3 June.",  # no year: never borrowed from today
        "Prices rose in May 2023 and again in June 2023.",  # no day, and not a date line
        "The form was signed on 05/04/2023.",  # day/month order unknowable
        "Officials may 2023 budget talks collapse.",  # 'may' is a verb
        "February 30, 2023",  # not a real day
    ],
)
def test_no_date_is_invented(text):
    assert infer_published(text) is None


def test_find_dates_keeps_precision_and_order():
    hits = find_dates("In February 2022, then on 5 April 2023 and 2023-04-07.")
    assert [(h.iso, h.precision) for h in hits] == [("2022-02", "month"), ("2023-04-05", "day"), ("2023-04-07", "day")]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-03-01", "2023-03-01"),
        ("2023-03", "2023-03"),
        ("2023", "2023"),
        (2023, "2023"),
        ("April 5, 2023", "2023-04-05"),
        ("Tue, 04 Jun 2024 04:57:00 GMT", "2024-06-04"),
        ("2024-06-04T04:57:00+03:00", "2024-06-04"),
        ("the 5th of April 2023", "2023-04-05"),
        ("yesterday", None),
        ("3 days ago", None),
        ("June 4", None),
        ("2023-13-01", None),
        ("", None),
    ],
)
def test_given_date_values_are_normalised_without_guessing(value, expected):
    assert parse_date_value(value) == expected


def test_ambiguous_given_date_is_refused():
    with pytest.raises(ValueError, match="ambiguous"):
        parse_date_value("05/04/2023")


# --- publisher ------------------------------------------------------------------------------


def test_organisation_line_near_the_top():
    text = "Grain exports recover\n\nBlack Sea Trade Observatory\n\nShipments rose by a fifth in May."
    assert infer_publisher(text) == "Black Sea Trade Observatory"


def test_title_case_headline_with_an_organisation_word_is_not_a_publisher():
    text = "Ukraine Rights Groups Demand Answers\n\nMay 3, 2024\n\nActivists asked for an inquiry."
    assert infer_metadata(text) == ("Ukraine Rights Groups Demand Answers", None, "2024-05-03")


def test_headline_prefix_names_the_publisher_but_a_plain_prefix_does_not():
    assert infer_publisher("Centre for Eastern Studies: Gas storage is full\n\nBody.") == "Centre for Eastern Studies"
    assert infer_publisher("Cold Comfort: Gas storage is full\n\nBody.") is None


def test_source_line_with_spelled_out_acronym():
    text = "Support Us\n\nTroops rotate near the river\n\nSource: Northern Policy Institute (NPI)\n\nNPI says rotation began."
    assert infer_publisher(text) == "Northern Policy Institute"


def test_headline_suffix_acronym_is_expanded_only_when_the_text_spells_it_out():
    spelled = "Drone strikes hit depot – NPI\n\nThe Northern Policy Institute (NPI) said the depot burned."
    assert infer_publisher(spelled) == "Northern Policy Institute"
    assert infer_publisher("Drone strikes hit depot – NPI\n\nAnalysts said the depot burned.") == "NPI"


def test_organisation_speaking_of_itself():
    text = (
        "Winter in the Villages\n\nResidents stayed despite the cold.\n\n"
        "Harbor Aid Network has worked in the district since 2019, when we opened a clinic.\n\n"
        "For this report, Harbor Aid Network spoke to forty families.\n"
    )
    assert infer_publisher(text) == "Harbor Aid Network"


def test_byline_naming_an_organisation():
    text = "Night strikes on the port\n\nby The Harbour Ledger news desk\n\nMarch 4, 2024\n\nBody."
    assert infer_publisher(text) == "The Harbour Ledger"
    assert infer_publisher("Night strikes on the port\n\nBy Maria Petrenko\n\nBody.") is None  # a person


def test_no_publisher_when_the_text_names_none():
    assert infer_publisher("A quiet night\n\nNothing happened in the city overnight, officials said.") is None


# --- title ----------------------------------------------------------------------------------


def test_title_skips_banners_dates_bylines_and_the_publisher_line():
    text = (
        "Support Us\n\nNews | World | Opinion\n\nMay 3, 2024\n\nValley Research Institute\n\nBy Ana Moroz\n\n"
        "Rail bridge reopens after repairs\n\nTrains crossed again on Friday."
    )
    title, publisher, published = infer_metadata(text)
    assert (title, publisher, published) == (
        "Rail bridge reopens after repairs",
        "Valley Research Institute",
        "2024-05-03",
    )


def test_markdown_heading_marks_are_not_part_of_the_title():
    assert infer_title("# Ferry service resumes\n\nThe first ferry left at dawn.") == "Ferry service resumes"


def test_breadcrumbs_are_not_titles():
    assert infer_title("Home > News > Europe\n\nGrain deal talks resume in Istanbul\n\nBody.") == ("Grain deal talks resume in Istanbul")


def test_no_title_when_the_text_starts_with_body():
    body = "Officials said on Monday that the ferry would resume service, " * 6
    assert infer_title(body + "\n\nMore text.") is None
    assert infer_title("  • First bullet of a list\n  • Second bullet") is None
    assert infer_title("Russian authorities have opened a case against a journalist.\n\nMore.") is None


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_gives_plain_values_and_a_well_formed_date(text):
    title, publisher, published = infer_metadata(text)
    assert title is None or (title.strip() == title and "\n" not in title)
    assert publisher is None or "\n" not in publisher
    assert published is None or re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", published)
