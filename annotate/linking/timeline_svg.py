"""Draw a timeline (annotate.linking.timeline) as a standalone, printable SVG: no JavaScript.

Month ticks on a date axis, one lane per source, a dot per claim with a <title> tooltip,
arcs for links styled by relation with colour *and* dash pattern and end marker (so a
print in black and white still tells them apart), verdict changes as labelled flags,
and a legend. Claims are untrusted text: everything written goes through `esc`.
"""

import re
from datetime import date
from html import escape

WIDTH = 1100
LEFT = 190  # lane labels
TICK_ROOM = 64  # pixels a tick's label ("Sep 2023") needs
RIGHT = 30
TOP = 112  # title and legend
LANE = 44  # lane height for one row of dots
ROW = 11  # extra height per stacked row of dots
MAX_ROWS = 6
DOT = 5
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

RELATION_STYLE = {  # colour, dash pattern, end marker, legend label
    "same_event": ("#33658a", "", "", "same event"),
    "supports": ("#2f7d32", "7 4", "", "supports"),
    "contradicts": ("#c0392b", "2 3", "url(#bar)", "contradicts"),
    "updates": ("#7b4fa0", "10 3 2 3", "url(#arrow)", "updates (arrow to the newer claim)"),
}
VERDICT_FILL = {
    None: "#ffffff",
    "unassessed": "#d9d9d9",
    "corroborated": "#2f7d32",
    "contested": "#e69f00",
    "refuted": "#c0392b",
    "unverifiable": "#7b4fa0",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(value) -> str:
    """Text safe inside an SVG element or a double-quoted attribute (and valid XML 1.0)."""
    return escape(_NOT_XML.sub("", str(value)), quote=True)


def render_svg(timeline: dict) -> str:
    claims = timeline["claims"]
    lanes = [lane["id"] for lane in timeline["lanes"]]
    start, end = _span(claims)
    x = _scale(start, end)
    rows = _stack(claims, x)
    lane_top, depth, height = _layout(lanes, claims, rows)
    pos = {c["id"]: (x(c["date"]), lane_top[c["lane"]] + LANE / 2 + rows[c["id"]] * ROW) for c in claims}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-labelledby="tl-title">',
        _defs(),
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<title id="tl-title">{esc(_caption(timeline))}</title>',
        f'<text x="{LEFT}" y="24" font-size="16" font-weight="bold">{esc(timeline["title"])}</text>',
        f'<text x="{LEFT}" y="42" fill="#555">{esc(_subtitle(timeline, len(claims)))}</text>',
        _legend(),
        _lanes(lanes, lane_top, depth),
        _axis(start, end, x, height - 40),
        *(_link(link, pos) for link in timeline["links"]),
        *(_dot(c, *pos[c["id"]]) for c in claims),
        *(_verdict(v, pos, x) for v in timeline.get("verdicts", [])),
        "</svg>",
    ]
    return "\n".join(p for p in parts if p)


def _caption(t: dict) -> str:
    return f"Timeline of {t['kind']} {t['title']}: {len(t['claims'])} claims, {len(t['links'])} links"


def _subtitle(t: dict, n: int) -> str:
    by = "event date (publication date where none)" if t["axis"] == "event" else "publication date"
    return f"{n} claims from {len(t['lanes'])} sources, by {by}" + (f"; {len(t['undated'])} undated not shown" if t.get("undated") else "")


def _defs() -> str:
    return (
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#7b4fa0"/></marker>'
        '<marker id="bar" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="8" markerHeight="8" orient="auto">'
        '<path d="M5,0 L5,10" stroke="#c0392b" stroke-width="2.5"/></marker>'
        "</defs>"
    )


def _legend() -> str:
    items, x = [], LEFT
    for relation, (colour, dash, marker, label) in RELATION_STYLE.items():
        line = (
            f'<line x1="{x}" y1="62" x2="{x + 34}" y2="62" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + (f' marker-end="{marker}"' if marker else "")
            + "/>"
        )
        items.append(f'<g class="legend-{relation}">{line}<text x="{x + 40}" y="66">{esc(label)}</text></g>')
        x += 60 + 7 * len(label)
    x = LEFT
    for verdict, fill in VERDICT_FILL.items():
        if verdict is None:
            continue
        items.append(f'<circle cx="{x + 5}" cy="82" r="{DOT}" fill="{fill}" stroke="#222"/><text x="{x + 14}" y="86">{esc(verdict)}</text>')
        x += 30 + 7 * len(verdict)
    return '<g class="legend">' + "".join(items) + "</g>"


