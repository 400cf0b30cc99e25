"""`claimtrail user add` and `claimtrail user token`."""

import os
from typing import Annotated

import typer

from annotate.commands.common import DbOption, console, err, open_record
from annotate.review.policy import ROLES

user = typer.Typer(no_args_is_help=True, help="Accounts of reviewers, leads and admins.")


@user.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "reviewer",
    db: DbOption = None,
) -> None:
    """Add a user; the password comes from CLAIMTRAIL_PASSWORD or a prompt."""
    password = os.environ.get("CLAIMTRAIL_PASSWORD") or typer.prompt("password", hide_input=True, confirmation_prompt=True)
    from annotate.accounts import add_user

    added = add_user(open_record(db), name, role, password)
    console.print(f"added {added['name']} ({added['role']}), user id {added['id']}", highlight=False, markup=False)


@user.command("token")
def token(
    name: str,
    label: Annotated[str, typer.Option(help="What the token is for, e.g. the script's name.")] = "",
    db: DbOption = None,
) -> None:
    """Create an API token for scripts (sent as `Authorization: Bearer …`); shown once."""
    from annotate.accounts import create_api_token

    secret = create_api_token(open_record(db), name, label)
    err.print("API token (store it now; only its hash is kept):")
    typer.echo(secret)


def register(app: typer.Typer) -> None:
    app.add_typer(user, name="user")
