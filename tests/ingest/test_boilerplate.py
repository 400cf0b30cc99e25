"""Boilerplate: repeated blocks across documents and site banners, as offsets into the text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.ingest import boilerplate_spans, paragraph_hash, paragraphs


def frequency_from(*others: str):
    """doc_frequency as the pipeline would give it: in how many of the other texts a hash appears."""
    sets = [{p.hash for p in paragraphs(t)} for t in others]
    return lambda h: sum(h in s for s in sets)


def marked(text: str, spans: list[dict], reason: str | None = None) -> list[str]:
    return [text[s["start"] : s["end"]] for s in spans if reason is None or s["reason"] == reason]


FOOTER = (
    "About the Riverside Policy Centre: we study water, energy and cities across the region.\n\n"
    "Our work is funded by members and foundations, and none of it by governments or parties."
)
QUOTE = "The ministry said that all twelve pumping stations were working normally again by Sunday night."


def article(body: str, footer: str = FOOTER) -> str:
    return f"Pumps restored\n\n{body}\n\nShare the Post:\n\n{footer}\n"


# --- paragraphs -----------------------------------------------------------------------------


def test_paragraphs_are_trimmed_blocks_between_blank_lines():
    text = "  Title line  \r\n\r\nFirst para\nstill first.\n \t \nSecond para.\n\n\n"
    pars = paragraphs(text)
    assert [text[p.start : p.end] for p in pars] == ["Title line", "First para\nstill first.", "Second para."]


def test_hash_ignores_case_punctuation_and_rewrapping_but_not_words():
    a = "The Dam held — officials said “all clear”."
    assert paragraph_hash(a) == paragraph_hash("the dam held,\nofficials said 'all clear'")
    assert paragraph_hash(a) == paragraph_hash("ＴＨＥ DAM HELD officials said all clear")  # NFKC: full-width letters
    assert paragraph_hash(a) != paragraph_hash("The dam failed, officials said all clear.")
    assert len(paragraph_hash(a)) == 16 and int(paragraph_hash(a), 16) >= 0


# --- repeated blocks ------------------------------------------------------------------------


def test_run_of_repeated_paragraphs_is_marked_with_the_short_lines_next_to_it():
    one = article("Pumping stations in the east district restarted after a two-day outage.")
    two = article("A second article about a power cut in the northern suburbs of the city.")
    spans = boilerplate_spans(one, frequency_from(two))
    assert marked(one, spans) == ["Share the Post:\n\n" + FOOTER]
    assert spans[0]["reason"] == "repeated" and spans[0]["end"] == len(one) - 1


def test_a_single_repeated_paragraph_is_a_quote_not_boilerplate():
    one = f"Pumps restored\n\nOfficials gave an update on Monday.\n\n{QUOTE}\n\nRepairs will continue through the week."
    two = f"Water back on\n\nA different story about the same city entirely.\n\n{QUOTE}\n\nResidents were relieved."
    assert boilerplate_spans(one, frequency_from(two)) == []


def test_short_paragraphs_alone_never_make_a_run():
    one = "Notes\n\nWilson Center\n\nKey Takeaways\n\nA paragraph of this document's own making, long enough."
    assert boilerplate_spans(one, lambda h: 5) == []


def test_nothing_is_repeated_without_other_documents():
    text = article("Pumping stations in the east district restarted after a two-day outage.")
    assert marked(text, boilerplate_spans(text, lambda h: 0), "repeated") == []


def test_frequency_lookups_that_return_none_count_as_zero():
    text = article("Pumping stations in the east district restarted after a two-day outage.")
    assert boilerplate_spans(text, {}.get) == boilerplate_spans(text, lambda h: 0)


def test_short_repeated_tagline_at_the_end_is_marked():
    tagline = "Harbour Wire. News you can trust, every hour."
    one = f"Storm closes port\n\nThe port closed on Tuesday as winds rose above 90 km/h.\n\n{tagline}\n"
    two = f"Ferry delayed\n\nThe morning ferry left two hours late because of fog.\n\n{tagline}\n"
    assert marked(one, boilerplate_spans(one, frequency_from(two))) == [tagline]


def test_headlines_outlet_names_and_dates_shared_by_two_documents_are_not_boilerplate():
    one = "Port reopens\n\nHarbour Policy Institute\n\nShips entered the port again on Monday.\n\nMay 3, 2024"
    two = "Port reopens\n\nHarbour Policy Institute\n\nA different body about the same port.\n\nMay 3, 2024"
    assert boilerplate_spans(one, frequency_from(two)) == []


def test_a_document_that_is_entirely_repeated_is_not_marked_at_its_edges():
    text = "Short repeated line one.\n\nShort repeated line two!"
    assert boilerplate_spans(text, lambda h: 1) == []


def test_seed_block_shared_by_the_two_isw_reports_is_repeated_in_both(seed):
    first, second = seed("000"), seed("001")
    for text, other in ((first, second), (second, first)):
        spans = boilerplate_spans(text, frequency_from(other))
        repeated = [s for s in spans if s["reason"] == "repeated"]
        assert len(repeated) == 1
        block = text[repeated[0]["start"] : repeated[0]["end"]]
        assert block.startswith("Share the Post:\n\nWilson Center\n\nForced displacement")
        assert block.endswith("proactive intervention.")
        assert "Key Takeaways" not in block and "Putin" not in block


def test_seed_002_quotes_isw_without_losing_the_quote(seed):
    text = seed("002")
    spans = boilerplate_spans(text, frequency_from(seed("000"), seed("001"), seed("003")))
    assert marked(text, spans, "banner") == ["Support Us", "Support UP or become our patron!"]
    assert spans[0]["start"] == 0
    assert not marked(text, spans, "repeated")


# --- banners --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Support Us",
        "Share the Post:",
        "Share this",
        "SUBSCRIBE",
        "Donate now",
        "Follow us on Telegram",
        "© 2024 Harbour Wire. All rights reserved.",
        "We use cookies to improve your experience.",
        "Sign up for our newsletter",
        "Click here to read the full report.",
        "Related Posts",
        "News | World | Opinion | Sport",
        "Share  Print  Save",
        "Become a supporter today!",
    ],
)
def test_banner_lines(line):
    text = f"Storm closes port\n\n{line}\n\nThe port closed on Tuesday as winds rose above 90 km/h."
    assert marked(text, boilerplate_spans(text, lambda h: 0)) == [line]


@pytest.mark.parametrize(
    "line",
    [
        "Share prices fell four percent on Monday after the report.",
        "Readers who donate keep this project alive, the editor said in a letter to subscribers last year.",
        "Ukraine hopes to become a member of NATO.",
        "Subscribers to the service rose sharply.",
        "We urge governments and donors to support the families who fled and to share the costs of housing them fairly across all regions of the country.",
    ],
)
def test_sentences_that_mention_such_words_are_not_banners(line):
    text = f"Storm closes port\n\n{line}\n\nThe port closed on Tuesday as winds rose above 90 km/h."
    assert boilerplate_spans(text, lambda h: 0) == []


def test_banners_at_the_end_merge_into_one_span():
    text = "Body of the article, long enough to be its own.\n\nShare\n\nRelated Posts\n"
    assert marked(text, boilerplate_spans(text, lambda h: 0)) == ["Share\n\nRelated Posts"]


# --- properties -----------------------------------------------------------------------------

lines = st.sampled_from(
    ["Support Us", "Share the Post:", "", "", "Wilson Center", QUOTE, FOOTER, "x", "A line of this document's own, long enough to count as text.", "  ", "\r"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(lines, max_size=30), st.sets(st.integers(0, 30)))
def test_spans_are_sorted_disjoint_and_inside_the_text(parts, repeated_positions):
    text = "\n".join(parts)
    repeated = {p.hash for i, p in enumerate(paragraphs(text)) if i in repeated_positions}
    spans = boilerplate_spans(text, lambda h: int(h in repeated))
    for span in spans:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert span["reason"] in ("repeated", "banner")
        assert text[span["start"] : span["end"]].strip() == text[span["start"] : span["end"]]
    for a, b in zip(spans, spans[1:]):
        assert a["end"] < b["start"] and text[a["end"] : b["start"]].strip()


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_paragraph_offsets_index_the_text(text):
    pars = paragraphs(text)
    for p in pars:
        chunk = text[p.start : p.end]
        assert chunk and chunk == chunk.strip() and "\n\n" not in chunk.replace("\r", "")
        assert p.hash == paragraph_hash(chunk)
    assert all(a.end < b.start for a, b in zip(pars, pars[1:]))