def _span(claims: list[dict]) -> tuple[date, date]:
    days = [date.fromisoformat(c["date"]) for c in claims] or [date.today()]
    first, last = min(days), max(days)
    start = date(first.year, first.month, 1)
    end = date(last.year + last.month // 12, last.month % 12 + 1, 1)  # first day of the next month
    return start, end


def _scale(start: date, end: date):
    span = max((end - start).days, 1)
    width = WIDTH - LEFT - RIGHT

    def x(day: str) -> float:
        return round(LEFT + (date.fromisoformat(day) - start).days / span * width, 1)

    return x


def _stack(claims: list[dict], x) -> dict[int, int]:
    """Row of each dot inside its lane, so dots on the same days sit side by side, not on top of each other."""
    rows, last = {}, {}
    for c in claims:
        ends = last.setdefault(c["lane"], [])
        px = x(c["date"])
        row = next((i for i, e in enumerate(ends) if px - e >= 2 * DOT + 2), None)
        if row is None:
            row = len(ends) if len(ends) < MAX_ROWS else min(range(len(ends)), key=lambda i: ends[i])
            if row == len(ends):
                ends.append(px)
        ends[row] = px
        rows[c["id"]] = row
    return rows


def _layout(lanes: list[str], claims: list[dict], rows: dict[int, int]) -> tuple[dict[str, float], dict[str, int], int]:
    """Top of each lane, its number of extra rows, and the height of the whole drawing."""
    depth = dict.fromkeys(lanes, 0)
    for c in claims:
        depth[c["lane"]] = max(depth[c["lane"]], rows[c["id"]])
    tops, y = {}, TOP
    for lane in lanes:
        tops[lane] = y
        y += LANE + ROW * depth[lane]
    return tops, depth, int(y + 50)


def _lanes(lanes: list[str], tops: dict[str, float], depth: dict[str, int]) -> str:
    bands = []
    for i, lane in enumerate(lanes):
        h = LANE + ROW * depth[lane]
        short = lane if len(lane) <= 26 else lane[:25] + "…"
        bands.append(
            f'<g class="lane"><rect x="0" y="{tops[lane]}" width="{WIDTH}" height="{h}" fill="{"#f4f6f8" if i % 2 else "#ffffff"}"/>'
            f'<text x="10" y="{tops[lane] + LANE / 2 + 4}" font-weight="bold">{esc(short)}<title>{esc(lane)}</title></text></g>'
        )
    return "".join(bands)


def _axis(start: date, end: date, x, y: float) -> str:
    ticks, (year, month) = [], (start.year, start.month)
    months = (end.year - start.year) * 12 + end.month - start.month
    room = (WIDTH - RIGHT - LEFT) // TICK_ROOM  # labels that fit side by side, each with its year
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if months // s + 1 <= room), 120)
    if step >= 12:
        year, month = year + (month > 1), 1  # whole years: ticks on January
    while (year, month) <= (end.year, end.month):
        day = date(year, month, 1).isoformat()
        label = f"{MONTHS[month - 1]} {year}"  # every tick says its year: a reader never counts back to the last January
        ticks.append(
            f'<line x1="{x(day)}" y1="{y}" x2="{x(day)}" y2="{y + 5}" stroke="#222"/><text x="{x(day)}" y="{y + 18}" text-anchor="middle">{esc(label)}</text>'
        )
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f'<g class="axis"><line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#222"/>' + "".join(ticks) + "</g>"


def _link(link: dict, pos: dict) -> str:
    (x1, y1), (x2, y2) = pos[link["a"]], pos[link["b"]]
    if link["relation"] == "updates" and x1 > x2:  # arrow points at the newer claim
        (x1, y1), (x2, y2) = (x2, y2), (x1, y1)
    colour, dash, marker, label = RELATION_STYLE.get(link["relation"], ("#555", "1 2", "", link["relation"]))
    lift = min(60.0, 12 + abs(x2 - x1) / 6)
    d = f"M{x1},{y1} Q{(x1 + x2) / 2},{min(y1, y2) - lift} {x2},{y2}"
    return (
        f'<path class="link link-{esc(link["relation"])}" d="{d}" fill="none" stroke="{colour}" stroke-width="1.6"'
        + (f' stroke-dasharray="{dash}"' if dash else "")
        + (f' marker-end="{marker}"' if marker else "")
        + f"><title>{esc(label)}: claim {link['a']} → claim {link['b']}</title></path>"
    )


def _dot(c: dict, x: float, y: float) -> str:
    tip = f"“{c['quote']}” — {c.get('claimant') or 'unattributed'}; {c['lane']}, {c['date']}"
    if c.get("verdict"):
        tip += f"; verdict: {c['verdict']}"
    return (
        f'<circle class="claim" data-claim="{c["id"]}" cx="{x}" cy="{y}" r="{DOT}" '
        f'fill="{VERDICT_FILL.get(c.get("verdict"), "#fff")}" stroke="#222"><title>{esc(tip)}</title></circle>'
    )


def _verdict(v: dict, pos: dict, x) -> str:
    if v["claim_id"] not in pos:
        return ""
    px, py = x(v["date"]), pos[v["claim_id"]][1]
    fill = VERDICT_FILL.get(v["verdict"], "#fff")
    tip = f"{v['previous']} → {v['verdict']} by {v['actor']} at {v['at']}" + (f": {v['rationale']}" if v.get("rationale") else "")
    return (
        f'<g class="verdict"><path d="M{px},{py - 8} l0,-16 l10,4 l-10,4" fill="{fill}" stroke="#222"/>'
        f'<text x="{px + 12}" y="{py - 16}" font-size="10">{esc(v["verdict"])}</text><title>{esc(tip)}</title></g>'
    )
