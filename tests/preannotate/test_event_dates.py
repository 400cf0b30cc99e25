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
        # a statement about what is to come is dated by the statement (here: published), not by the day ahead
        ("The deputies will vote on January 12, the speaker announced.", "2024-01-07"),
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


def test_a_month_never_gets_an_invented_day():
    [mention] = find_dates("in May, the", parse_iso("2024-06-10"))
    assert mention.iso == "2024-05"


def test_the_year_prefers_the_past_but_allows_a_near_future():
    ref = parse_iso("2023-03-01")
    assert find_dates("as soon as March 14.", ref)[0].iso == "2023-03-14"
    assert find_dates("on December 5 the", ref)[0].iso == "2022-12-05"


def test_impossible_dates_are_not_dates():
    assert find_dates("on February 30 the", parse_iso("2024-03-01")) == []


def test_publication_date_from_the_header_when_metadata_lacks_it():
    assert reference_date(None, "Support Us\n\nHeadline\n\nTuesday, 4 June 2024, 04:57\nBody") == date(2024, 6, 4)
    assert reference_date("2023-11", "text") == date(2023, 11, 15)
    assert reference_date(None, "Site name\n\n04.06.2024\nBody") == date(2024, 6, 4)  # via dateparser, day first


@pytest.mark.parametrize(
    "sentence, published, expected",
    [
        ("Artillery struck the city over the weekend, officials said.", "2023-12-04", "2023-12-02/2023-12-03"),
        # a day ahead names what is to come: the statement is dated, here by publication
        ("Trains will run from the city starting on Wednesday, the governor said.", "2023-12-04", "2023-12-04"),
        ("Researchers interviewed families between February and April 2023 in Kherson.", "2023-09-20", "2023-02/2023-04"),
        ("On Monday evening, Zelensky said he had met the commanders.", "2023-03-07", "2023-03-06"),
    ],
)
def test_more_event_date_forms(annotate, sentence, published, expected):
    _, claims = annotate(sentence, published=published)
    assert claims[0].event_date == expected


# A report on an incident names its day once; later sentences refer back to it.
INCIDENT = (
    "Saturday's explosion on the river ferry killed four passengers, the port authority said.\n\n"
    "The harbour master said on Monday that the blast was caused by a gas leak.\n\n"
    "Officials said the ferry company has suspended all crossings."
)


def test_a_definite_reference_to_an_incident_takes_the_day_it_was_reported(annotate):
    _, claims = annotate(INCIDENT, published="2024-03-12")  # a Tuesday: Saturday is March 9
    claim = claim_containing(claims, "the blast was caused")
    assert claim.event_date == "2024-03-11"  # written "on Monday": the statement's own day wins
    _, claims = annotate(INCIDENT.replace(" on Monday", ""), published="2024-03-12")
    claim = claim_containing(claims, "the blast was caused")
    assert (claim.event_date, claim.event_date_inferred) == ("2024-03-09", True)


def test_another_incident_with_its_own_day_is_not_the_one_referred_to(annotate):
    text = "Divers have recovered new footage of the attack on the pier.\n\nThe first attack on the pier took place on 2 May 2022, the navy said."
    _, claims = annotate(text, published="2024-03-12")
    assert claim_containing(claims, "new footage").event_date == "2024-03"


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # present perfect, no day written: only the month is known
        ("Rebel units have reportedly surrounded the airport near the capital.", "2024-01"),
        ("Local officials said the rebels reportedly blew up a bridge near the capital.", "2024-01"),
        ("The evacuation of the valley lasted three days, the regional governor said.", "2024-01"),
        # ... unless the sentence is about the state now
        ("Four bodies have been found so far near the capital, the police said.", "2024-01-07"),
        ("Rebel units have taken control of the airport near the capital, officials said.", "2024-01-07"),
        ("The government has not commented on the reports about the airport.", "2024-01-07"),
        # a month opening the sentence
        ("In October, a storm destroyed part of the pier near the harbour.", "2023-10"),
        # a weekday inside a non-restrictive relative clause is background
        ("The council said the strike, which began after workers walked out Friday, has ended today.", "2024-01-07"),
    ],
)
def test_undated_and_background_dates(annotate, sentence, expected):
    _, claims = annotate(sentence, published=PUB)
    assert claims[0].event_date == expected


