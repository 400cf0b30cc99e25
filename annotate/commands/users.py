"""`claimtrail user …`: add, token, and managing accounts (each change a ledger decision)."""

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


Why = Annotated[str, typer.Option("--why", help="The reason, kept with the decision.")]


def _admin(db):
    """The operator at the command line acts as an admin (they hold the database), recorded as "cli"."""
    from annotate.review.operations import Review

    return Review(open_record(db), "cli", "cli", "admin")


def _done(done, what: str) -> None:
    console.print(f"{what} (decision #{done.decisions[0]})", highlight=False, markup=False)


@user.command("deactivate")
def deactivate(name: str, why: Why = "", db: DbOption = None) -> None:
    """Deactivate a user: signed out everywhere, every token revoked; their decisions stay theirs."""
    from annotate import accounts

    _done(accounts.deactivate(_admin(db), name, why), f"deactivated {name}")


@user.command("reactivate")
def reactivate(name: str, why: Why = "", db: DbOption = None) -> None:
    """Let a deactivated user sign in again (make new tokens: the old ones stay revoked)."""
    from annotate import accounts

    _done(accounts.reactivate(_admin(db), name, why), f"reactivated {name}")


@user.command("role")
def role(name: str, role: Annotated[str, typer.Argument(help=f"One of: {', '.join(ROLES)}.")], why: Why = "", db: DbOption = None) -> None:
    """Change a user's role."""
    from annotate import accounts

    _done(accounts.change_role(_admin(db), name, role, why), f"{name} is now {role}")


@user.command("password")
def password(name: str, why: Why = "", db: DbOption = None) -> None:
    """Set a new password (from CLAIMTRAIL_PASSWORD or a prompt); the user's web sessions end."""
    from annotate import accounts

    new = os.environ.get("CLAIMTRAIL_PASSWORD") or typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    _done(accounts.reset_password(_admin(db), name, new, why), f"password of {name} reset")


@user.command("tokens")
def tokens(name: str, db: DbOption = None) -> None:
    """A user's API tokens: id, label, when made, revoked or not (never the secrets)."""
    from annotate.accounts import api_tokens

    for t in api_tokens(open_record(db), name):
        state = "revoked" if t["revoked"] else "live"
        console.print(f"{t['id']}  {state:7}  {t['created_at']}  {t['label']}", highlight=False, markup=False)


@user.command("revoke")
def revoke(
    name: str,
    token_id: Annotated[str | None, typer.Option("--token", help="One token's id (from `user tokens`); all of them if left out.")] = None,
    why: Why = "",
    db: DbOption = None,
) -> None:
    """Revoke a user's API tokens (one, or all): a decision naming them."""
    from annotate.accounts import revoke_api_tokens

    done = revoke_api_tokens(_admin(db), name, token_id, why)
    _done(done, f"{done.warnings[0]} of {name}")


def register(app: typer.Typer) -> None:
    app.add_typer(user, name="user")
