"""Browser tests: Debian's Chromium, driven by Playwright, against a real uvicorn process.

The server runs on a free port over a SQLite record in a temporary CLAIMTRAIL_HOME; tests
write their own documents and candidates into the same file through the ledger, then
read back what the server recorded.
"""

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from annotate import accounts
from annotate.config import Settings
from annotate.store.ledger import Change, decision_dict
from annotate.store.models import Decision, DocumentText
from annotate.store.record import Record
from tests.server.liveserver import live_server

CHROMIUM = Path("/usr/bin/chromium")
SECRET = "browser-tests-secret-" + "y" * 32
PASSWORD = "correct horse battery"
ANNOTATOR = "rules@0.1.0"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def record(tmp_path_factory):
    home = tmp_path_factory.mktemp("claimtrail-browser")
    record = Record.init(Settings(home=home))
    for name, role in [("alice", "reviewer"), ("bob", "reviewer"), ("lea", "lead")]:
        accounts.add_user(record, name, role, PASSWORD)
    yield record
    record.engine.dispose()


@pytest.fixture(scope="session")
def server(record):
    """`uvicorn --factory server.app:app_from_env` on a free port over the record; its address."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    with live_server(record.settings, SECRET) as address:
        yield address


WAIT_MS = 20_000  # Playwright's 5 s default for expect() failed on a loaded 2-core CI machine


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


class Session:
    """One signed-in browser context, collecting console errors (CSP violations land there)."""

    def __init__(self, browser, server: str, name: str, width: int = 1280, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height}, base_url=server)
        self.context.set_default_timeout(WAIT_MS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto("/login")
        self.page.fill("input[name=name]", name)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.keyboard.press("Enter")
        self.page.wait_for_url("**/queue")


@pytest.fixture
def sign_in(browser, server):
    sessions = []

    def make(name: str, **viewport) -> Session:
        sessions.append(Session(browser, server, name, **viewport))
        return sessions[-1]

    yield make
    for session in sessions:
        session.context.close()


class Desk:
    """Documents and machine candidates, written straight into the server's record."""

    def __init__(self, record: Record):
        self.record = record

    def apply(self, change: Change, actor: str = ANNOTATOR, origin: str = "annotator") -> dict:
        return self.record.ledger.record(actor, origin, change)[0]

    def document(self, text: str, title: str, url: str | None = None) -> int:
        sha = hashlib.sha256(text.encode()).hexdigest()
        with self.record.ledger.writer("cli", "cli") as w:
            if w.session.get(DocumentText, sha) is None:
                w.session.execute(insert(DocumentText), [{"sha256": sha, "text": text}])
            return w.apply(
                Change(
                    "document.ingested",
                    "document",
                    set={"sha256": sha, "file_name": f"{title}.md", "title": title, "url": url, "published": "2023-08-11", "length": len(text)},
                )
            )["id"]

    def claim(self, doc: int, text: str, quote: str, **fields) -> int:
        start = text.index(quote)
        return self.apply(
            Change(
                "claim.proposed",
                "claim",
                set={
                    "document_id": doc,
                    "start": start,
                    "end": start + len(quote),
                    "quote": quote,
                    "annotator": ANNOTATOR,
                    "score": 0.7,
                    "reason": "attribution: said",
                    "published": "2023-08-11",
                    **fields,
                },
            )
        )["id"]

    def mention(self, doc: int, text: str, surface: str, label: str = "GPE") -> int:
        start = text.index(surface)
        return self.apply(
            Change(
                "mention.proposed",
                "mention",
                set={
                    "document_id": doc,
                    "start": start,
                    "end": start + len(surface),
                    "text": surface,
                    "label": label,
                    "annotator": ANNOTATOR,
                    "score": 0.9,
                    "reason": "gazetteer: place",
                },
            )
        )["id"]

    def decisions_after(self, seq: int) -> list[dict]:
        with self.record.session() as s:
            return [decision_dict(r) for r in s.execute(select(Decision.__table__).where(Decision.seq > seq).order_by(Decision.seq))]

    def head(self) -> int:
        with self.record.session() as s:
            return s.execute(select(Decision.seq).order_by(Decision.seq.desc()).limit(1)).scalar() or 0

    def state(self, kind: str, object_id: int) -> dict:
        from annotate.store.models import STATE_TABLES

        with self.record.session() as s:
            return s.get(STATE_TABLES[kind], object_id).model_dump()


@pytest.fixture
def desk(record) -> Desk:
    return Desk(record)


@pytest.fixture
def select_text():
    """select_text(page, "words") selects them in the document text, as a mouse would."""
    return lambda page, needle, occurrence=0: page.evaluate(SELECT_TEXT, [needle, occurrence])


SELECT_TEXT = """
([needle, occurrence]) => {
  // Select `needle` in the document text using only DOM positions (UTF-16), as a mouse would.
  const root = document.getElementById("doc-text");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let all = "";
  while (walker.nextNode()) { nodes.push([walker.currentNode, all.length]); all += walker.currentNode.data; }
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = all.indexOf(needle, at + 1);
  const locate = (pos) => { const [node, base] = nodes.filter(([, b]) => b <= pos).pop(); return [node, pos - base]; };
  const [startNode, startOffset] = locate(at); const [endNode, endOffset] = locate(at + needle.length);
  const range = document.createRange(); range.setStart(startNode, startOffset); range.setEnd(endNode, endOffset);
  const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
}
"""