def test_a_response_follows_on_the_day_of_what_it_answers(annotate):
    text = (
        "On Friday, the rebels seized the radio station in the northern city of Lagos.\n\n"
        "In response, the army launched an operation against them in the north of the country."
    )
    _, claims = annotate(text, published="2024-01-07")
    assert claim_containing(claims, "the army launched").event_date == "2024-01-05"


def test_two_days_joined_by_and_give_the_later_one(annotate):
    _, claims = annotate("Footage published on September 30 and October 1 shows soldiers in the square.", published="2024-10-02")
    assert claims[0].event_date == "2024-10-01"


def test_a_sentence_adding_to_an_account_keeps_its_day(annotate):
    text = "On Monday, the floods destroyed 40 houses in the valley, the governor said.\n\nAlso, 200 people have been moved to schools in the town of Lisle."
    _, claims = annotate(text, published="2024-01-10")  # a Wednesday: Monday is January 8
    assert claim_containing(claims, "200 people").event_date == "2024-01-08"


def test_a_date_in_a_non_restrictive_relative_clause_is_background(annotate):
    text = "Kupiansk, which Russian forces occupied in February 2022, was liberated by Ukrainian troops in September 2022."
    _, claims = annotate(text, published="2023-08-11")
    assert claims[0].event_date == "2022-09"


def test_the_publishers_own_forecast_under_its_short_name_has_no_date(annotate):
    text = "Northwatch assesses that Russian forces are likely to continue attacks toward the river through the winter."
    _, claims = annotate(text, published=PUB, publisher="Northwatch Institute")
    assert claims[0].event_date is None


def test_a_dated_byline_is_the_day_the_report_speaks_from(annotate):
    text = "By Ana Lee and Tom Ward, Example Institute, April 6, 9:30 pm ET\n\nRussian forces continue to attack near the city."
    _, claims = annotate(text, published="2023-04-07", publisher="Example Institute")
    claim = claim_containing(claims, "continue to attack")
    assert (claim.event_date, claim.event_date_inferred) == ("2023-04-06", True)


def test_after_a_night_the_next_claim_takes_its_later_day(annotate):
    text = "The ministry announced on the night of May 20 to 21 that Russian forces had taken the town.\n\nPutin congratulated the army on the capture."
    _, claims = annotate(text, published="2023-05-22")
    assert claim_containing(claims, "congratulated").event_date == "2023-05-21"


def test_a_key_takeaways_bullet_does_not_take_the_day_named_just_before_it(annotate):
    text = (
        "Russian forces attacked near the river on June 3.\n\n"
        "Geolocated footage published on June 2 shows Ukrainian troops in the town centre.\n\n"
        "Key Takeaways\n\n"
        "- Wives of mobilized soldiers kept up their campaign for rotation.\n"
    )
    _, claims = annotate(text, published="2024-06-03")
    claim = claim_containing(claims, "kept up their campaign")
    assert (claim.event_date, claim.event_date_inferred) == ("2024-06-03", True)


def test_a_day_that_dates_evidence_is_not_carried_to_the_next_event(annotate):
    text = "Drone video posted on March 8 shows engineers laying mines along the canal.\n\nGovernment troops pushed into the northern suburbs of the port."
    _, claims = annotate(text, published="2025-03-10")
    claim = claim_containing(claims, "pushed into the northern suburbs")
    assert (claim.event_date, claim.event_date_inferred) == ("2025-03-10", True)


