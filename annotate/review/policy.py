"""Who may do what: every role check of the review desk, in one place.

Roles: a reviewer decides on candidates and takes back their own decisions; a lead also
merges entities, takes back anyone's decisions, reads everyone's decisions and exports;
an admin may do all a lead does (and manages accounts).
"""

from annotate.errors import Forbidden

ROLES = ("reviewer", "lead", "admin")
LEADS = ("lead", "admin")


def is_lead(role: str) -> bool:
    return role in LEADS


def sees_everyone(role: str) -> bool:
    """Leads read every decision in the audit log; a reviewer reads their own."""
    return is_lead(role)


def require_lead(role: str, what: str) -> None:
    if not is_lead(role):
        raise Forbidden(f"{what} needs the lead or admin role")


def require_may_take_back(role: str, actor: str, decided_by: str) -> None:
    """A decision is taken back by whoever made it, or by a lead."""
    if decided_by != actor and not is_lead(role):
        raise Forbidden("only a lead or admin can take back another person's decision")


def require_admin(role: str, what: str) -> None:
    if role != "admin":
        raise Forbidden(f"{what} needs the admin role")
