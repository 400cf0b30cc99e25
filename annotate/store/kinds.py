"""The catalogue of decision kinds: every action the ledger records, one name each.

`Change.action` must be a `Kind` (the ledger refuses anything else), so a new kind of
decision is added here first, with the words the UI and the audit log use for it, and
documented in docs/decisions.md (a test checks both). Names once written and since
replaced stay readable through `ALIASES`: an old decision keeps its stored name (it is
hashed), and everything that reads actions asks `canonical()` for today's.
"""

from enum import StrEnum

from annotate.store.models import STATE_TABLES


class Kind(StrEnum):
    DOCUMENT_INGESTED = "document.ingested"
    DOCUMENT_BOILERPLATE_MARKED = "document.boilerplate_marked"
    PUBLISHER_ADDED = "publisher.added"
    ENTITY_PROPOSED = "entity.proposed"
    ENTITY_ADDED = "entity.added"
    ENTITY_MERGED = "entity.merged"
    ENTITY_ALIASES_ADDED = "entity.aliases_added"
    MENTION_PROPOSED = "mention.proposed"
    MENTION_ADDED = "mention.added"
    MENTION_ACCEPTED = "mention.accepted"
    MENTION_REJECTED = "mention.rejected"
    MENTION_CORRECTED = "mention.corrected"
    CLAIM_PROPOSED = "claim.proposed"
    CLAIM_ADDED = "claim.added"
    CLAIM_ACCEPTED = "claim.accepted"
    CLAIM_REJECTED = "claim.rejected"
    CLAIM_CORRECTED = "claim.corrected"
    LINK_CREATED = "link.created"
    LINK_REMOVED = "link.removed"
    LINK_RESTORED = "link.restored"
    LINK_RELATION_CHANGED = "link.relation_changed"
    DISMISSAL_RECORDED = "dismissal.recorded"
    THREAD_CREATED = "thread.created"
    THREAD_RENAMED = "thread.renamed"
    THREAD_MERGED = "thread.merged"
    THREAD_MEMBER_ADDED = "thread_member.added"
    THREAD_MEMBER_REMOVED = "thread_member.removed"
    THREAD_MEMBER_RESTORED = "thread_member.restored"
    THREAD_MEMBER_VERDICT_SET = "thread_member.verdict_set"
    USER_ADDED = "user.added"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_PASSWORD_RESET = "user.password_reset"
    DOCUMENT_METADATA_CORRECTED = "document.metadata_corrected"
    ASSIGNMENT_MADE = "assignment.made"
    ASSIGNMENT_STARTED = "assignment.started"
    ASSIGNMENT_DONE = "assignment.done"
    ASSIGNMENT_APPROVED = "assignment.approved"
    ASSIGNMENT_SENT_BACK = "assignment.sent_back"
    USER_TOKENS_REVOKED = "user.tokens_revoked"
    # Taking a decision back (undo in the workbench, revert in the audit log): one per type.
    PUBLISHER_REVERTED = "publisher.reverted"
    DOCUMENT_REVERTED = "document.reverted"
    ENTITY_REVERTED = "entity.reverted"
    MENTION_REVERTED = "mention.reverted"
    CLAIM_REVERTED = "claim.reverted"
    LINK_REVERTED = "link.reverted"
    DISMISSAL_REVERTED = "dismissal.reverted"
    THREAD_REVERTED = "thread.reverted"
    THREAD_MEMBER_REVERTED = "thread_member.reverted"
    USER_REVERTED = "user.reverted"
    ASSIGNMENT_REVERTED = "assignment.reverted"

    @property
    def target_type(self) -> str:
        return self.value.split(".", 1)[0]


# Names written by earlier versions -> today's kind.
ALIASES: dict[str, Kind] = {
    "link.added": Kind.LINK_CREATED,
    "entity.alias_added": Kind.ENTITY_ALIASES_ADDED,
    **{f"{t}.undone": Kind(f"{t}.reverted") for t in ("claim", "mention", "entity")},
}

