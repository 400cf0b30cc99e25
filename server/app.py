"""The web app factory: nothing happens at import time; `create_app` checks, then builds.

It refuses to build with a missing or default secret (outside demo mode) and when the
database schema is behind the code, saying how to fix either.
"""

from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles

from annotate.jobs.queue import InProcessQueue, queue_for
from annotate.store.record import Record
from server.auth import Auth
from server.errors import add_error_pages
from server.routes import admin, api, assignments, audit, links, metadata, pages, review, signin, upload
from server.settings import ServerSettings
from server.templating import make_templates
from server.uploads import DiscardUnkept

STATIC = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Plain ASGI middleware: the same headers on every response; pages are never cached."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
                if not static:
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: ServerSettings | None = None, demo: bool = False) -> FastAPI:
    settings = settings or ServerSettings.from_env(demo)
    settings = replace(settings, demo=settings.demo or demo).checked()
    record = Record.open(settings.record)  # raises SchemaOutOfDate: "Run `claimtrail init`…"

    jobs = queue_for(record)  # SQLite: a thread of this process runs uploads; PostgreSQL: workers do

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if isinstance(jobs, InProcessQueue):
            jobs.resume()  # what a stopped server left unfinished
        yield
        jobs.close()
        record.engine.dispose()

    async def csrf(request: Request) -> None:
        await request.app.state.auth.check_csrf(request)

    app = FastAPI(
        title="Claimtrail",
        summary="Review claims and entities; every write is a recorded decision.",
        docs_url=None,  # Swagger UI needs a CDN and inline script: /api/docs is ours instead
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        dependencies=[Depends(csrf)],
        responses=api.REFUSALS,  # every API route's refusals, whichever router it is on (the HTML ones are not in the schema)
    )
    auth = Auth(settings, record)
    app.state.settings, app.state.record, app.state.auth, app.state.jobs = settings, record, auth, jobs
    app.state.templates = make_templates(auth.csrf_token)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(DiscardUnkept)  # an upload's spool files a job did not take
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # assignments.api, metadata.api and upload.api before api.router: its generic /api/{kinds}/{id} would catch their paths
    for router in (
        signin.router,
        pages.router,
        review.router,
        assignments.api,
        metadata.api,
        upload.api,
        api.router,
        audit.router,
        links.router,
        assignments.router,
        metadata.router,
        admin.router,
        upload.router,
    ):
        app.include_router(router)
    add_error_pages(app)
    app.add_api_route("/api/docs", api_docs, include_in_schema=False)
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory server.app:app_from_env`."""
    return create_app(ServerSettings.from_env())


def api_docs(request: Request):
    schema = request.app.openapi()
    return request.app.state.templates.TemplateResponse(request, "pages/api_docs.html", {"schema": schema})