def test_a_day_that_dates_a_statement_in_a_video_still_carries(annotate):
    text = (
        "The rebel commander claimed in a video released on March 8 that his men held the airport.\n\n"
        "In the video, filmed on a runway, the commander asked the army to surrender."
    )
    _, claims = annotate(text, published="2025-03-10")
    assert claim_containing(claims, "asked the army").event_date == "2025-03-08"


@pytest.mark.parametrize(
    "follow_up",
    [
        "Aid workers say the road to the coast is no longer safe after dark.",
        "The mission continues to assess that the ceasefire line holds in the south.",
    ],
)
def test_a_speaker_in_the_present_tense_speaks_on_the_report_day(annotate, follow_up):
    text = f"The governor announced on March 8 that two bridges had been closed.\n\n{follow_up}"
    _, claims = annotate(text, published="2025-03-10")
    claim = claim_containing(claims, follow_up[:25])
    assert (claim.event_date, claim.event_date_inferred) == ("2025-03-10", True)


def test_a_speaker_who_did_not_say_is_not_speaking_now(annotate):
    text = "The governor announced on March 8 that two bridges had been closed.\n\nThe governor did not say when the bridges would reopen but said crews were at work."
    _, claims = annotate(text, published="2025-03-10")
    assert claim_containing(claims, "did not say").event_date == "2025-03-08"


def test_reportedly_in_the_publishers_own_voice_is_the_news_of_the_day(annotate):
    text = "Rebel units reportedly crossed the canal south of the port and shelled the depot."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert (claims[0].claimant, claims[0].event_date) == ("Harbourlight Policy Centre", "2025-03-10")


def test_reportedly_in_a_named_sources_account_is_its_undated_report(annotate):
    text = "Retreating rebels reportedly burned the grain depot, according to the harbour authority."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert (claims[0].claimant, claims[0].event_date) == ("harbour authority", "2025-03")


def test_a_present_state_in_the_negative_is_about_now(annotate):
    text = "Government troops retook the airport on March 8.\n\nThe airport does not give the rebels a route to the sea."
    _, claims = annotate(text, published="2025-03-10")
    claim = claim_containing(claims, "does not give")
    assert (claim.event_date, claim.event_date_inferred) == ("2025-03-10", True)


def test_what_the_author_says_would_have_to_happen_has_no_date(annotate):
    text = "Government troops retook the airport on March 8.\n\nThe army would still need to clear the marshes before it could reach the port."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claim_containing(claims, "would still need").event_date is None


@pytest.mark.parametrize("span", ["in recent nights", "over the past few days"])
def test_events_over_recent_days_get_the_month(annotate, span):
    text = f"Government troops retook the airport on March 8.\n\nCoast guards said they turned back most of the boats sent {span}."
    _, claims = annotate(text, published="2025-03-10")
    assert claim_containing(claims, "Coast guards").event_date == "2025-03"


def test_a_span_of_days_gives_its_month(annotate):
    _, claims = annotate("From 3 to 9 March the coast guard stopped 14 boats near the port of Lisle.", published="2025-03-10")
    assert claims[0].event_date == "2025-03"


def test_what_goes_on_about_a_dated_incident_is_about_now(annotate):
    text = (
        "The navy said that rebels attacked two tankers near Lisle on March 8.\n\nRebel channels continue to describe these attacks as a blockade of the port."
    )
    _, claims = annotate(text, published="2025-03-10")
    claim = claim_containing(claims, "continue to describe")
    assert (claim.event_date, claim.event_date_inferred) == ("2025-03-10", True)


def test_a_day_inside_another_speakers_account_is_not_the_reports_next_finding(annotate):
    text = (
        "Harbourlight assesses that the rebels intend to close the port of Lisle. "
        "The navy reported that rebels fired on two tankers near Lisle on March 8. "
        "The coast guard has not confirmed the attack.\n\n"
        "Rebel units also shelled villages north of the port without confirmed gains."
    )
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    claim = claim_containing(claims, "shelled villages")
    assert (claim.claimant, claim.event_date) == ("Harbourlight Policy Centre", "2025-03-10")


