"""Signing in and out."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from annotate.errors import Busy
from server.deps import AuthDep, RecordDep, TemplatesDep

router = APIRouter(include_in_schema=False)


def safe_next(target: str) -> str:
    """Only a path on this site: never an absolute or protocol-relative URL (open redirect)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and not any(c in target for c in "\r\n\\"):
        return target
    return "/queue"


@router.get("/login")
def login_form(request: Request, templates: TemplatesDep, auth: AuthDep, next: str = "/queue"):
    return sign_in_page(request, templates, auth, safe_next(next))


def sign_in_page(request: Request, templates, auth, next_url: str, error: str = "", name: str = "", status: int = 200, headers=None):
    auth.pre_session(request)
    context = {"next": next_url, "error": error, "name": name}
    response = templates.TemplateResponse(request, "pages/login.html", context, status_code=status, headers=headers)
    auth.keep_pre_session(request, response)
    return response


@router.post("/login")
async def login(
    request: Request,
    templates: TemplatesDep,
    auth: AuthDep,
    record: RecordDep,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/queue",
):
    """Async: a sign-in waiting for a password check holds no thread (see Auth.check_password)."""
    address, next_url = auth.client_address(request), safe_next(next)
    wait = await auth.in_thread(auth.throttle.attempt, name, address)  # counted as a failure until it succeeds
    if wait:
        error = f"Too many failed sign-ins. Try again in {_duration(wait)}."
        return sign_in_page(request, templates, auth, next_url, error, name, 429, {"Retry-After": str(wait)})
    try:
        user = await auth.check_password(name, password)
    except Busy:
        await auth.in_thread(auth.throttle.abandoned, name, address)
        raise
    if user is None:
        return sign_in_page(request, templates, auth, next_url, "Wrong name or password.", name, 401)
    await auth.in_thread(auth.throttle.succeeded, name, address)
    response = RedirectResponse(next_url, status_code=303)
    await auth.in_thread(auth.sign_in, request, response, user.id)
    return response


def _duration(seconds: int) -> str:
    return f"{seconds} second{'s' * (seconds != 1)}" if seconds < 90 else f"{round(seconds / 60)} minutes"


@router.post("/logout")
def logout(request: Request, auth: AuthDep):
    response = RedirectResponse("/login", status_code=303)
    auth.sign_out(request, response)
    return response
