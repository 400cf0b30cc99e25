"""Document text as flat segments built from offsets, for escaped rendering.

The template writes each segment as one leaf element carrying its start offset, with the
segment's text as (auto-escaped) content: document text is never markup, and a browser
selection maps back to offsets from the leaf it falls in. Leaves never nest, so a claim
that contains mentions is just several leaves sharing the claim's class.

Some characters get a leaf of their own: a carriage return or NUL, because HTML parsing
turns "\\r\\n" into one character and drops NUL, which would shift the offsets after them; and bidirectional
controls (e.g. U+202E RIGHT-TO-LEFT OVERRIDE), which are isolated so they cannot reorder
the text around them, and shown by a visible marker.
"""

import re
from dataclasses import dataclass, field

BIDI_CONTROLS = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
SPLIT = {"\r", "\x00"}  # characters HTML parsing changes the length of (CRLF → LF; NUL dropped)
_OWN_LEAF = re.compile("[" + "".join(SPLIT) + "".join(BIDI_CONTROLS) + "]")
SHOWN = {"candidate", "accepted", "corrected"}  # rejected and withdrawn spans are not drawn in the text


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # "bp" (boilerplate), "mention", "claim"
    ref: str = ""  # "claim-7": the candidate this span belongs to
    label: str = ""  # mention label, shown as a tag after its last segment
    status: str = ""


@dataclass
class Segment:
    start: int
    text: str
    classes: list[str] = field(default_factory=list)
    ref: str = ""
    tag: str = ""  # label shown after the segment (end of a mention)
    control: str = ""  # name of a bidi control character


def spans_for(boilerplate: list[dict], mentions, claims) -> list[Span]:
    spans = [Span(b["start"], b["end"], "bp") for b in boilerplate or []]
    spans += [Span(m.start, m.end, "mention", f"mention-{m.id}", m.label, m.status) for m in mentions if m.status in SHOWN]
    spans += [Span(c.start, c.end, "claim", f"claim-{c.id}", "", c.status) for c in claims if c.status in SHOWN]
    return spans


def segments(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> list[Segment]:
    """Leaves covering text[start:end], each with the classes of every span over it."""
    end = len(text) if end is None else end
    cuts = {start, end}
    for s in spans:
        cuts.update(x for x in (s.start, s.end) if start < x < end)
    for found in _OWN_LEAF.finditer(text, start, end):
        cuts.update(found.span())
    bounds = sorted(cuts)
    starting: dict[int, list[Span]] = {}
    for s in spans:
        starting.setdefault(max(s.start, start), []).append(s)
    out, active = [], []
    for a, b in zip(bounds, bounds[1:]):  # sweep: the spans over [a, b) are those begun and not ended
        active = [s for s in active if s.end > a] + [s for s in starting.get(a, ()) if s.end > a]
        out.append(_segment(text, a, b, active))
    return out


def _segment(text: str, a: int, b: int, over: list[Span]) -> Segment:
    seg = Segment(a, text[a:b])
    for s in over:
        if s.kind == "bp":
            seg.classes.append("bp")
            continue
        seg.classes += [s.kind[0], f"{s.kind[0]}-{s.status}"] + ([f"l-{s.label}"] if s.label else [])
        if s.kind == "claim" and s.start == a:
            seg.classes.append("c-open")
        if s.kind == "claim" and s.end == b:
            seg.classes.append("c-close")
        if s.kind == "mention" and s.end == b:
            seg.tag = s.label
    # the innermost (shortest) span is what a click on this text means
    refs = sorted((s for s in over if s.ref), key=lambda s: s.end - s.start)
    seg.ref = refs[0].ref if refs else ""
    seg.control = BIDI_CONTROLS.get(seg.text, "")
    seg.classes = sorted(set(seg.classes)) + (["ctl"] if seg.control else [])
    return seg
