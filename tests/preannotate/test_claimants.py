"""Claimants as a reviewer writes them, relay chains, and relative event dates (sentences of our own)."""

import pytest

from annotate.preannotate.claimants import same_claimant, tidy
from tests.factories import claim_containing

PUB = "2025-03-14"  # a Friday


def test_an_outlet_reporting_a_statement_relays_it(annotate):
    _, claims = annotate("The port director has admitted that two cranes were damaged, Reuters reports.", published=PUB, publisher="Example Daily")
    assert (claims[0].claimant, claims[0].relayed_by) == ("port director", ("Reuters", "Example Daily"))


def test_a_speaker_who_told_an_agency_is_relayed_by_it(annotate):
    _, claims = annotate("Governor Oleh Syniehubov told Interfax that the bridge was closed.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Oleh Syniehubov"
    assert claims[0].relayed_by == ("Interfax", "Example Daily")


def test_the_publishers_own_claim_has_no_relay(annotate):
    _, claims = annotate("Three warehouses burned near the port on March 12.", published=PUB, publisher="Example Daily")
    assert (claims[0].claimant, claims[0].relayed_by) == ("Example Daily", ())


def test_this_was_stated_by_credits_the_sentences_before_it(annotate):
    text = "Rescuers have cleared 40 buildings in the district. Power was restored to 900 homes. This was stated by Mayor Ihor Terekhov."
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    assert [c.claimant for c in claims] == ["Ihor Terekhov"] * 3


def test_a_country_that_speaks_is_its_authorities(annotate):
    _, claims = annotate("Ukraine has accused the rebels of shelling the depot.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Ukrainian authorities"


def test_according_to_him_is_the_last_speaker(annotate):
    text = "Colonel Anatolii Shtefan said the unit held its positions.\n\nAccording to him, the depot was hit twice."
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    assert claim_containing(claims, "depot was hit").claimant == "Anatolii Shtefan"


def test_a_lower_case_title_after_a_name_does_not_hide_the_name(annotate):
    _, claims = annotate("Oleksandr Prokudin, head of the regional military administration, said the ferry sank.", published=PUB)
    assert claims[0].claimant == "Oleksandr Prokudin"


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("the Russian defence ministry", "Russian Ministry of Defense"),
        ("Russia's Defense Ministry", "Russian Ministry of Defense"),
        ("a Ukrainian border guard", "Ukrainian border guard"),
        ("local media reports", "local media"),
    ],
)
def test_described_speakers_are_tidied(phrase, expected):
    assert tidy(phrase) == expected


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Vasily Malyuk", "Vasyl Maliuk", True),
        ("Alexey Goncharenko", "Oleksiy Goncharenko", True),
        ("Kostin", "Andriy Kostin", True),
        ("A Ukrainian servicemember", "Ukrainian servicemember", True),
        ("Andriy Kostin", "Oleksandr Kostin", False),
        ("Russian authorities", "Ukrainian authorities", False),
        ("Dmitry Peskov", "Dmitry Medvedev", False),
        ("Kostin", "Kostina", False),  # a feminine surname is another person
        ("Ivan Petrov", "Ivana Petrova", False),
        ("Mark Rutte", "Mark Root", False),  # one consonant skeleton, another name
        ("Oleksandr Syrskyi", "Oleksandr Sirsky", True),
    ],
)
def test_one_claimant_under_two_names(a, b, same):
    assert same_claimant(a, b) is same


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The minister said Tuesday that the talks had failed.", "2025-03-11"),
        ("Officials described Saturday's blast as an accident.", "2025-03-08"),
        ("The council voted on Wednesday to close the market.", "2025-03-12"),
        ("The mayor said the bridge will reopen in a few weeks.", "2025-03-14"),  # the statement's day
    ],
)
def test_relative_days_count_back_from_the_publication_date(annotate, sentence, expected):
    _, claims = annotate(sentence, published=PUB)
    assert claims[0].event_date == expected


def test_a_day_earlier_counts_from_the_claim_before(annotate):
    text = "The governor reported on March 10 that the dam held.\n\nA day earlier, the mayor said water had risen."
    _, claims = annotate(text, published=PUB)
    assert claim_containing(claims, "A day earlier").event_date == "2025-03-09"


def test_the_authors_forecast_and_a_state_since_a_time_have_no_event_date(annotate):
    _, claims = annotate(
        "The offensive will resume within weeks.\n\nThe plant has been shut since the spring of last year.", published=PUB, publisher="Example Daily"
    )
    assert [c.event_date for c in claims] == [None, None]


