"""Claim candidates: who claims what, how surely, and which sentences count."""

from annotate.preannotate.base import DocumentInput
from tests.factories import claim_containing

ISW = "Institute for the Study of War"


def test_a_named_speaker_is_the_claimant(annotate):
    _, [claim] = annotate("Ukrainian President Volodymyr Zelensky stated that Kyiv will hold the city.")
    assert claim.claimant == "Volodymyr Zelensky"
    assert claim.reporting_verb == "stated"
    assert claim.score >= 0.7
    assert claim.claimant_span and claim.claimant_span[1] - claim.claimant_span[0] == len("Volodymyr Zelensky")


def test_an_outlet_is_the_claimant(annotate):
    _, [claim] = annotate("The Russian opposition outlet Verstka reported that conscripts were sent to the front.")
    assert claim.claimant == "Verstka"


def test_the_person_not_the_place_in_the_subject(annotate):
    _, [claim] = annotate("Patriarch Kirill of Moscow stated that the church supports the returning men.")
    assert claim.claimant == "Kirill"


def test_a_place_inside_the_subject_phrase_is_not_the_claimant(annotate):
    _, [claim] = annotate("A New York Times investigation into the losses near Vuhledar indicates that the units were poorly trained.")
    assert claim.claimant == "New York Times"


def test_the_publisher_assesses(annotate):
    _, claims = annotate(
        "ISW assesses that the offensive will likely stall. We assess that reserves are thin.",
        publisher="Institute for the Study of War (ISW)",
    )
    assert [c.claimant for c in claims] == [ISW, ISW]
    assert all(c.score >= 0.7 and c.hedged for c in claims)


def test_an_unattributed_sentence_belongs_to_the_publisher(annotate):
    _, [claim] = annotate("Russian forces conducted missile strikes against Odesa on 4 March.", publisher="ISW")
    assert claim.claimant == ISW
    assert claim.reporting_verb is None


def test_an_unknown_publisher_is_kept_as_given(annotate):
    _, [claim] = annotate("Russian forces conducted missile strikes against Odesa on 4 March.", publisher="Example News")
    assert claim.claimant == "Example News"


def test_a_continuing_account_keeps_its_claimant(annotate):
    _, claims = annotate(
        "Verstka reported that some soldiers had been coerced into volunteering. "
        "Others were taken from their cells at gunpoint and driven to the front.\n\n"
        "Russian forces shelled Kherson on Monday.",
        publisher="Example News",
    )
    assert claim_containing(claims, "Others were taken").claimant == "Verstka"
    assert claim_containing(claims, "Others were taken").reason.startswith("claim.inherited")
    assert claim_containing(claims, "shelled Kherson").claimant == "Example News"


def test_the_authors_own_comment_does_not_continue_the_account(annotate):
    _, claims = annotate(
        "Defense Minister Rustem Umerov stated that jets would arrive in spring. "
        "He did not specify how many. Umerov's statement is consistent with earlier reports.",
        publisher="ISW",
    )
    assert claim_containing(claims, "He did not specify").claimant == ISW
    assert claim_containing(claims, "statement is consistent").claimant == ISW


def test_a_pronoun_speaker_is_resolved(annotate):
    _, claims = annotate(
        "Kremlin spokesperson Dmitry Peskov spoke to reporters on Monday about the talks. He said that no meeting had been planned.",
    )
    assert claim_containing(claims, "He said").claimant == "Dmitry Peskov"


def test_an_unnamed_source_is_a_free_text_claimant(annotate):
    _, [claim] = annotate("Furthermore, several sources, including one in the administration, indicated that the plan changed.")
    assert claim.claimant == "several sources"


def test_according_to(annotate):
    _, [claim] = annotate("Buses leave twice a week, according to the regional administration.")
    assert claim.claimant == "regional administration"  # described, as reviewers write it: no article
    assert claim.reason.startswith("claim.according")


def test_headline_attributed_to_isw(annotate):
    text = "Russia moves reserves toward the southern front – ISW\n\nThe body text follows here with more words."
    _, claims = annotate(text, publisher="Example News")
    headline = claims[0]
    assert headline.text == "Russia moves reserves toward the southern front"
    assert headline.claimant == ISW
    assert headline.reason.startswith("claim.headline")