def test_a_day_the_report_itself_gives_carries_to_its_next_sentence(annotate):
    text = "Rebels fired on two tankers near Lisle on March 8.\n\nThe attack set one tanker on fire, the navy said."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claim_containing(claims, "set one tanker").event_date == "2025-03-08"


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The navy said that divers have already recovered the tanker's recorder.", "2025-03-10"),  # a result in hand now
        ("The navy said that divers had already recovered the tanker's recorder.", "2025-03"),  # before then: an undated past
    ],
)
def test_already_with_the_present_perfect_is_now(annotate, sentence, expected):
    _, claims = annotate(sentence, published="2025-03-10")
    assert claims[0].event_date == expected


def test_a_speakers_next_statement_keeps_the_date_of_its_account(annotate):
    text = (
        "The harbour union reported on March 9 that in February 2025 the port laid off 300 dockers. "
        "The union stated that the dismissals had been planned for months. "
        "Harbourlight cannot verify the figures."
    )
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claim_containing(claims, "The union stated").event_date == "2025-02"


def test_will_in_a_relative_clause_does_not_make_a_forecast(annotate):
    text = "Crews moved the ferry on March 8 to a berth where engineers will repair its hull."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claims[0].event_date == "2025-03-08"
    text = "The port authority evacuated two villages.\n\nFamilies were sent to a school from which buses will take them to Lisle."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claim_containing(claims, "Families were sent").event_date == "2025-03-10"


@pytest.mark.parametrize("verb", ["has previously warned", "has repeatedly said"])
def test_an_earlier_undated_statement_has_no_date(annotate, verb):
    text = f"The port authority {verb} that the old cranes at Lisle are unsafe in storms."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claims[0].event_date is None


def test_a_state_held_since_an_undated_time_has_no_date(annotate):
    text = "Since the flood, families on the east bank have been living in tents near Lisle."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claims[0].event_date is None


def test_a_tally_since_an_undated_time_is_dated_now(annotate):
    text = "Since the start of the operation, the army has retaken 40 villages near Lisle."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claims[0].event_date is not None


def test_elsewhere_does_not_take_the_day_of_the_story_before(annotate):
    text = "The harbour authority said on March 8 that the port of Lisle had reopened.\n\nElsewhere on the coast, storms flooded two villages near Marne."
    _, claims = annotate(text, published="2025-03-10", publisher="Example Daily")
    claim = claim_containing(claims, "Elsewhere")
    assert (claim.event_date, claim.event_date_inferred) == ("2025-03-10", True)


def test_claims_as_a_noun_is_not_a_speaker_now(annotate):
    text = "Rebels stormed the pier of Lisle on March 8.\n\nGovernment troops held the harbour office, despite rebel claims that it had fallen."
    _, claims = annotate(text, published="2025-03-10", publisher="Example Daily")
    assert claim_containing(claims, "held the harbour office").event_date == "2025-03-08"


def test_a_speakers_statement_long_after_its_dated_account_does_not_inherit_it(annotate):
    text = (
        "The harbour union reported on March 9 that in February 2025 the port laid off 300 dockers.\n\n"
        "Rebels shelled the north pier on March 9.\n\nTwo cranes burned near the customs house on March 9.\n\n"
        "The coast guard closed the channel on March 9.\n\nThe navy escorted six tankers on March 9.\n\n"
        "The harbour union stated that the strike fund had been emptied."
    )
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claim_containing(claims, "strike fund").event_date != "2025-02"


def test_a_present_state_in_a_relative_clause_is_background(annotate):
    text = "Rebels fired on two tankers near Lisle on March 8.\n\nThe attack, which remains unexplained, set one tanker on fire."
    _, claims = annotate(text, published="2025-03-10", publisher="Harbourlight Policy Centre")
    assert claim_containing(claims, "set one tanker").event_date == "2025-03-08"
