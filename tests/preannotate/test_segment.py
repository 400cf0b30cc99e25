"""Newline-aware sentences: wraps, headlines, bullets and Key Takeaways."""

import textwrap

from annotate.preannotate.segment import segment
from annotate.preannotate.textprep import normalise


def sentences(text):
    return [(text[s.start : s.end], s.kind) for s in segment(text)]


def test_a_newline_before_lowercase_is_a_wrap():
    text = "Yet, despite clear rules, compliance remains\ninconsistent. This is new."
    assert [s for s, _ in sentences(text)] == ["Yet, despite clear rules, compliance remains\ninconsistent.", "This is new."]


def test_a_hard_wrapped_document_joins_lines_before_capitals():
    para = "The commander said that Russian forces will attack Kupiansk again soon, and that Kyiv will need new air defences. " * 3
    text = textwrap.fill(para, 70) + "\n\nShort Heading\n\nNext paragraph of text that is long enough to be a line."
    got = sentences(text)
    assert sum(kind == "body" for _, kind in got) == 4
    assert ("Short Heading", "heading") in got


def test_a_long_headline_is_not_joined_to_the_next_line():
    text = "Russia forcibly sends men who refused to fight to Kharkiv Oblast – ISW\nSoldiers. Photo: archive\n\nBody."
    assert sentences(text)[0] == ("Russia forcibly sends men who refused to fight to Kharkiv Oblast – ISW", "heading")


def test_bullets_and_takeaways():
    text = "Key Takeaways\n\n  • First point is here.\n  • Second point is here.\n\nBody sentence here."
    segs = segment(text)
    assert [(s.kind, s.takeaway) for s in segs] == [("heading", False), ("bullet", True), ("bullet", True), ("body", False)]


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "Gen. Syrskyi met U.S. officials. Frederick W. Kagan wrote on Jan. 5 about it. Done now."
    assert len(segment(text)) == 3


def test_normalising_keeps_every_offset():
    text = "“Kharkiv Oblast.4 and Christmas.[12]” —\u00a0it’s\tdone\r\n"
    assert len(normalise(text)) == len(text)
    assert normalise(text).startswith('"Kharkiv Oblast.  and Christmas.    "')


def test_a_line_holding_two_sentences_is_prose_not_a_headline():
    text = "Harbour Report\n\nThe port authority closed the northern quay to ships on March 3. Its\n\nengineers found cracks."
    kinds = dict(sentences(text))
    assert kinds["Harbour Report"] == "heading"
    assert kinds["The port authority closed the northern quay to ships on March 3."] == "body"


def test_pdf_text_with_lines_of_a_hundred_odd_characters_is_hard_wrapped():
    para = (
        "Harbour Master Anna Lind said the Northern Quay at Port Ellis would stay closed until Coast Guard "
        "Divers had inspected every Pier, and that the Ellis Ferry Company had agreed to move its Morning Star "
        "Crossings to the South Basin of Port Ellis for the Time Being. "
    ) * 5
    text = textwrap.fill(para, 110)  # a PDF page's width: lines of ~110 characters, many ending before a capital
    assert [kind for _, kind in sentences(text)] == ["body"] * 5
