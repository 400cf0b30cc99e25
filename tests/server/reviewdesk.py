"""The web tests' clients: a signed-in reviewer with its own cookies and CSRF token.
(Records are built with tests/factories.py.)"""

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from fastapi.testclient import TestClient

SECRET = "s3cret-for-tests-only-" + "x" * 32
PASSWORD = "correct horse battery"
ANNOTATOR = "rules@0.1.0"


class Reviewer:
    """A signed-in browser: sends the CSRF token like the pages do (htmx header or form field)."""

    def __init__(self, client: TestClient, name: str):
        self.client, self.name, self.csrf = client, name, ""

    def sign_in(self, password: str = PASSWORD):
        self.client.get("/login")
        page = self.client.get("/login")
        response = self.client.post("/login", data={"name": self.name, "password": password, "csrf_token": csrf_of(page.text)})
        if response.status_code == 303:
            self.csrf = csrf_of(self.client.get("/keys").text)
        return response

    def get(self, url: str, htmx: bool = False, **kwargs):
        return self.client.get(url, headers={"HX-Request": "true"} if htmx else {}, **kwargs)

    def post(self, url: str, data: dict | None = None, htmx: bool = True, headers: dict | None = None, **kwargs):
        headers = ({"HX-Request": "true", "X-CSRF-Token": self.csrf} if htmx else {}) | (headers or {})
        form = dict(data or {}) if htmx else {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(url, data=form, headers=headers, **kwargs)


@contextmanager
def browsers(app):
    """make(name) → a Reviewer with its own cookies, signed in; every client closed after."""
    clients = []

    def make(name: str) -> Reviewer:
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        reviewer = Reviewer(client, name)
        assert reviewer.sign_in().status_code == 303
        return reviewer

    try:
        yield make
    finally:
        for client in clients:
            client.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    return found.group(1) if found else ""


def run_apart(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event loop
    running in the main thread for the whole session."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
