"""Errors as answers, mapped once: domain errors (annotate/errors.py) by their `status`, HTTP
errors and invalid requests; JSON under /api/ and for htmx, an error page otherwise."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from annotate.errors import ClaimtrailError, Conflict
from server.auth import NotSignedIn
from server.deps import is_htmx


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn):
        if wants_json(request):
            return JSONResponse({"detail": "sign in, or send Authorization: Bearer <token>"}, 401, headers={"WWW-Authenticate": "Bearer"})
        target = "/login?next=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
        if is_htmx(request):
            return JSONResponse({"detail": "signed out"}, 401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(ClaimtrailError)
    async def refused(request: Request, exc: ClaimtrailError):
        """A domain error: its status, its message; a conflict also says what changed meanwhile."""
        if wants_json(request):
            body: dict = {"detail": str(exc)}
            if isinstance(exc, Conflict):
                body.update(current=exc.current, since=exc.since)
            return JSONResponse(body, exc.status, headers=_retry(exc))
        if is_htmx(request):
            return JSONResponse({"detail": str(exc)}, exc.status, headers=_retry(exc))
        page = error_page(request, exc.status, str(exc))
        page.headers.update(_retry(exc) or {})
        return page

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if wants_json(request) or is_htmx(request):
            return await http_exception_handler(request, exc)
        return error_page(request, exc.status_code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        if wants_json(request):
            # without the values sent: they may not encode (a lone surrogate), and echoing megabytes helps nobody
            errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
            return JSONResponse({"detail": jsonable_encoder(errors)}, 422)
        # htmx leaves a 400 unswapped and review.js shows its text; a plain form gets a page
        detail = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in exc.errors())
        if is_htmx(request):
            return JSONResponse({"detail": detail}, 400)
        return error_page(request, 400, detail)


def _retry(exc: ClaimtrailError) -> dict | None:
    """Retry-After for an error that passes (a busy database)."""
    after = getattr(exc, "retry_after", None)
    return {"Retry-After": str(after)} if after else None


def error_page(request: Request, status: int, detail) -> Response:
    context = {"status": status, "detail": detail}
    return request.app.state.templates.TemplateResponse(request, "pages/error.html", context, status_code=status)
