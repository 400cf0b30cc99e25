"""Readable text and metadata from an HTML page: text only, never markup."""

import json
import os
import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, NavigableString, Tag

from annotate.ingest.dates import parse_date_value
from annotate.ingest.publisher import looks_like_org, split_site_name
from annotate.ingest.records import build_document
from annotate.ingest.source import RecordError, SourceDocument
from annotate.ingest.textfile import read_bytes

DROP = {"script", "style", "noscript", "template", "iframe", "svg", "head", "object", "embed", "canvas", "math"}
BLOCKS = set(
    """address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main nav ol p pre section summary table
    tbody tfoot thead tr ul""".split()
)
_BR = object()  # a <br>: a line break inside a block
_BR_TEXT = "\u2028"  # stands in for <br> while whitespace is collapsed
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
)


def read_html_file(path: str) -> Iterator[SourceDocument]:
    text, fields, meta = parse_html(decode_html(read_bytes(path)))
    if not text.strip():
        raise RecordError("page has no readable text")
    name = os.path.basename(path)
    yield build_document(text, {**meta, **fields}, lambda _: None, file_name=name, path=path, format="html")


def decode_html(raw: bytes) -> str:
    """UTF-8, or the charset the page declares."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        declared = _CHARSET.search(raw[:4096])
        codec = declared.group(1).decode("ascii", "replace") if declared else "utf-8"
        try:
            text = raw.decode(codec)
        except (LookupError, UnicodeDecodeError):
            line = 1 + raw.count(b"\n", 0, e.start)
            raise RecordError(f"invalid {codec} at byte offset {e.start}; save the page as UTF-8", line=line) from None
    return text.lstrip("\ufeff")


def parse_html(source: str) -> tuple[str, dict, dict]:
    """(readable text, given fields {title, publisher, url, published}, extra meta)."""
    soup = BeautifulSoup(source, "html.parser")
    fields, meta = _metadata(soup)
    return readable_text(soup), fields, meta


def readable_text(soup: BeautifulSoup) -> str:
    """Blocks separated by blank lines; whitespace inside a block collapsed; <br> kept as a line break."""
    blocks: list[str] = []
    current: list = []

    def flush():
        if current:
            lines = "".join(_BR_TEXT if p is _BR else p for p in current).split(_BR_TEXT)
            block = "\n".join(" ".join(line.split()) for line in lines).strip("\n ")
            if block:
                blocks.append(block)
            current.clear()

    stack: list = [(soup, False)]
    while stack:  # iterative: deeply nested pages must not hit the recursion limit
        node, leaving = stack.pop()
        if leaving:
            flush()
        elif isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a comment, doctype or processing instruction
                current.append(str(node))
        elif isinstance(node, Tag) and node.name not in DROP and not _hidden(node):
            if node.name == "br":
                current.append(_BR)
            elif node.name == "pre":
                flush()
                blocks.append(node.get_text().strip("\n"))
            else:
                if node.name in BLOCKS:
                    flush()
                    stack.append((node, True))
                elif node.name in ("td", "th"):
                    current.append(" ")  # cells of a row stay apart
                stack.extend((child, False) for child in reversed(node.contents))
    flush()
    return "\n\n".join(b for b in blocks if b.strip())


def _hidden(tag: Tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower()
    return tag.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style


def _metadata(soup: BeautifulSoup) -> tuple[dict, dict]:
    metas = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        if key and tag.get("content") and key not in metas:
            metas[key] = _plain(tag["content"])
    ld = _json_ld(soup)
    page_title = _text(soup.find("title"))
    headline, site = split_site_name(page_title) if page_title else (None, None)
    author = metas.get("author")
    publisher = metas.get("og:site_name") or metas.get("publisher") or ld.get("publisher") or site or (author if author and looks_like_org(author) else None)
    if site and publisher and site.lower() == publisher.lower():
        page_title = headline  # "Headline | Site": the site is the publisher, not part of the title
    fields = {
        "title": metas.get("og:title") or metas.get("twitter:title") or page_title or ld.get("headline") or _text(soup.find("h1")),
        "publisher": publisher,
        "url": _link(soup, "canonical") or metas.get("og:url"),
        "published": _published(soup, metas, ld),
    }
    meta = {k: metas[k] for k in ("description", "author", "keywords") if metas.get(k)}
    html = soup.find("html")
    if html and html.get("lang"):
        meta["lang"] = _plain(html["lang"])
    return {k: v for k, v in fields.items() if v}, meta


def _published(soup: BeautifulSoup, metas: dict, ld: dict) -> str | None:
    """The first readable date among the usual places; a garbled one is skipped, not fatal."""
    candidates = [metas.get(k) for k in _DATE_META] + [ld.get("datePublished")]
    for tag in soup.find_all(attrs={"itemprop": "datePublished"}):
        candidates.append(tag.get("datetime") or tag.get("content") or _text(tag))
    candidates += [t.get("datetime") for t in soup.find_all("time", attrs={"datetime": True})]
    for value in candidates:
        try:
            if value and (iso := parse_date_value(value)):
                return iso
        except ValueError:
            continue
    return None


def _json_ld(soup: BeautifulSoup) -> dict:
    """headline, publisher name and datePublished from schema.org JSON-LD, if any."""
    found: dict = {}
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if not isinstance(item, dict):
                continue
            publisher = item.get("publisher")
            if isinstance(publisher, dict):
                publisher = publisher.get("name")
            for key, value in (("headline", item.get("headline")), ("publisher", publisher), ("datePublished", item.get("datePublished"))):
                if isinstance(value, str) and value.strip() and key not in found:
                    found[key] = _plain(value)
    return found


def _link(soup: BeautifulSoup, rel: str) -> str | None:
    tag = soup.find("link", rel=lambda v: v and rel in (v if isinstance(v, list) else v.split()))
    return _plain(tag["href"]) if tag and tag.get("href") else None


def _text(tag) -> str | None:
    if tag is None:
        return None
    return " ".join(tag.get_text(" ").split()) or None


def _plain(value: str) -> str:
    """Metadata is text: any tags inside an attribute value are dropped, whitespace collapsed."""
    if "<" in value:
        value = BeautifulSoup(value, "html.parser").get_text(" ")
    return " ".join(value.split())
