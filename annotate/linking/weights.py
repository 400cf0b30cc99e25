"""Which weights a record's suggestions use: the desk's own, fitted on its reviewers' link and
dismiss decisions by `claimtrail links fit` into <CLAIMTRAIL_HOME>/models/, else the shipped ones
(annotate/linking/model/). Read again when the files change, so a fit is used by the next
suggestion, in the web server and in workers alike."""

import json
import logging
from pathlib import Path

from sqlmodel import Session

from annotate.linking import judge, relation_model
from annotate.store.db import home_of

log = logging.getLogger("claimtrail.linking")
_loaded: dict[Path, tuple[int, object]] = {}  # file → (its mtime when read, the model, or None if unusable)


def folder_of(home: Path) -> Path:
    return home / "models"


def judge_for(session: Session) -> judge.Model | None:
    own = _own(session, judge.DEFAULT.name, judge.Model.from_json)
    return own if own is not None else judge.default_model()


def relations_for(session: Session) -> relation_model.RelationModel | None:
    own = _own(session, relation_model.DEFAULT.name, relation_model.RelationModel.from_json)
    return own if own is not None else relation_model.default_model()


def _own(session: Session, name: str, parse):
    home = home_of(session.get_bind())
    path = folder_of(home) / name if home is not None else None
    if path is None or not path.exists():
        return None
    mtime = path.stat().st_mtime_ns
    if path not in _loaded or _loaded[path][0] != mtime:
        try:
            _loaded[path] = (mtime, parse(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError) as problem:  # fitted on other features (an upgrade), or damaged
            log.warning("%s cannot be used (%s); the shipped weights serve until `claimtrail links fit --replace`", path, problem)
            _loaded[path] = (mtime, None)
    return _loaded[path][1]
