"""Timeline data (JSON-ready) and its SVG drawing, with hostile claim text."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from annotate.linking.links import Links
from annotate.linking.threads import Threads
from annotate.linking.timeline import entity_timeline, render_svg, thread_timeline

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Officials said <script>alert("x")</script> & "Bakhmut" held\x0b firm.'


@pytest.fixture
def story(record, newsroom):
    city = newsroom.entity("Bakhmut", aliases=["Artemovsk"])
    alias = newsroom.entity("Artemovsk", merged_into=city)
    hedged = newsroom.story("w1.md", "2023-03-01", "Compass Wire", "Troops may withdraw from Bakhmut.", entity_ids=[city])[0]
    hostile = newsroom.story("n1.md", "2023-03-02", 'Northwatch <b>"Institute"</b>', HOSTILE, entity_ids=[city], event_date="2023-02-27")[0]
    done = newsroom.story("e1.md", "2023-05-21", "Eastbank Daily", "Russia said it captured Artemovsk.", entity_ids=[alias])[0]
    Links(record, "alice", "ui").link(done, hedged, "updates", rationale="it happened")
    Links(record, "alice", "ui").link(hostile, hedged, "contradicts")
    thread = Threads(record, "alice", "ui").create("Bakhmut <withdrawal>", [hedged, hostile, done]).state
    Threads(record, "lead", "ui").set_verdict(thread["id"], hedged, "corroborated", rationale="see May report", evidence=({"claim": done},))
    return {"thread": thread["id"], "city": city, "hedged": hedged, "hostile": hostile, "done": done}


def test_thread_timeline_json(record, story):
    with record.session() as s:
        data = thread_timeline(s, story["thread"])
        by_publication = thread_timeline(s, story["thread"], axis="published")
    json.dumps(data)  # JSON-ready
    assert [lane["label"] for lane in data["lanes"]] == ['Northwatch <b>"Institute"</b>', "Compass Wire", "Eastbank Daily"]
    dates = {c["id"]: (c["date"], c["date_source"]) for c in data["claims"]}
    assert dates[story["hostile"]] == ("2023-02-27", "event")
    assert dates[story["hedged"]] == ("2023-03-01", "published")
    assert {c["id"]: c["date"] for c in by_publication["claims"]}[story["hostile"]] == "2023-03-02"
    assert {(x["a"], x["b"], x["relation"]) for x in data["links"]} == {
        (story["done"], story["hedged"], "updates"),
        (story["hostile"], story["hedged"], "contradicts"),
    }
    [change] = data["verdicts"]
    assert (change["claim_id"], change["verdict"], change["actor"]) == (story["hedged"], "corroborated", "lead")
    assert change["date"] == "2023-05-21"  # placed at its evidence
    assert {c["id"]: c["verdict"] for c in data["claims"]}[story["hedged"]] == "corroborated"


def test_entity_timeline_covers_merged_spellings(record, story):
    with record.session() as s:
        data = entity_timeline(s, story["city"])
    assert {c["id"] for c in data["claims"]} == {story["hedged"], story["hostile"], story["done"]}
    assert data["verdicts"] == []


def test_svg_is_well_formed_and_escapes_everything(record, story):
    with record.session() as s:
        svg = render_svg(thread_timeline(s, story["thread"]))
    root = ET.fromstring(svg)  # well-formed XML despite control characters, <, & and quotes in the data
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert any(HOSTILE.replace("\x0b", "") in (t or "") for t in titles)  # the tooltip reads as written
    assert root.find(f"{SVG}text").text == "Bakhmut <withdrawal>"
    axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "axis")
    ticks = [t.text for t in axis.iter(f"{SVG}text")]
    assert "Mar 2023" in ticks and "May 2023" in ticks  # month ticks, each with its year
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t) for t in ticks), ticks
    paths = {p.get("class"): p for p in root.iter(f"{SVG}path") if (p.get("class") or "").startswith("link")}
    assert paths["link link-updates"].get("marker-end") == "url(#arrow)"
    assert paths["link link-contradicts"].get("stroke-dasharray") != paths["link link-updates"].get("stroke-dasharray")
    assert [g for g in root.iter(f"{SVG}g") if g.get("class") == "verdict"]
    assert {g.get("class") for g in root.iter(f"{SVG}g")} >= {"legend-same_event", "legend-supports", "legend-contradicts", "legend-updates"}


def test_empty_timeline_renders(record, newsroom):
    thread = Threads(record, "alice", "ui").create("Empty", []).state
    with record.session() as s:
        ET.fromstring(render_svg(thread_timeline(s, thread["id"])))


def test_a_long_axis_says_the_year_on_every_tick_without_crowding():
    from datetime import date

    from annotate.linking import timeline_svg

    axis = timeline_svg._axis(date(2019, 5, 1), date(2024, 2, 1), lambda day: 0, 100)
    ticks = re.findall(r">([A-Z][a-z]{2} \d{4})<", axis)
    assert ticks and len(ticks) == axis.count("<text")  # every label is a month and its year
    assert len(ticks) <= (timeline_svg.WIDTH - timeline_svg.LEFT - timeline_svg.RIGHT) // timeline_svg.TICK_ROOM
