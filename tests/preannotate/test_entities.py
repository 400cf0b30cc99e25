"""Entity candidates a reviewer would notice: names, places, units, dates, numbers."""

from tests.factories import by_text


def labels(entities):
    return {(e.text, e.label) for e in entities}


def test_titles_are_stripped_from_people(annotate):
    ents, _ = annotate(
        "Russian President Vladimir Putin met Ukrainian Air Force Spokesperson Colonel Yuriy Ihnat and Chairman of the Russian State Duma Vyacheslav Volodin."
    )
    people = {e.text for e in ents if e.label == "PERSON"}
    assert people == {"Vladimir Putin", "Yuriy Ihnat", "Vyacheslav Volodin"}
    assert ("Russian State Duma", "ORG") in labels(ents)


def test_an_unknown_person_after_a_title_or_role(annotate):
    ents, _ = annotate("Deputy Mayor Taras Hordiienko spoke with military analyst Oksana Berezhna on Monday.")
    assert {"Taras Hordiienko", "Oksana Berezhna"} <= {e.text for e in ents if e.label == "PERSON"}
    assert all("Mayor" not in e.text for e in ents)


def test_a_surname_later_resolves_to_the_full_name(annotate):
    ents, _ = annotate("Colonel Petro Maksymchuk led the unit. Later, Maksymchuk said the bridge held.")
    [later] = [e for e in by_text(ents, "Maksymchuk")]
    assert later.label == "PERSON" and later.canonical == "Petro Maksymchuk"


def test_a_known_surname_alone_gets_the_full_name(annotate):
    ents, _ = annotate("Zelensky and Prigozhin were mentioned.")
    assert {e.canonical for e in ents if e.label == "PERSON"} == {"Volodymyr Zelensky", "Yevgeny Prigozhin"}


def test_spelling_variants_meet_in_one_canonical_place(annotate):
    ents, _ = annotate("Shelling hit Kupyansk overnight. Officials in Kupiansk counted the damage.")
    assert {e.canonical for e in ents if e.text in ("Kupyansk", "Kupiansk")} == {"Kupiansk"}


def test_typos_resolve_to_the_place_meant(annotate):
    ents, _ = annotate("Troops left Bakhumet and moved toward Velyka Novoslika in the south.")
    found = {e.text: (e.label, e.canonical) for e in ents}
    assert found["Bakhumet"] == ("GPE", "Bakhmut")
    assert found["Velyka Novoslika"] == ("GPE", "Velyka Novosilka")
    assert all(e.reason.startswith("gaz.fuzzy") for e in ents if e.text in ("Bakhumet", "Velyka Novoslika"))


def test_transliterations_and_old_names(annotate):
    ents, _ = annotate("Reports came from Kharkov, Artemovsk and the Zaporizhia Oblast.")
    canon = {e.text: e.canonical for e in ents}
    assert canon["Kharkov"] == "Kharkiv"
    assert canon["Artemovsk"] == "Bakhmut"
    assert canon["Zaporizhia Oblast"] == "Zaporizhzhia Oblast"


def test_places_inside_a_front_line_name(annotate):
    ents, _ = annotate("Fighting continued along the Kupyansk-Svatove-Kreminna line.")
    assert [e.text for e in ents if e.label == "GPE"] == ["Kupyansk", "Svatove", "Kreminna"]


def test_an_acronym_in_parentheses_names_the_organisation_before_it(annotate):
    ents, _ = annotate("The Danish Ministry of Defense (MoD) denied the report. Later the MoD confirmed a delay.")
    mods = by_text(ents, "MoD")
    assert len(mods) == 2 and {e.canonical for e in mods} == {"Danish Ministry of Defense"}
    assert {e.label for e in mods} == {"ORG"}


def test_an_organisation_named_by_its_head_noun(annotate):
    ents, _ = annotate("Volunteers from the Poltava Civic Rescue Center arrived on Friday.")
    assert ("Poltava Civic Rescue Center", "ORG") in labels(ents)


def test_a_modifier_is_not_part_of_an_organisation(annotate):
    ents, _ = annotate("Head of the Kremlin-controlled Russian Orthodox Church Patriarch Kirill spoke.")
    assert ("Russian Orthodox Church", "ORG") in labels(ents)
    assert ("Kirill", "PERSON") in labels(ents)


def test_military_units(annotate):
    ents, _ = annotate(
        "The 92nd Separate Mechanized Brigade held while the 1st Guards Tank Army and the Wagner Group attacked, according to the Northern Grouping of Forces."
    )
    units = {e.text for e in ents if e.label == "MILITARY_UNIT"}
    assert units == {"92nd Separate Mechanized Brigade", "1st Guards Tank Army", "Wagner Group", "Northern Grouping of Forces"}