def test_an_undated_claim_after_a_named_day_takes_that_day_as_inferred(annotate):
    text = "A fire broke out at the depot on March 9.\n\nFour trucks were destroyed in the blaze."
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    later = claim_containing(claims, "Four trucks")
    assert (later.event_date, later.event_date_inferred) == ("2025-03-09", True)


def test_a_dateline_is_the_day_relative_dates_count_from(annotate):
    text = "KHARKIV, March 12. Shelling damaged a school on Tuesday, the regional governor said."
    _, claims = annotate(text, published="2025-03-13")
    assert claim_containing(claims, "Shelling damaged").event_date == "2025-03-11"


def test_a_speaker_named_after_the_verb(annotate):
    _, claims = annotate('"The convoy reached the city at dawn," said Governor Oleh Syniehubov.', published=PUB)
    assert claims[0].claimant == "Oleh Syniehubov"


def test_quoted_as_saying_gives_the_quoted_speaker_relayed_by_who_quoted(annotate):
    _, claims = annotate("Interfax quoted Denis Pushilin as saying that the depot was destroyed.", published=PUB, publisher="Example Daily")
    assert (claims[0].claimant, claims[0].relayed_by) == ("Denis Pushilin", ("Interfax", "Example Daily"))


def test_a_capital_that_speaks_is_its_government(annotate):
    _, claims = annotate("Moscow has blamed the explosion on saboteurs.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Russian authorities"


def test_the_sentences_of_a_quotation_belong_to_who_closes_it(annotate):
    text = '"The depot burned for hours. According to witnesses, the first blast came at night," Colonel Anatolii Shtefan said.'
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    assert {c.claimant for c in claims} == {"Anatolii Shtefan"}


def test_a_description_points_back_to_the_organisation_named_before(annotate):
    text = "The Ministry of Defence of Ukraine said on March 12 that the bridge was hit.\n\nThe defence ministry added that no one was hurt."
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    assert claim_containing(claims, "no one was hurt").claimant == "Ukrainian Ministry of Defense"


def test_an_unnamed_source_is_described_with_the_outlet_it_told(annotate):
    _, claims = annotate("Military sources told TASS that the convoy turned back.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Military sources (via TASS)"


def test_a_syndicated_copy_speaks_with_the_agencys_voice(annotate):
    _, claims = annotate("Three warehouses burned near the port on March 12.", published=PUB, publisher="Example Daily (AFP copy)")
    assert claims[0].claimant == "AFP"


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("UN Office for Human Rights", "UN Office of the High Commissioner for Human Rights", True),
        ("Ukrainian media (unnamed sources)", "Ukrainian media outlets quoting unnamed sources", False),
        ("Russian Ministry of Defense", "Ukrainian Ministry of Defense", False),
        ("an adviser to the head of the president's office", "adviser to the head of the presidnet's office", True),
    ],
)
def test_a_shorter_form_or_a_typo_is_the_same_claimant(a, b, same):
    assert same_claimant(a, b) is same


def test_a_self_proclaimed_polity_speaks_through_its_authorities(annotate):
    _, claims = annotate("The so-called Donetsk people’s republic accused the army of shelling a market in the town.", published="2024-01-07")
    assert claims[0].claimant == "Donetsk People's Republic authorities"


def test_x_announced_this_names_the_speaker_of_the_sentence_before(annotate):
    text = (
        "The fire at the depot was started deliberately — this is the first conclusion of the fire inspectors.\n\n"
        "Chief Inspector Marta Kowalczyk announced this at a press conference on March 3."
    )
    _, claims = annotate(text, published="2024-03-04", publisher="Harbour Times")
    assert claim_containing(claims, "The fire at the depot").claimant == "Marta Kowalczyk"


@pytest.mark.parametrize(
    "sentence",
    [
        "Harbourlight assesses that the rebels will try to cut the coastal road before the rains.",
        "Harbourlight cannot independently confirm the figures released by the army on March 12.",
    ],
)
def test_the_publisher_under_its_short_name_is_the_publisher(annotate, sentence):
    _, claims = annotate(sentence, published=PUB, publisher="Harbourlight Policy Centre")
    assert (claims[0].claimant, claims[0].relayed_by) == ("Harbourlight Policy Centre", ())


def test_a_speaker_whose_name_only_begins_like_the_publishers_keeps_it(annotate):
    _, claims = annotate("Harbourlight Shipping said on March 12 that two tankers were turned back.", published=PUB, publisher="Harbourlight Policy Centre")
    assert claims[0].claimant == "Harbourlight Shipping"


