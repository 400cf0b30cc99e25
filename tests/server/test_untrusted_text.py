"""Document text, titles, labels and names are untrusted: shown as text, never run as markup."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = {
    "script": "<script>window.__xss=1</script>",
    "img": '<img src=x onerror="window.__xss=1">',
    "javascript": '<a href="javascript:window.__xss=1">click</a>',
    "htmx": '<div hx-post="/logout" hx-trigger="load">x</div>',
    "template": "{{ 7*7 }} {% if true %}yes{% endif %}",
    "rtl": "file\u202egnp.exe and more",
}
TEXT = "Officials said: " + " | ".join(HOSTILE.values()) + " end."


@pytest.fixture
def hostile(desk):
    doc = desk.document(TEXT, title='<img src=x onerror="window.__xss=1">\u202eeltit', publisher="<b>Pub</b>", url="javascript:window.__xss=1")
    claim = desk.claim(doc, TEXT, claimant="<script>window.__xss=1</script>", reason="<img src=x onerror=alert(1)>")
    entity = desk.entity("<svg onload=alert(1)>", "PERSON", aliases=["{{ 7*7 }}"])
    desk.mention(doc, "Officials", "PERSON", entity_id=entity)
    return {"doc": doc, "claim": claim, "entity": entity}


def pages(alice, hostile):
    return {
        "document": alice.get(f"/documents/{hostile['doc']}").text,
        "queue": alice.get("/queue").text,
        "claim": alice.get(f"/claims/{hostile['claim']}").text,
        "entity": alice.get(f"/entities/{hostile['entity']}").text,
    }


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_markup_is_escaped_on_every_page(alice, hostile, kind):
    for name, html in pages(alice, hostile).items():
        body = html[html.index("<main") :]
        assert "<script>window.__xss" not in body, name
        assert "<img src=x" not in body and "<svg onload" not in body and "<b>Pub</b>" not in body, name
        assert 'hx-post="/logout"' not in body, name
        if name in ("document", "claim", "entity"):
            assert "{{ 7*7 }}" in body, name  # template syntax in data is never evaluated
    document = pages(alice, hostile)["document"]
    escaped = {
        "script": "&lt;script&gt;window.__xss=1&lt;/script&gt;",
        "img": "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;",
        "javascript": "&lt;a href=&#34;javascript:window.__xss=1&#34;&gt;",
        "htmx": "&lt;div hx-post=&#34;/logout&#34; hx-trigger=&#34;load&#34;&gt;",
        "template": "{{ 7*7 }} {% if true %}yes{% endif %}",
        "rtl": "\u202e",
    }[kind]
    assert escaped in document


def test_a_javascript_url_is_never_a_link(alice, hostile):
    for html in pages(alice, hostile).values():
        assert 'href="javascript:' not in html
    assert "source: <bdi>javascript:window.__xss=1</bdi>" in pages(alice, hostile)["document"]


def test_rtl_override_is_isolated_and_shown(alice, hostile):
    html = pages(alice, hostile)["document"]
    leaf = re.search(r'<span data-s="(\d+)"[^>]*class="[^"]*ctl"[^>]*data-ctl="RLO">\u202e</span>', html)
    assert leaf and int(leaf.group(1)) == TEXT.index("\u202e")
    assert "<h1><bdi>&lt;img" in html  # titles and names sit in <bdi>: they cannot reorder the page around them


def test_the_document_text_is_marked_hx_disable(alice, hostile):
    assert re.search(r'<div id="doc-text"[^>]* hx-disable', pages(alice, hostile)["document"])


def test_a_hostile_offset_form_value_is_a_422_not_a_crash(alice, hostile, ledger):
    ledger.mark()
    response = alice.post(f"/review/documents/{hostile['doc']}/claims", {"start": "<script>", "end": "1"})
    assert response.status_code == 400 and ledger.written() == []


def test_templates_and_server_code_never_mark_text_safe_or_run_inline_script():
    templates = list((ROOT / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        source = path.read_text()
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), f"inline script in {path}"
        assert not re.search(r"\son[a-z]+\s*=", source), f"inline event handler in {path}"
        assert "hx-on" not in source and "http://" not in source and "https://" not in source.replace("https://news", ""), path
    for path in (ROOT / "server").rglob("*.py"):
        assert "Markup(" not in path.read_text(), path