def test_a_source_line_names_who_the_report_relays(annotate):
    text = "Russia moves reserves south\n\nRussian units were moved toward Tokmak over the weekend by rail.\n\nSource: Institute for the Study of War (ISW)\n"
    _, claims = annotate(text, publisher="Example News")
    assert claim_containing(claims, "moved toward Tokmak").claimant == ISW


def test_hedges_are_listed(annotate):
    _, [claim] = annotate("Russian forces likely made gains and may reportedly be preparing another assault.")
    assert claim.hedged
    assert claim.hedges == ("likely", "may", "reportedly")


def test_may_the_month_is_not_a_hedge(annotate):
    _, [claim] = annotate("Putin asked Xi in May 2024 to snub the peace conference.", published="2024-06-04")
    assert not claim.hedged


def test_negation_and_denial(annotate):
    _, claims = annotate(
        "Colonel Yuriy Ihnat refuted media reports that the jets are delayed. "
        "The ministry has no plans to withdraw. "
        "Russian forces captured the village on Monday."
    )
    assert [c.negated for c in claims] == [True, True, False]
    assert claims[0].claimant == "Yuriy Ihnat"


def test_key_takeaways_bullets_are_claims(annotate):
    text = (
        "Key Takeaways:\n\n"
        "  • Russian forces likely advanced near Kreminna.\n"
        "  • Ukrainian officials stated that strikes hit a depot in Crimea.\n\n"
        "Body text starts here and goes on for a while."
    )
    _, claims = annotate(text, publisher="ISW")
    bullets = [c for c in claims if c.reason.startswith("claim.takeaway")]
    assert len(bullets) == 2
    assert all(c.score >= 0.8 for c in bullets)
    assert bullets[1].claimant == "Ukrainian officials"


def test_flattened_key_takeaways(annotate):
    text = "Key Takeaways Russian forces advanced near Bakhmut. The Kremlin may leverage the new law."
    _, claims = annotate(text, publisher="ISW")
    assert [c.text for c in claims] == ["Russian forces advanced near Bakhmut.", "The Kremlin may leverage the new law."]
    assert all(c.reason.startswith("claim.takeaway") for c in claims)


def test_bullets_under_a_quoting_intro_belong_to_the_quoted(annotate):
    text = (
        "To quote the ISW's Key Takeaways on 3 June:\n\n"
        "  • Ukrainian forces struck an air defence battery in Belgorod Oblast.\n"
        "  • Russian forces continue to abuse prisoners of war.\n"
    )
    _, claims = annotate(text, publisher="Example News", published="2024-06-04")
    assert [c.claimant for c in claims] == [ISW, ISW]


def test_headings_bylines_questions_and_short_lines_are_skipped(annotate):
    text = (
        "Eastern front update\n\n"
        "By Jane Roe\n\n"
        "Will the front hold through the summer?\n\n"
        "Analysts are divided.\n\n"
        "Click here to see the interactive map of the front line today.\n\n"
        "Russian forces attacked Chasiv Yar from three directions on Sunday."
    )
    _, claims = annotate(text, published="2024-04-08")
    assert [c.text for c in claims] == ["Russian forces attacked Chasiv Yar from three directions on Sunday."]


def test_claims_name_their_entities(annotate):
    _, [claim] = annotate("Zelensky said that Kupyansk and Kyiv were shelled by the 1st Guards Tank Army.")
    assert claim.entities == ("Volodymyr Zelensky", "Kupiansk", "Kyiv", "1st Guards Tank Army")


def test_boilerplate_is_skipped(rules):
    body = "Russian forces attacked Chasiv Yar from three directions on Sunday."
    banner = "\n\nWilson Center urges governments to prioritise the rights of displaced people everywhere."
    text = body + banner
    doc = DocumentInput(text, published="2024-04-08", boilerplate=((len(body), len(text)),))
    entities, claims = rules.annotate(doc)
    assert [c.text for c in claims] == [body]
    assert all(e.end <= len(body) for e in entities)


def test_a_speaker_after_the_content(annotate):
    _, [claim] = annotate(
        "Drones struck a fuel depot in Russia's Bryansk region overnight, a Ukrainian security source said on Friday.",
        published="2023-11-03",
    )
    assert claim.claimant == "Ukrainian security source"