def test_a_date_opening_the_clause_is_not_part_of_the_speaker(annotate):
    text = "Between 3 and 9 March our monitors recorded that 12 homes were shelled in Lisle.\n\nMany residents of Lisle are older people who cannot leave."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    recorded, residents = claim_containing(claims, "our monitors"), claim_containing(claims, "Many residents")
    assert (recorded.claimant, recorded.event_date) == ("Harbourlight Policy Centre", "2025-03")
    assert residents.event_date == "2025-03-10"  # the publisher's dated account does not date its next claims


def test_a_speaker_named_inside_a_quotation_does_not_take_its_earlier_sentences(annotate):
    text = (
        "The harbour ministry said the rebels had left the coast by March 9.\n\n"
        '"Drone video posted on March 8 shows rebels leaving the depot. Coast guards reported on March 9 that the port was closed," '
        "the ministry said in its bulletin."
    )
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    assert claim_containing(claims, "Drone video").claimant == "harbour ministry"


def test_according_to_a_countrys_agency_names_the_agency(annotate):
    _, claims = annotate("According to Ukraine's State Emergency Service, the flood reached 40 villages on March 12.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Ukrainian State Emergency Service"


def test_a_bodys_spokesperson_is_the_person_named_so_before(annotate):
    text = (
        "Harbour Authority spokesperson Marta Keller said on March 12 that the port would reopen.\n\n"
        "Key Takeaways\n\n"
        "- A Harbour Authority spokesperson said that the port would reopen within days.\n"
    )
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    assert claim_containing(claims, "A Harbour Authority spokesperson").claimant == "Marta Keller"


def test_a_bodys_spokesperson_never_named_stays_the_body(annotate):
    _, claims = annotate("A Ukrainian Air Force spokesperson said that the airfield would reopen within days.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Ukrainian Air Force"


def test_dismissing_reports_is_a_statement(annotate):
    text = "Port director Marta Keller dismissed on March 12 reports that the harbour would close.\n\nKeller stated that the cranes were working normally."
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    dismissed, stated = claim_containing(claims, "dismissed"), claim_containing(claims, "Keller stated")
    assert (dismissed.claimant, dismissed.event_date) == ("Marta Keller", "2025-03-12")
    assert stated.event_date == "2025-03-12"  # her next statement continues that day's account


def test_dismissing_an_official_is_not_a_statement(annotate):
    _, claims = annotate("The president dismissed the port director on March 12 after the fire in Lisle.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Example Daily"


def test_analysts_who_expect_something_say_it(annotate):
    _, claims = annotate("Analysts expect the rebels to attack the port of Lisle before the rains.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Analysts"


@pytest.mark.parametrize("verb", ["continue to claim", "continue to portray"])
def test_sources_who_continue_to_claim_speak(annotate, verb):
    _, claims = annotate(f"Rebel channels {verb} the blockade of Lisle as a victory over the navy.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Rebel channels"


def test_congratulating_on_a_capture_is_a_statement(annotate):
    _, claims = annotate("Governor Oleh Syniehubov congratulated the brigade on the recapture of Lisle on March 12.", published=PUB, publisher="Example Daily")
    assert claims[0].claimant == "Oleh Syniehubov"


def test_a_document_named_by_its_authors_initials_is_theirs(annotate):
    text = (
        "The Harbour Safety Board announced on the night of March 11 to 12 that the tanker fire was out. "
        "Governor Oleh Syniehubov thanked the crews. "
        "The HSB statement credited the fire brigade of Lisle with saving the pier."
    )
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    statement = claim_containing(claims, "HSB statement")
    assert (statement.claimant, statement.event_date) == ("Harbour Safety Board", "2025-03-12")


def test_elsewhere_ends_a_reported_account(annotate):
    text = "About 300 people remain in Lisle, according to the harbour authority. Elsewhere on the coast, storms flooded two villages near Marne."
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    assert claim_containing(claims, "Elsewhere").claimant == "Example Daily"


def test_a_key_takeaways_bullet_names_the_speaker_it_describes(annotate):
    text = (
        "Marta Keller, a senior adviser to Governor Oleh Syniehubov, said on March 12 that the port of Lisle could close.\n\n"
        "Key Takeaways\n\n"
        "- An adviser to the governor said the port of Lisle could close within days.\n"
    )
    _, claims = annotate(text, published=PUB, publisher="Example Daily")
    assert claim_containing(claims, "An adviser to the governor").claimant == "Marta Keller"


def test_a_place_that_begins_the_publishers_name_is_not_the_publisher():
    from annotate.preannotate.claimants import publisher_name

    assert publisher_name("Kyiv", "Kyiv Post") == "Kyiv"
    assert publisher_name("Harbourlight", "Harbourlight Policy Centre") == "Harbourlight Policy Centre"
