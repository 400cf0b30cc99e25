"""server.segments: text cut into flat leaves from offsets, covering every character once."""

from types import SimpleNamespace

from server.segments import Span, segments, spans_for

TEXT = "Officials in Kupiansk said it.\r\nMore\u202etext."


def cover(segs) -> str:
    return "".join(s.text for s in segs)


def test_leaves_cover_the_text_in_order_with_the_classes_of_every_span_over_them():
    spans = [Span(0, 30, "claim", "claim-1", status="candidate"), Span(13, 21, "mention", "mention-2", "GPE", "accepted")]
    segs = segments(TEXT, spans)
    assert cover(segs) == TEXT
    inner = next(s for s in segs if s.text == "Kupiansk")
    assert inner.start == 13 and inner.ref == "mention-2" and inner.tag == "GPE"  # the innermost span wins a click
    assert {"c", "c-candidate", "m", "m-accepted", "l-GPE"} <= set(inner.classes)
    assert "c-open" in segs[0].classes and any("c-close" in s.classes for s in segs)


def test_carriage_returns_and_bidi_controls_get_leaves_of_their_own():
    segs = segments(TEXT, [])
    assert [s.text for s in segs if s.text in ("\r", "\u202e")] == ["\r", "\u202e"]
    control = next(s for s in segs if s.text == "\u202e")
    assert control.control == "RLO" and "ctl" in control.classes and control.start == TEXT.index("\u202e")


def test_a_window_of_the_text_keeps_absolute_offsets():
    segs = segments(TEXT, [Span(13, 21, "mention", "mention-2", "GPE", "candidate")], 10, 25)
    assert cover(segs) == TEXT[10:25] and segs[0].start == 10


def test_rejected_and_withdrawn_candidates_are_not_drawn():
    items = [SimpleNamespace(id=1, start=0, end=5, label="PERSON", status=s) for s in ("rejected", "withdrawn", "accepted")]
    assert [s.status for s in spans_for([{"start": 1, "end": 2}], items, [])] == ["", "accepted"]
