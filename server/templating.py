"""Jinja2 templates: autoescaping always on, and the few filters the pages need."""

from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates

# templates/ beside the package in a checkout; server/templates inside an installed wheel.
_CHECKOUT = Path(__file__).resolve().parents[1] / "templates"
TEMPLATES = _CHECKOUT if _CHECKOUT.is_dir() else Path(__file__).resolve().parent / "templates"

# htmx hardened (see docs/security notes): no eval (so no hx-on), no <script> from responses,
# requests only to this origin, no page snapshots in localStorage, no inline <style>.
HTMX_CONFIG = {
    "selfRequestsOnly": True,
    "allowScriptTags": False,
    "allowEval": False,
    "historyCacheSize": 0,
    "refreshOnHistoryMiss": True,
    "includeIndicatorStyles": False,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "409|422", "swap": True, "error": False},  # conflicts and invalid input render a message
        {"code": "[45]..", "swap": False, "error": True},
    ],
}


def http_url(url: str | None) -> str | None:
    """The url if it is an http(s) link, else None: `javascript:` and friends are never links."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def make_templates(csrf_token) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name (a hand-built Environment defaults to False)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(http_url=http_url, score=score)
    env.globals.update(htmx_config=HTMX_CONFIG)

    def base_context(request: Request) -> dict:
        return {"user": getattr(request.state, "user", None), "csrf_token": csrf_token(request)}

    return Jinja2Templates(env=env, context_processors=[base_context])