def test_a_name_with_a_description_speaks(annotate):
    _, claims = annotate(
        "Yevgeny Prigozhin, the founder of the Wagner Group, claimed that the city was encircled. "
        "Serhiy Cherevatyi, spokesperson for the Eastern Group of Forces, denied it."
    )
    assert [c.claimant for c in claims] == ["Yevgeny Prigozhin", "Serhiy Cherevatyi"]


def test_passives_relative_clauses_and_nouns_are_not_speakers(annotate):
    _, claims = annotate(
        "Around 4,000 civilians are believed to remain in the town, according to the regional administration.\n\n"
        "The statement matches remarks by officials, who have said that the town will be held.\n\n"
        "Commanders decided to hold the town despite Russian claims that it was surrounded.",
        publisher="Example News",
    )
    assert [c.claimant for c in claims] == ["regional administration", "Example News", "Example News"]


def test_a_role_and_a_pronoun_find_the_last_speaker(annotate):
    _, claims = annotate(
        "Zelensky said on Monday that the commanders favoured reinforcing the city. "
        "The president said he had asked them to find more troops. "
        "The hospital's director told reporters that staff had moved newborns to a shelter. "
        "Nobody inside was injured, she said."
    )
    assert [c.claimant for c in claims] == ["Volodymyr Zelensky", "Volodymyr Zelensky", "hospital's director", "hospital's director"]


def test_two_speakers_in_one_sentence_make_two_claims(annotate):
    _, claims = annotate(
        "Russian sources claimed that the strikes hit military plants, but the milblogger Rybar acknowledged that some missiles hit homes.",
    )
    assert [(c.claimant, c.text.split()[0]) for c in claims] == [("Russian sources", "Russian"), ("Rybar", "the")]


def test_the_mission_refers_back_to_its_full_name(annotate):
    _, claims = annotate(
        "Civilian casualties rose sharply in April, the UN Human Rights Monitoring Mission in Ukraine said on Friday. "
        "Figures are likely higher, the Mission said.",
        published="2023-05-12",
    )
    assert {c.claimant for c in claims} == {"UN Human Rights Monitoring Mission in Ukraine"}
    assert claims[0].event_date == "2023-04"  # what was said, not when it was said


def test_evidence_is_read_by_the_publisher(annotate):
    _, [claim] = annotate(
        "Geolocated footage published on October 11 indicates that Russian forces advanced north of Krasnohorivka.",
        publisher="ISW",
        published="2023-10-12",
    )
    assert claim.claimant == "Institute for the Study of War"


def test_speakers_in_harder_sentences(annotate):
    text = (
        "The head of the Volunteer Corps, which claimed the raid, claimed on March 3 that officials approved it.\n\n"
        "Critics, including some Western analysts, have questioned whether the cost was worth it.\n\n"
        "Putin used the speech to outline new, limited, support measures for soldiers and announced that families would be paid.\n\n"
        "The deputy minister did not say which villages were involved but said the army was moving forward.\n\n"
        "A lawyer who has represented several such servicemen told reporters that the cases had been closed."
    )
    _, claims = annotate(text, published="2023-03-04")
    assert [c.claimant for c in claims] == [
        "head of the Volunteer Corps",
        "Critics",
        "Vladimir Putin",
        "deputy minister",
        "lawyer",
    ]


def test_saying_nothing_starts_no_account(annotate):
    _, claims = annotate(
        "Neither government has said when the aircraft could be handed over. Evacuations continued in the north-east.",
        publisher="Example News",
    )
    assert claims[1].claimant == "Example News"


def test_a_headline_acronym_expands_to_the_name_the_text_gives(annotate):
    text = "Shelling of Kupiansk intensifies – KMG\n\nThe Kharkiv Monitoring Group (KMG) recorded 40 strikes on the town on 3 May."
    _, claims = annotate(text, published="2024-05-04")
    assert [(c.claimant, c.event_date) for c in claims] == [
        ("Kharkiv Monitoring Group", "2024-05-04"),  # undated headline: the day it was published
        ("Kharkiv Monitoring Group", "2024-05-03"),
    ]
