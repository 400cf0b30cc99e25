"""Readers: every format in, exact text out, and one clear ReadError per bad file or record."""

import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.ingest import ReadError, SourceDocument, expand_paths, limits, read_path, read_paths

BAD_BYTE = b"\xff"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


def write(path: Path, content: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return str(path)


def read_one(path: str) -> SourceDocument | ReadError:
    items = list(read_path(path))
    assert len(items) == 1, items
    return items[0]


def errors(items) -> list[ReadError]:
    return [i for i in items if isinstance(i, ReadError)]


def docs(items) -> list[SourceDocument]:
    return [i for i in items if isinstance(i, SourceDocument)]


# --- plain text and markdown -------------------------------------------------------------


def test_txt_keeps_text_exactly_including_crlf_and_unicode(tmp_path):
    body = "Harbour report\r\n\r\nThe ferry “Aurora” left Odesa at 06:10.\r\n  Indented line\t\r\n"
    doc = read_one(write(tmp_path / "notes" / "harbour.txt", body))
    assert doc.text == body
    assert doc.file_name == "harbour.txt"
    assert doc.path == str(tmp_path / "notes" / "harbour.txt")
    assert doc.format == "txt"


def test_utf8_bom_is_stripped_and_nothing_else_changes(tmp_path):
    doc = read_one(write(tmp_path / "bom.txt", "\ufeffGrain corridor update\n\nShips resumed sailing.\n"))
    assert doc.text == "Grain corridor update\n\nShips resumed sailing.\n"


def test_markdown_front_matter_gives_metadata_and_verbatim_body(tmp_path):
    source = (
        "---\n"
        "title: Port traffic rises in spring\n"
        "source: Black Sea Shipping Monitor\n"
        "url: https://example.org/port-traffic\n"
        "published: 2024-03-18\n"
        "tags: [shipping, grain]\n"
        "reviewed: 2024-03-20\n"
        "---\n"
        "# Port traffic rises in spring\n\nBody *markdown* stays as written.\n"
    )
    doc = read_one(write(tmp_path / "port.md", source))
    assert doc.text == "# Port traffic rises in spring\n\nBody *markdown* stays as written.\n"
    assert doc.format == "md"
    assert (doc.title, doc.publisher, doc.url, doc.published) == (
        "Port traffic rises in spring",
        "Black Sea Shipping Monitor",
        "https://example.org/port-traffic",
        "2024-03-18",
    )
    assert doc.inferred == {"title": False, "publisher": False, "published": False}
    assert doc.meta == {"tags": ["shipping", "grain"], "reviewed": "2024-03-20"}
    json.dumps(doc.meta)  # stored as JSON


def test_front_matter_in_txt_with_crlf_and_partial_dates(tmp_path):
    doc = read_one(write(tmp_path / "a.txt", "---\r\ntitle: Winter fuel stocks\r\npublished: March 2023\r\n---\r\nStocks fell.\r\n"))
    assert doc.text == "Stocks fell.\r\n"
    assert doc.published == "2023-03"
    assert doc.format == "txt"


def test_missing_front_matter_fields_are_inferred_and_flagged(tmp_path):
    source = "---\ntitle: Given title here\n---\nMay 2, 2024\n\nCoastal Research Institute\n\nThe dam held overnight.\n"
    doc = read_one(write(tmp_path / "dam.md", source))
    assert doc.title == "Given title here" and not doc.inferred["title"]
    assert doc.published == "2024-05-02" and doc.inferred["published"]
    assert doc.publisher == "Coastal Research Institute" and doc.inferred["publisher"]


def test_date_alias_and_publisher_alias_are_accepted(tmp_path):
    doc = read_one(write(tmp_path / "a.md", "---\ndate: 5 April 2023\npublisher: Field Notes Press\n---\nText body.\n"))
    assert (doc.published, doc.publisher) == ("2023-04-05", "Field Notes Press")


@pytest.mark.parametrize(
    "front, line, field, words",
    [
        ("title: [unclosed\n", 2, None, "invalid YAML"),
        ("- just\n- a list\n", 2, None, "not a list"),
        ("title: Fine\npublished: sometime soon\n", 3, "published", "as a date"),
        ("title: Fine\npublished: 2023-02-30\n", 3, "published", "as a date"),
        ("title: Fine\npublished: 05/04/2023\n", 3, "published", "ambiguous"),
        ("title: {nested: mapping}\n", 2, "title", "expected text"),
    ],
)
def test_broken_front_matter_names_file_line_and_field(tmp_path, front, line, field, words):
    path = write(tmp_path / "broken.md", f"---\n{front}---\nBody text.\n")
    err = read_one(path)
    assert isinstance(err, ReadError)
    assert (err.line, err.field) == (line, field)
    assert words in err.reason
    message = str(err)
    assert message.startswith(f"{path}:{line}: ")
    assert field is None or f"field '{field}'" in message


def test_unclosed_front_matter_is_an_error_but_a_leading_rule_is_text(tmp_path):
    err = read_one(write(tmp_path / "open.md", "---\ntitle: Never closed\n\nBody\n"))
    assert isinstance(err, ReadError) and err.line == 1 and "never closed" in err.reason
    doc = read_one(write(tmp_path / "rule.md", "---\n\nA page that opens with a horizontal rule.\n"))
    assert doc.text == "---\n\nA page that opens with a horizontal rule.\n"


def test_front_matter_without_body_is_an_error(tmp_path):
    err = read_one(write(tmp_path / "meta-only.md", "---\ntitle: Only metadata\n---\n\n"))
    assert isinstance(err, ReadError) and "no text" in err.reason


# --- files that cannot be read --------------------------------------------------------------


def test_binary_file_is_refused(tmp_path):
    err = read_one(write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert isinstance(err, ReadError) and "binary" in err.reason


def test_utf16_file_gets_a_helpful_message(tmp_path):
    err = read_one(write(tmp_path / "u16.txt", "Report text".encode("utf-16")))
    assert isinstance(err, ReadError) and "UTF-16" in err.reason


def test_invalid_utf8_names_byte_offset_and_line(tmp_path):
    raw = "First line\nSecond line café\n".encode() + b"Third \xff line\n"
    err = read_one(write(tmp_path / "latin.txt", raw))
    assert isinstance(err, ReadError)
    assert err.line == 3
    assert f"byte offset {raw.index(BAD_BYTE)}" in err.reason


@pytest.mark.parametrize("content, words", [(b"", "empty"), (b"  \n\t\r\n  ", "whitespace"), (b"\xef\xbb\xbf \n", "whitespace")])
def test_empty_or_whitespace_file_is_refused(tmp_path, content, words):
    err = read_one(write(tmp_path / "blank.txt", content))
    assert isinstance(err, ReadError) and words in err.reason


def test_file_over_the_limit_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(limits.MAX_BYTES + 1)  # sparse: no disk used, and reading it would be slow
    started = time.perf_counter()
    err = read_one(str(big))
    assert time.perf_counter() - started < 1
    assert isinstance(err, ReadError) and "limit" in err.reason and "50.0 MB" in err.reason


def test_limit_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BYTES", 64)
    monkeypatch.setattr(limits, "JSON_BYTES", 64)
    for name in ("long.txt", "long.jsonl", "long.html", "long.json"):
        err = read_one(write(tmp_path / name, "x" * 65))
        assert isinstance(err, ReadError) and "limit" in err.reason, name


def test_a_json_task_list_has_a_limit_of_its_own_above_a_document_file(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BYTES", 200)
    tasks = [{"data": {"text": f"Report {n}: the ferry to the island ran again on Monday after the storm."}} for n in range(5)]
    path = write(tmp_path / "tasks.json", json.dumps(tasks))
    assert os.path.getsize(path) > 200
    assert [type(item).__name__ for item in read_paths([path])] == ["SourceDocument"] * 5
    err = read_one(write(tmp_path / "long.txt", "x" * 201))
    assert isinstance(err, ReadError) and "limit" in err.reason  # a document's file keeps the readers' limit
    monkeypatch.setattr(limits, "JSON_BYTES", 200)
    err = read_one(path)
    assert isinstance(err, ReadError) and "limit" in err.reason


def test_unsupported_extension_and_missing_path(tmp_path):
    err = read_one(write(tmp_path / "scan.pdf", b"%PDF-1.7"))
    assert isinstance(err, ReadError) and "unsupported" in err.reason and ".pdf" in err.reason
    err = read_one(str(tmp_path / "nowhere.txt"))
    assert isinstance(err, ReadError) and "no such file" in err.reason


def test_bad_files_never_stop_a_batch(tmp_path):
    paths = [
        write(tmp_path / "1-good.txt", "Reservoir levels steady\n\nLevels held at 80 percent.\n"),
        write(tmp_path / "2-binary.txt", b"\x00\x01\x02"),
        str(tmp_path / "3-missing.txt"),
        write(tmp_path / "4-broken.md", "---\ntitle: [\n---\nBody\n"),
        write(tmp_path / "5-good.md", "Bridge reopened to traffic\n\nCars crossed again on Monday.\n"),
    ]
    items = list(read_paths(paths))
    assert [type(i).__name__ for i in items] == [
        "SourceDocument",
        "ReadError",
        "ReadError",
        "ReadError",
        "SourceDocument",
    ]
    assert [d.file_name for d in docs(items)] == ["1-good.txt", "5-good.md"]


# --- finding files ----------------------------------------------------------------------------


def test_folders_expand_recursively_sorted_supported_only(tmp_path):
    for name in ("b.txt", "a.md", "sub/c.html", "sub/deeper/d.jsonl", "sub/e.json", "skip.pdf", ".hidden.txt", ".git/config.txt", "UPPER.TXT"):
        write(tmp_path / name, "x")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in expand_paths([str(tmp_path)])]
    assert found == ["UPPER.TXT", "a.md", "b.txt", "sub/c.html", "sub/deeper/d.jsonl", "sub/e.json"]


def test_globs_missing_paths_empty_folders_and_duplicates(tmp_path):
    write(tmp_path / "r1.txt", "x")
    write(tmp_path / "r2.txt", "x")
    (tmp_path / "empty").mkdir()
    items = list(
        expand_paths([str(tmp_path / "r*.txt"), str(tmp_path / "r1.txt"), str(tmp_path / "nope.txt"), str(tmp_path / "*.html"), str(tmp_path / "empty")])
    )
    assert items[:2] == [str(tmp_path / "r1.txt"), str(tmp_path / "r2.txt")]  # r1 given twice, listed once
    reasons = [e.reason for e in errors(items)]
    assert len(items) == 5 and len(reasons) == 3
    assert "no such file" in reasons[0] and "no files match" in reasons[1] and "no files of a supported type" in reasons[2]


def test_tilde_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write(tmp_path / "home.txt", "Some report text\n")
    assert list(expand_paths(["~/home.txt"])) == [str(tmp_path / "home.txt")]


# --- HTML -------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="en"><head>
<title>Flood barrier holds | River Desk</title>
<meta property="og:title" content="Flood barrier holds after storm">
<meta property="og:site_name" content="River Desk">
<meta property="article:published_time" content="2024-02-11T21:05:00+02:00">
<meta name="description" content="A short summary.">
<link rel="canonical" href="https://example.org/flood-barrier">
<script>document.write("<p>injected</p>")</script><style>p { color: red }</style>
</head><body>
<nav>Home   |   <a href="/donate">Donate</a></nav>
<h1>Flood barrier   holds</h1>
<p onclick="steal()">The barrier on the
   lower river <b>held</b> overnight.<img src="x" onerror="alert('pwned')"></p>
<div hx-get="/admin/delete" hx-trigger="load">Engineers checked the gates.</div>
<p>Line one<br>Line two</p>
<ul><li>Gate A</li><li>Gate B</li></ul>
<noscript>Enable JavaScript</noscript><template><p>hidden template</p></template>
<iframe src="https://tracker.example"></iframe><svg><text>chart label</text></svg>
<!-- editor note: check figures -->
<p>A reader wrote &lt;script&gt; in a comment.</p>
</body></html>
"""


def test_html_keeps_readable_text_in_blocks(tmp_path):
    doc = read_one(write(tmp_path / "flood.html", PAGE))
    assert doc.format == "html"
    assert doc.text.split("\n\n") == [
        "Home | Donate",
        "Flood barrier holds",
        "The barrier on the lower river held overnight.",
        "Engineers checked the gates.",
        "Line one\nLine two",
        "Gate A",
        "Gate B",
        "A reader wrote <script> in a comment.",  # text the page shows, not markup
    ]


def test_html_drops_hostile_markup(tmp_path):
    text = read_one(write(tmp_path / "flood.htm", PAGE)).text
    for gone in (
        "injected",
        "onerror",
        "alert",
        "hx-get",
        "onclick",
        "steal",
        "color: red",
        "Enable JavaScript",
        "hidden template",
        "tracker",
        "chart label",
        "editor note",
        "<p",
        "<b>",
        "<img",
    ):
        assert gone not in text, gone


def test_html_metadata_from_markup(tmp_path):
    doc = read_one(write(tmp_path / "flood.html", PAGE))
    assert doc.title == "Flood barrier holds after storm"  # og:title before <title>
    assert doc.publisher == "River Desk"
    assert doc.published == "2024-02-11"
    assert doc.url == "https://example.org/flood-barrier"
    assert doc.inferred == {"title": False, "publisher": False, "published": False}
    assert doc.meta["description"] == "A short summary." and doc.meta["lang"] == "en"


def test_html_fallbacks_title_tag_time_element_og_url_and_json_ld(tmp_path):
    page = """<html><head><title>Night shelling report</title><meta property="og:url" content="https://example.org/n">
    <script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"name": "Evening Ledger"}}</script>
    </head><body><article><time datetime="2023-11-02">2 Nov</time><p>Body of the report.</p></article></body></html>"""
    doc = read_one(write(tmp_path / "n.html", page))
    assert (doc.title, doc.publisher, doc.published, doc.url) == (
        "Night shelling report",
        "Evening Ledger",
        "2023-11-02",
        "https://example.org/n",
    )


def test_html_without_metadata_infers_from_text_and_ignores_garbled_dates(tmp_path):
    page = """<html><head><meta property="article:published_time" content="not-a-date"></head><body>
    <p>Support Us</p><h2>Rail link restored between two cities</h2><p>June 3, 2024</p>
    <p>Crews finished repairs on the line late on Sunday evening, officials said.</p></body></html>"""
    doc = read_one(write(tmp_path / "rail.html", page))
    assert doc.title == "Rail link restored between two cities" and doc.inferred["title"]
    assert doc.published == "2024-06-03" and doc.inferred["published"]


def test_html_metadata_values_are_text_not_markup(tmp_path):
    page = '<html><head><meta property="og:title" content="<script>alert(1)</script>Safe <b>title</b>"></head><body><p>Body text here.</p></body></html>'
    doc = read_one(write(tmp_path / "x.html", page))
    assert "<" not in doc.title and "Safe title" in doc.title


def test_html_in_declared_legacy_charset(tmp_path):
    page = '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 opened on the square.</p></body></html>'
    doc = read_one(write(tmp_path / "legacy.html", page.encode("cp1252")))
    assert doc.text == "Café opened on the square."


def test_html_without_readable_text_is_an_error(tmp_path):
    err = read_one(write(tmp_path / "empty.html", "<html><head><title>t</title></head><body><script>x()</script></body></html>"))
    assert isinstance(err, ReadError) and "no readable text" in err.reason


# --- JSON Lines -----------------------------------------------------------------------------


def test_jsonl_records_bad_lines_and_names(tmp_path):
    lines = [
        json.dumps({"text": "Water restored in the east district.", "title": "Water back", "published": "2024-01-09", "lang": "en"}),
        "",
        "{not json",
        json.dumps({"title": "No text here"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": 42, "text": "Second record with an id.", "source": "City Bulletin"}),
        json.dumps({"file_name": "bulletin-7.txt", "text": "Third record with a name."}),
        json.dumps({"text": "Bad date record.", "published": "next week"}),
        json.dumps({"text": "   "}),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    items = list(read_path(path))
    assert [(e.line, e.field) for e in errors(items)] == [
        (3, None),
        (4, "text"),
        (5, None),
        (8, "published"),
        (9, "text"),
    ]
    assert "invalid JSON" in errors(items)[0].reason and str(errors(items)[0]).startswith(f"{path}:3: ")
    assert str(errors(items)[1]) == f"{path}:4: field 'text': missing"
    good = docs(items)
    assert [d.file_name for d in good] == ["batch.jsonl#1", "batch.jsonl#42", "bulletin-7.txt"]
    assert good[0].text == "Water restored in the east district."
    assert (good[0].title, good[0].published, good[0].meta) == ("Water back", "2024-01-09", {"lang": "en"})
    assert good[1].publisher == "City Bulletin" and good[1].meta == {"id": 42}
    assert all(d.format == "jsonl" for d in good)


def test_jsonl_invalid_utf8_costs_only_that_line(tmp_path):
    raw = b'{"text": "first"}\n{"text": "bad \xff byte"}\n{"text": "third"}\n'
    items = list(read_path(write(tmp_path / "mixed.jsonl", raw)))
    assert [d.text for d in docs(items)] == ["first", "third"]
    (err,) = errors(items)
    assert err.line == 2 and f"byte offset {raw.index(BAD_BYTE)}" in err.reason


def test_jsonl_with_bom_and_crlf(tmp_path):
    items = list(read_path(write(tmp_path / "win.jsonl", '\ufeff{"text": "one"}\r\n{"text": "two\\r\\nlines"}\r\n')))
    assert [d.text for d in items] == ["one", "two\r\nlines"]


def test_empty_jsonl_is_one_error(tmp_path):
    (err,) = list(read_path(write(tmp_path / "none.jsonl", "\n\n")))
    assert isinstance(err, ReadError) and "no records" in err.reason


# --- Label Studio ---------------------------------------------------------------------------


def test_label_studio_task_list_keeps_predictions_and_annotations_raw(tmp_path):
    prediction = {"model_version": "rules@1", "result": [{"from_name": "label", "value": {"start": 0, "end": 5}}]}
    tasks = [
        {
            "id": 7,
            "data": {"text": "Kyiv reported calm night.", "title": "Calm night", "url": "https://example.org/7", "published": "2024-04-01", "batch": "b1"},
            "predictions": [prediction],
            "annotations": [],
            "meta": {"note": "x"},
        },
        {"data": {"text": "No id on this task."}},
        {"id": 9, "data": {"title": "no text"}},
    ]
    path = write(tmp_path / "export.json", json.dumps(tasks))
    first, second, err = list(read_path(path))
    assert first.format == "labelstudio" and first.text == "Kyiv reported calm night."
    assert (first.title, first.url, first.published) == ("Calm night", "https://example.org/7", "2024-04-01")
    assert first.file_name == "export.json#7" and second.file_name == "export.json#2"
    assert first.meta["batch"] == "b1"
    assert first.meta["labelstudio"] == {"id": 7, "predictions": [prediction], "annotations": [], "meta": {"note": "x"}}
    assert isinstance(err, ReadError) and err.field == "data.text" and "task #3" in err.reason


def test_single_label_studio_task_and_flat_tasks(tmp_path):
    doc = read_one(write(tmp_path / "task.json", json.dumps({"id": 3, "data": {"text": "One task only."}})))
    assert doc.file_name == "task.json" and doc.meta["labelstudio"]["id"] == 3
    flat = list(read_path(write(tmp_path / "flat.json", json.dumps([{"text": "Flat task A."}, {"text": "Flat task B."}]))))
    assert [d.text for d in flat] == ["Flat task A.", "Flat task B."]


@pytest.mark.parametrize(
    "content",
    ['{"records": []}', "[]", '"just a string"', "42", '{"data": "not an object"}'],
)
def test_json_that_is_not_a_task_list_explains_the_expected_shape(tmp_path, content):
    err = read_one(write(tmp_path / "other.json", content))
    assert isinstance(err, ReadError)
    assert "data" in err.reason and "text" in err.reason


def test_invalid_json_names_the_line(tmp_path):
    err = read_one(write(tmp_path / "bad.json", '[\n  {"data": {"text": "ok"}},\n  {"data": oops}\n]'))
    assert isinstance(err, ReadError) and err.line == 3 and "invalid JSON" in err.reason


# --- the shared corpus ------------------------------------------------------------------------


def test_shared_corpus_reads_without_errors():
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    # the document folders only: dev/ also holds gold annotations, which are not documents
    folders = [CORPUS / "seeds", CORPUS / "isw", CORPUS / "dev" / "docs"]
    items = list(read_paths([str(f) for f in folders if f.is_dir()]))
    assert not errors(items)
    by_name = {d.file_name: d for d in items}
    isw = by_name["isw_2023-03-02_campaign_assessment.txt"]
    assert isw.title == "Russian Offensive Campaign Assessment, March 2, 2023"
    assert isw.published == "2023-03-02" and not isw.inferred["published"]
    assert isw.text.startswith("Russian Offensive Campaign Assessment, March 2, 2023 Kateryna")
    seed = by_name["000_81db7bcdc1db73fc.txt"]
    assert seed.text == (CORPUS / "seeds" / "000_81db7bcdc1db73fc.txt").read_text(encoding="utf-8")


# --- properties -----------------------------------------------------------------------------

plain_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"), min_size=1).filter(
    lambda t: t.strip() and not t.startswith("---")
)


@settings(max_examples=60, deadline=None)
@given(plain_text)
def test_any_text_file_round_trips_exactly(text):
    with tempfile.TemporaryDirectory() as folder:
        doc = read_one(write(Path(folder) / "t.txt", text))
    assert isinstance(doc, SourceDocument)
    assert doc.text == text
    assert set(doc.inferred) == {"title", "publisher", "published"}


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_a_document_or_an_error_never_an_exception(raw):
    with tempfile.TemporaryDirectory() as folder:
        for name in ("b.txt", "b.html", "b.jsonl", "b.json", "b.md"):
            for item in read_path(write(Path(folder) / name, raw)):
                assert isinstance(item, (SourceDocument, ReadError))
                assert not isinstance(item, ReadError) or "unexpected error" not in item.reason, item


def test_html_inline_markup_does_not_split_words_and_cells_stay_apart(tmp_path):
    page = "<html><body><p>The <a href='#'>bridge</a>, once cr<b>oss</b>ed, held.</p><table><tr><td>Gate</td><td>Open</td></tr></table></body></html>"
    assert read_one(write(tmp_path / "inline.html", page)).text == "The bridge, once crossed, held.\n\nGate Open"


def test_html_site_name_in_title_is_the_publisher_and_an_author_is_not(tmp_path):
    page = """<html><head><title>Dam repairs finish early | Valley Courier</title>
    <meta name="author" content="Ivanna Koval"></head><body><p>Repairs finished on Friday.</p></body></html>"""
    doc = read_one(write(tmp_path / "dam.html", page))
    assert (doc.title, doc.publisher) == ("Dam repairs finish early", "Valley Courier")
    assert doc.meta["author"] == "Ivanna Koval"
