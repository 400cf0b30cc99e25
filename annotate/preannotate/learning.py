"""Learning from reviewers: what their decisions teach the rules annotator.

* A name a reviewer confirmed (an accepted or corrected mention, or one they added)
  joins the gazetteer, under the entity it was resolved to.
* A rule whose candidates reviewers keep rejecting is demoted: its candidates keep
  only part of their score, so they sink in the queue instead of vanishing.

Both go into the annotator's version string (see RulesAnnotator), so every candidate
says which learned state produced it.
"""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, select

from annotate.preannotate.base import pattern_id
from annotate.preannotate.rules import RulesAnnotator
from annotate.store.models import REVIEWED_WHERE, Claim, Entity, Mention

CONFIRMED = ("accepted", "corrected")
# The rows reviewers decided, in the words of the partial indexes that hold them (migration 0019):
# a literal, so SQLite (which matches an index's WHERE term by term) and PostgreSQL use them.
# Without, each job part scanned every mention and claim of the record.
REVIEWED = text(REVIEWED_WHERE)
MIN_REJECTIONS = 5  # a rule is judged only on enough decisions...
REJECTED_SHARE = 0.7  # ...and demoted when reviewers reject most of what it proposes
LINKED_LABELS = {"PERSON", "ORG", "GPE", "LOC", "MILITARY_UNIT", "NORP"}


@dataclass(frozen=True)
class Learned:
    names: dict[str, tuple[str, str]]  # surface name -> (label, canonical name)
    demoted: frozenset[str]  # rule ids
    verdicts: dict[str, tuple[int, int]]  # rule id -> (confirmed, rejected), for the report


def learn(session: Session) -> Learned:
    return Learned(confirmed_names(session), *_demotions(session))


def confirmed_names(session: Session) -> dict[str, tuple[str, str]]:
    entities = {e.id: e for e in session.exec(select(Entity))}
    names: dict[str, tuple[str, str]] = {}
    added = Mention.annotator.is_(None) & (Mention.status != "rejected")  # added by hand (always decided: accepted)
    query = select(Mention).where(REVIEWED, Mention.status.in_(CONFIRMED) | added)
    for mention in session.exec(query):
        if mention.label not in LINKED_LABELS:
            continue
        entity = _final(entities, mention.entity_id)
        names[mention.text] = (mention.label, entity.name if entity else mention.text)
    return names


def _final(entities: dict[int, Entity], entity_id: int | None) -> Entity | None:
    entity = entities.get(entity_id)
    while entity is not None and entity.merged_into:
        entity = entities.get(entity.merged_into)
    return entity


def _demotions(session: Session) -> tuple[frozenset[str], dict[str, tuple[int, int]]]:
    confirmed, rejected = Counter(), Counter()
    for model in (Mention, Claim):
        rows = session.exec(select(model.reason, model.status).where(REVIEWED, model.annotator.like("rules%@%")))
        for reason, status in rows:
            rule = pattern_id(reason or "")
            (rejected if status == "rejected" else confirmed)[rule] += 1
    verdicts = {rule: (confirmed[rule], rejected[rule]) for rule in confirmed | rejected}
    demoted = {rule for rule, (yes, no) in verdicts.items() if no >= MIN_REJECTIONS and no / (yes + no) >= REJECTED_SHARE}
    return frozenset(demoted), verdicts


def learned_rules_annotator(session: Session) -> RulesAnnotator:
    learned = learn(session)
    return RulesAnnotator(extra_names=learned.names, demoted=learned.demoted)