# What a decision did, in the words a reviewer reads ("alice accepted the claim").
WORDS: dict[Kind, str] = {
    Kind.DOCUMENT_INGESTED: "ingested the document",
    Kind.DOCUMENT_BOILERPLATE_MARKED: "marked boilerplate in the document",
    Kind.PUBLISHER_ADDED: "added the publisher",
    Kind.ENTITY_PROPOSED: "proposed the entity",
    Kind.ENTITY_ADDED: "added the entity",
    Kind.ENTITY_MERGED: "merged the entity into another",
    Kind.ENTITY_ALIASES_ADDED: "added aliases to the entity",
    Kind.MENTION_PROPOSED: "proposed the mention",
    Kind.MENTION_ADDED: "added the mention",
    Kind.MENTION_ACCEPTED: "accepted the mention",
    Kind.MENTION_REJECTED: "rejected the mention",
    Kind.MENTION_CORRECTED: "corrected the mention",
    Kind.CLAIM_PROPOSED: "proposed the claim",
    Kind.CLAIM_ADDED: "added the claim",
    Kind.CLAIM_ACCEPTED: "accepted the claim",
    Kind.CLAIM_REJECTED: "rejected the claim",
    Kind.CLAIM_CORRECTED: "corrected the claim",
    Kind.LINK_CREATED: "linked two claims",
    Kind.LINK_REMOVED: "removed the link",
    Kind.LINK_RESTORED: "restored the link",
    Kind.LINK_RELATION_CHANGED: "changed the link's relation",
    Kind.DISMISSAL_RECORDED: "dismissed a link suggestion",
    Kind.THREAD_CREATED: "created the thread",
    Kind.THREAD_RENAMED: "renamed the thread",
    Kind.THREAD_MERGED: "merged the thread into another",
    Kind.THREAD_MEMBER_ADDED: "added a claim to the thread",
    Kind.THREAD_MEMBER_REMOVED: "removed a claim from the thread",
    Kind.THREAD_MEMBER_RESTORED: "put a claim back in the thread",
    Kind.THREAD_MEMBER_VERDICT_SET: "set the claim's verdict",
    Kind.USER_ADDED: "added the user",
    Kind.USER_DEACTIVATED: "deactivated the user (signed out everywhere, tokens revoked)",
    Kind.USER_REACTIVATED: "reactivated the user",
    Kind.USER_ROLE_CHANGED: "changed the user's role",
    Kind.USER_PASSWORD_RESET: "reset the user's password (signed out everywhere)",
    Kind.DOCUMENT_METADATA_CORRECTED: "corrected the document's title, publisher or date",
    Kind.ASSIGNMENT_MADE: "assigned the document to a reviewer",
    Kind.ASSIGNMENT_STARTED: "started reviewing the document",
    Kind.ASSIGNMENT_DONE: "marked the document done",
    Kind.ASSIGNMENT_APPROVED: "approved the document's review",
    Kind.ASSIGNMENT_SENT_BACK: "sent the document back for more review",
    Kind.USER_TOKENS_REVOKED: "revoked the user's API tokens",
    **{k: f"took back a decision on the {k.target_type.replace('_', ' ')}" for k in Kind if k.value.endswith(".reverted")},
}


def canonical(action: str) -> str:
    """Today's name of an action (an alias resolved; an unknown name as it is)."""
    return ALIASES[action].value if action in ALIASES else action


def names_of(kind: str) -> list[str]:
    """Every stored name of a kind: itself and the aliases that lead to it (for filters)."""
    return [kind, *(old for old, new in ALIASES.items() if new.value == kind)]


def words(action: str) -> str:
    """What the decision did, for people; an unknown action reads as its name."""
    name = canonical(action)
    return WORDS[Kind(name)] if name in Kind.__members__.values() else name


def reverted_kind(target_type: str) -> Kind:
    return Kind(f"{target_type}.reverted")


def check(action: str, target_type: str) -> Kind:
    """The kind of a new decision; refuses an unknown name, an old alias or a kind of another type."""
    try:
        kind = Kind(action)
    except ValueError:
        hint = f" (now {ALIASES[action].value})" if action in ALIASES else ""
        raise ValueError(f"unknown decision kind {action!r}{hint}: add it to annotate/store/kinds.py") from None
    if kind.target_type != target_type:
        raise ValueError(f"decision kind {action} is for a {kind.target_type}, not a {target_type}")
    return kind


assert {k.target_type for k in Kind} <= set(STATE_TABLES), "a kind names a type the record does not have"