def test_groups_of_people(annotate):
    ents, _ = annotate("Russian and Ukrainian officials met Chechen commanders.")
    assert {e.text for e in ents if e.label == "NORP"} == {"Russian", "Ukrainian", "Chechen"}


def test_dates_carry_their_iso_value(annotate):
    ents, _ = annotate("Strikes came on the night of January 6 to 7 and again on 3 June.", published="2024-06-10")
    dates = {e.text: e.canonical for e in ents if e.label == "DATE"}
    assert dates == {"the night of January 6 to 7": "2024-01-06/2024-01-07", "3 June": "2024-06-03"}


def test_quantities_but_not_durations_or_designations(annotate):
    ents, _ = annotate(
        "At least 170 servicemen and six F-16 fighter jets were counted seven months later; the S-300 battery fired hundreds of missiles at a cost of $66,450."
    )
    quantities = {e.text for e in ents if e.label == "QUANTITY"}
    assert quantities == {"At least 170 servicemen", "six F-16 fighter jets", "hundreds of missiles", "$66,450"}


def test_footnote_markers_do_not_hide_names(annotate):
    text = "Russian forces attacked in Kharkiv Oblast.4 Putin spoke about it at Christmas.[12]"
    ents, _ = annotate(text)
    assert ("Kharkiv Oblast", "GPE") in labels(ents)
    assert all(text[e.start : e.end] == e.text for e in ents)


def test_curly_quotes_and_possessives(annotate):
    ents, _ = annotate("Zelensky’s office called the “Kupyansk” reports false.")
    assert ("Zelensky", "PERSON") in labels(ents)
    assert ("Kupyansk", "GPE") in labels(ents)


def test_common_capitalised_words_are_not_places(annotate):
    ents, _ = annotate("However, Therefore and Initially are words. Residents of Zelenopillia said so.")
    assert not [e for e in ents if e.label in ("GPE", "LOC")]


def test_a_name_broken_by_a_hard_wrap_still_matches(annotate):
    line = "The commander wrote in an essay published by the weekly magazine The"
    text = "\n".join(
        [
            line,
            "Economist that the war had reached a stalemate and that new technology",
            "would be needed to break through the defences, analysts said on Friday.",
            "Another long line of text follows here to make the document look wrapped.",
        ]
    )
    ents, _ = annotate(text)
    [economist] = [e for e in ents if e.canonical == "The Economist"]
    assert economist.text == "The\nEconomist"


def test_a_river_named_with_an_article(annotate):
    ents, _ = annotate("Russian forces withdrew from the right bank of the Dnipro, and later shelled Dnipro city.")
    labels_ = [(e.text, e.label, e.canonical) for e in ents if e.text == "Dnipro"]
    assert labels_ == [("Dnipro", "LOC", "Dnipro River"), ("Dnipro", "GPE", "Dnipro")]


def test_datelines_in_capitals(annotate):
    ents, _ = annotate("KYIV, Nov 3 - Ukrainian drones struck a depot.", published="2023-11-03")
    assert ("KYIV", "GPE") in labels(ents)


def test_number_ranges_and_rough_amounts(annotate):
    ents, _ = annotate("Teams of three to five soldiers crossed fields holding several million mines.")
    assert {e.text for e in ents if e.label == "QUANTITY"} == {"three to five soldiers", "several million mines"}


def test_a_possessive_splits_a_known_organisation_from_its_country(annotate):
    """Annotators split at the possessive ("Russia" + "Defence Ministry"); the organisation
    still resolves to its canonical name."""
    ents, _ = annotate("Russia's Defence Ministry said the attack failed.")
    assert [(e.text, e.label, e.canonical) for e in ents] == [
        ("Russia", "GPE", "Russia"),
        ("Defence Ministry", "ORG", "Russian Ministry of Defense"),
    ]


def test_a_leading_the_and_a_lower_case_type_word_are_not_part_of_a_name(annotate):
    ents, _ = annotate("Officials at the Kremlin said the Kakhovka dam was destroyed.")
    assert {(e.text, e.label) for e in ents} == {("Kremlin", "ORG"), ("Kakhovka", "GPE")}


def test_a_nationality_adjective_is_not_a_misspelt_place(annotate):
    ents, _ = annotate("Officials said the Crimean bridge was closed to traffic.")
    assert all(e.text != "Crimean" for e in ents)


def test_an_unknown_speaker_named_before_a_verb_of_saying(annotate):
    ents, _ = annotate("An adviser to the operator, Renat Karchaa, claimed that guards fired. Karchaa also said more.")
    assert [(e.text, e.canonical) for e in ents if e.label == "PERSON"] == [("Renat Karchaa", "Renat Karchaa"), ("Karchaa", "Renat Karchaa")]
