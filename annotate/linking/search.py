"""Finding a claim by hand: by words, by an entity, by a date range, in every document.

The reviewer's way to the claim the suggester missed. Words go through the full-text
index: claims having all of them, best first; when no claim has them all, claims having
any, by their summed scores. An entity is a name or alias (or `#id`) widened to its
group — merges and shared names — and matched through the claim_entity index. Dates are
ISO strings compared as text, so "2023-06" covers every day of June and a claim's
"a/b" range matches when it overlaps the range asked for.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, column, func, or_, select, table, text, union_all
from sqlmodel import Session

from annotate.errors import Invalid
from annotate.linking.canonical import entity_groups, group_names
from annotate.review.queue import escape_like
from annotate.store.fulltext import claims_total, search_claims, word_frequencies
from annotate.store.models import Claim, Document
from annotate.store.terms import content_words, words

PAGE = 10
CAP = 500  # ranked hits read per word search; past that a reviewer refines the query
ANY_WORDS = 6  # words searched one by one when no claim has them all
COMMON, COMMON_FLOOR = 0.02, 1000  # a word in more claims than this share (or floor) is too common to search alone
ENTITY_IDS = 200  # entity rows a name may stand for (spellings, merges)
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DATE_FIELDS = ("any", "event", "published")
CLAIM_ENTITY = table("claim_entity", column("claim_id"), column("entity_id"))  # alembic 0002, kept by triggers


@dataclass(frozen=True)
class ClaimQuery:
    """What a reviewer typed: any of words, an entity, a date range (on the event or publication date)."""

    words: str = ""
    entity: str = ""
    date_from: str = ""
    date_to: str = ""
    dates: str = "any"  # event | published | any (either date in the range)
    exclude_document: int | None = None

    def check(self) -> None:
        for value in (self.date_from, self.date_to):
            if value and not DATE.match(value):
                raise Invalid(f"dates are YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
        if self.dates not in DATE_FIELDS:
            raise Invalid(f"dates must be one of {', '.join(DATE_FIELDS)}, not {self.dates!r}")

    def describe(self) -> str:
        """The query in words, kept as the evidence of a link made from its results."""
        parts = [f"words: {self.words}" if self.words else "", f"entity: {self.entity}" if self.entity else ""]
        if self.date_from or self.date_to:
            parts.append(f"{self.dates} date {self.date_from or '…'} to {self.date_to or '…'}")
        return "; ".join(p for p in parts if p)

    def empty(self) -> bool:
        return not (words(self.words) or self.entity.strip() or self.date_from or self.date_to)


@dataclass
class Page:
    claim_ids: list[int]
    offset: int
    next_offset: int | None
    loose: bool = False  # no claim had all the words: these have some of them
    entities: dict[int, str] = field(default_factory=dict)  # the entity groups the name stood for
    unknown_entity: bool = False


def search(session: Session, query: ClaimQuery, offset: int = 0, limit: int = PAGE) -> Page:
    """One page of claims (ids, best first) matching every part of the query."""
    query.check()
    if query.empty():
        return Page([], offset, None)
    entity_ids, names = _entities(session, query.entity)
    if query.entity.strip() and not entity_ids:
        return Page([], offset, None, unknown_entity=True)
    filters = _filters(session, query, entity_ids)
    if words(query.words):
        ids, loose = _keep(session, _every_word(session, query.words), filters), False
        if not ids:  # no claim with all the words passes: claims with some of them
            ids, loose = _keep(session, _any_word(session, query.words), filters), True
        return Page(ids[offset : offset + limit], offset, _next(offset, limit, len(ids)), loose, names)
    if (query.date_from or query.date_to) and not entity_ids:  # let the date indexes choose the rows
        filters.append(Claim.id.in_(_dated(query)))
    published = func.coalesce(Claim.published, Document.published)
    rows = (
        session.execute(
            select(Claim.id)
            .join(Document, Document.id == Claim.document_id)
            .where(*filters)
            .order_by(published.desc(), Claim.id.desc())
            .offset(offset)
            .limit(limit + 1)
        )
        .scalars()
        .all()
    )
    return Page(list(rows[:limit]), offset, offset + limit if len(rows) > limit else None, False, names)


def _next(offset: int, limit: int, total: int) -> int | None:
    return offset + limit if offset + limit < total else None


def _every_word(session: Session, text: str) -> list[int]:
    return [i for i, _ in search_claims(session, text, limit=CAP)]


def _any_word(session: Session, text: str) -> list[int]:
    """Claims with any of the telling words, by summed scores. A word in a large share of the claims
    is left out (ranking its hits would read most of the index), unless every word is that common."""
    found = list(dict.fromkeys(content_words(text) or words(text)))
    counts = word_frequencies(session, found)
    ceiling = max(COMMON_FLOOR, COMMON * claims_total(session))
    ranked = sorted(found, key=lambda w: counts.get(w, 0))
    telling = [w for w in ranked if 0 < counts.get(w, 0) <= ceiling][:ANY_WORDS] or ranked[:1]
    scores: dict[int, float] = {}
    for word in telling:
        for claim_id, score in search_claims(session, word, limit=CAP):
            scores[claim_id] = scores.get(claim_id, 0.0) + score
    return sorted(scores, key=lambda i: (-scores[i], i))


def _keep(session: Session, ranked: list[int], filters: list) -> list[int]:
    """The ranked ids that pass the filters, in rank order."""
    if not ranked:
        return []
    kept = set(session.execute(select(Claim.id).join(Document, Document.id == Claim.document_id).where(Claim.id.in_(ranked), *filters)).scalars())
    return [i for i in ranked if i in kept]


def _filters(session: Session, query: ClaimQuery, entity_ids: list[int]) -> list:
    found = [Claim.status != "rejected"]
    if query.exclude_document is not None:
        found.append(Claim.document_id != query.exclude_document)
    if entity_ids:
        index = CLAIM_ENTITY.c
        found.append(Claim.id.in_(select(index.claim_id).where(index.entity_id.in_(entity_ids))))
    if query.date_from or query.date_to:
        event = _in_range(session, Claim.event_date, query.date_from, query.date_to)
        published = _in_range(session, func.coalesce(Claim.published, Document.published), query.date_from, query.date_to)
        found.append({"event": event, "published": published, "any": or_(event, published)}[query.dates])
    return found


def _in_range(session: Session, column, date_from: str, date_to: str):
    """The date (or the a/b range) overlaps [from, to]; a month or a year covers all its days."""
    parts = [column.is_not(None)]
    if date_to:  # the start is not after `to` ('~' sorts after digits and '/')
        parts.append(column <= date_to + "~")
    if date_from:  # the end, padded so a month or year reaches its last day, is not before `from`
        position = func.instr if session.get_bind().dialect.name == "sqlite" else func.strpos
        end = func.substr(column, position(column, "/") + 1)
        parts.append(end.concat("-99") >= date_from)
    return and_(*parts)


def _dated(query: ClaimQuery):
    """Claims that may be in the date range, read from the date indexes (the exact test is `_in_range`):
    dates from `from` to `to`, the year or month holding `from`, and event ranges begun within a year before it."""
    parts = []
    if query.dates in ("event", "any"):
        parts += _date_rows(Claim.event_date, query.date_from, query.date_to, ranges=True)
    if query.dates in ("published", "any"):
        parts += _date_rows(Claim.published, query.date_from, query.date_to)
        undated = select(Claim.id).join(Document, Document.id == Claim.document_id).where(Claim.published.is_(None))
        parts += [undated.where(w) for w in _date_bounds(Document.published, query.date_from, query.date_to)]
    return union_all(*parts)


def _date_rows(column, date_from: str, date_to: str, ranges: bool = False) -> list:
    found = [select(Claim.id).where(w) for w in _date_bounds(column, date_from, date_to)]
    if ranges and date_from:
        year_before = f"{int(date_from[:4]) - 1}{date_from[4:]}"
        found.append(select(Claim.id).where(column >= year_before, column < date_from, column.contains("/")))
    return found


def _date_bounds(column, date_from: str, date_to: str) -> list:
    """Index-range conditions: [from, to] and the coarser dates (year, month) that contain `from`."""
    found = [and_(column >= (date_from or "0"), column <= (date_to or "9999") + "~")]
    coarse = {date_from[:n] for n in (4, 7) if len(date_from) > n}
    if coarse:
        found.append(column.in_(sorted(coarse)))
    return found


def _entities(session: Session, name: str) -> tuple[list[int], dict[int, str]]:
    """Entity ids a name stands for (exact names and aliases first, else names starting so), with their groups."""
    name = " ".join(name.split())
    if not name:
        return [], {}
    if re.fullmatch(r"#?\d+", name):
        found = [int(name.lstrip("#"))]
    else:
        found = _keyed(session, "key = :k", name.lower()) or _keyed(session, "key LIKE :k ESCAPE '\\'", escape_like(name.lower()) + "%")
    if not found:
        return [], {}
    groups = entity_groups(session, found)
    names = group_names(session, groups)
    roots = {groups.canonical(i) for i in found}
    return sorted(groups.parent)[:ENTITY_IDS], {r: names[r] for r in sorted(roots) if r in names}


def _keyed(session: Session, where: str, value: str) -> list[int]:
    sql = f"SELECT DISTINCT entity_id FROM entity_key WHERE {where} ORDER BY entity_id LIMIT {ENTITY_IDS}"
    return list(session.execute(text(sql), {"k": value}).scalars())
