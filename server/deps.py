"""Request dependencies: the record, a database session, the signed-in user, their review."""

from typing import Annotated, Iterator

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from annotate.accounts import token_user
from annotate.review.operations import Review
from annotate.store.models import User
from annotate.store.record import Record
from server.auth import Auth, NotSignedIn, bearer_token


def get_record(request: Request) -> Record:
    return request.app.state.record


def get_auth(request: Request) -> Auth:
    return request.app.state.auth


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


RecordDep = Annotated[Record, Depends(get_record)]
AuthDep = Annotated[Auth, Depends(get_auth)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]


def get_session(record: RecordDep) -> Iterator[Session]:
    with record.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_user(request: Request, session: SessionDep, auth: AuthDep) -> User:
    """The user behind a Bearer token (scripts) or else the session cookie (browsers)."""
    token = bearer_token(request)
    if token:
        user = token_user(session, token, session_token=False)
    else:
        cookie = auth.session_token(request)
        user = token_user(session, cookie, session_token=True, max_age=auth.max_age) if cookie else None
    if user is None:
        raise NotSignedIn()
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def get_review(request: Request, user: CurrentUser, record: RecordDep) -> Review:
    origin = "api" if request.url.path.startswith("/api/") else "ui"
    return Review(record, user.name, origin, user.role)


ReviewDep = Annotated[Review, Depends(get_review)]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
