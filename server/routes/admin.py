"""Accounts for admins: add a user, change a role, deactivate or reactivate, reset a password,
revoke API tokens. Each change is a ledger decision made by annotate.accounts (so `audit
verify` stays green); this page only shows the accounts and the forms."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy import select

from annotate import accounts
from annotate.errors import ClaimtrailError
from annotate.review import policy
from annotate.review.operations import Done
from annotate.review.policy import ROLES
from annotate.store.models import User
from server.deps import RecordDep, ReviewDep, SessionDep, TemplatesDep

router = APIRouter(include_in_schema=False)
Why = Annotated[str, Form(max_length=2000)]
Name = Annotated[str, Form(max_length=64)]


def _page(request: Request, templates, session, record, note: dict | None = None, status: int = 200):
    session.rollback()  # read what the change just wrote
    users = session.execute(select(User).order_by(User.name)).scalars().all()
    tokens = {u.name: accounts.api_tokens(record, u.name) for u in users}
    context = {"accounts": users, "tokens": tokens, "roles": ROLES, "note": note}
    return templates.TemplateResponse(request, "pages/admin_users.html", context, status_code=status)


@router.get("/admin/users")
def users_page(request: Request, review: ReviewDep, session: SessionDep, record: RecordDep, templates: TemplatesDep):
    policy.require_admin(review.role, "managing accounts")
    return _page(request, templates, session, record)


def _change(request, review, session, record, templates, operation: Callable[[], Done | dict], done: str):
    """Run one account change; the page again, with what happened or why not."""
    policy.require_admin(review.role, "managing accounts")
    try:
        result = operation()
    except ClaimtrailError as problem:
        return _page(request, templates, session, record, {"kind": "error", "text": str(problem)}, problem.status)
    seq = result.decisions[0] if isinstance(result, Done) else None
    return _page(request, templates, session, record, {"kind": "ok", "text": done + (f" (decision #{seq})" if seq else "")})


@router.post("/admin/users")
def add(
    request: Request,
    review: ReviewDep,
    session: SessionDep,
    record: RecordDep,
    templates: TemplatesDep,
    name: Name,
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=1024)],
):
    operation = lambda: accounts.add_user(record, name.strip(), role, password, actor=review.actor, origin="ui")  # noqa: E731
    return _change(request, review, session, record, templates, operation, f"Added {name.strip()} ({role}).")


@router.post("/admin/users/{name}/role")
def role(
    request: Request,
    name: str,
    review: ReviewDep,
    session: SessionDep,
    record: RecordDep,
    templates: TemplatesDep,
    role: Annotated[str, Form(max_length=20)],
    why: Why = "",
):
    operation = lambda: accounts.change_role(review, name, role, why.strip())  # noqa: E731
    return _change(request, review, session, record, templates, operation, f"{name} is now {role}.")


@router.post("/admin/users/{name}/deactivate")
def deactivate(request: Request, name: str, review: ReviewDep, session: SessionDep, record: RecordDep, templates: TemplatesDep, why: Why = ""):
    operation = lambda: accounts.deactivate(review, name, why.strip())  # noqa: E731
    return _change(request, review, session, record, templates, operation, f"Deactivated {name}: signed out everywhere, tokens revoked.")


@router.post("/admin/users/{name}/reactivate")
def reactivate(request: Request, name: str, review: ReviewDep, session: SessionDep, record: RecordDep, templates: TemplatesDep, why: Why = ""):
    operation = lambda: accounts.reactivate(review, name, why.strip())  # noqa: E731
    return _change(request, review, session, record, templates, operation, f"Reactivated {name}.")


@router.post("/admin/users/{name}/password")
def password(
    request: Request,
    name: str,
    review: ReviewDep,
    session: SessionDep,
    record: RecordDep,
    templates: TemplatesDep,
    password: Annotated[str, Form(max_length=1024)],
    why: Why = "",
):
    operation = lambda: accounts.reset_password(review, name, password, why.strip())  # noqa: E731
    return _change(request, review, session, record, templates, operation, f"New password for {name}; their sessions ended.")


@router.post("/admin/users/{name}/revoke")
def revoke(
    request: Request,
    name: str,
    review: ReviewDep,
    session: SessionDep,
    record: RecordDep,
    templates: TemplatesDep,
    token: Annotated[str, Form(max_length=64)] = "",
    why: Why = "",
):
    operation = lambda: accounts.revoke_api_tokens(review, name, token or None, why.strip())  # noqa: E731
    return _change(request, review, session, record, templates, operation, f"Revoked {'token ' + token if token else 'every API token'} of {name}.")
