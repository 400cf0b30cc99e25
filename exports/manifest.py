"""Running an export, the manifest written beside it, and checking a manifest later.

The data file depends only on the ledger at the cut and on the options, so `verify` can
re-derive it from the ledger at the recorded sequence and compare sha256s. Wall-clock
time goes in the manifest, never in the data file.
"""

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from annotate.store.checkpoints import stored_checkpoints
from annotate.store.ledger import GENESIS, decision_hash, utc_now
from annotate.store.models import Decision
from exports import ExportContext, parts, writer
from exports.claims import Cut, Filters, cut_at
from exports.parts import Sink

# The layout of the data files this version writes; /2 is compact JSON (orjson). A manifest
# of another layout can be checked against its file and the ledger, not re-derived.
MANIFEST_VERSION = "claimtrail-export/2"


def render(
    session: Session, fmt: str, cut: Cut, filters: Filters, options: dict, raw=None, from_ledger: bool = False, workers: int | None = 1, progress=None
) -> dict:
    """Write one export to `raw` (or only hash it); returns its counts, size and sha256.

    `from_ledger` reads every object from the decisions even at the head (same bytes; tests);
    `workers` > 1 (None: one per core) writes a big export of a splittable format in parallel parts."""
    sink = Sink(raw)
    counts = parts.write(writer(fmt), ExportContext(session, cut, filters, options, progress=progress), sink, from_ledger, workers)
    return {"counts": counts, "bytes": sink.bytes, "sha256": sink.sha.hexdigest()}


def export(
    session: Session,
    fmt: str,
    path: Path,
    filters: Filters = Filters(),
    as_of=None,
    options: dict | None = None,
    workers: int | None = 1,
    progress=None,
) -> dict:
    """Write the export to `path` and its manifest to `path`.manifest.json; returns the manifest.

    `progress(claims read)` is called now and then (every claim of a one-pass export; the
    first part's of one written in parts)."""
    options = dict(options or {})
    cut = cut_at(session, as_of)
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb", buffering=parts.BUFFER) as raw:
        result = render(session, fmt, cut, filters, options, raw, workers=workers, progress=progress)
    os.replace(partial, path)  # a reader never sees half an export
    manifest = {
        "manifest": MANIFEST_VERSION,
        "format": fmt,
        "file": path.name,
        "sha256": result["sha256"],
        "bytes": result["bytes"],
        "filters": filters.as_dict(),
        "options": options,
        "counts": result["counts"],
        "ledger": {"seq": cut.seq, "head_hash": cut.head_hash, "checkpoint": _checkpoint_at(session, cut.seq)},
        "tool": {"name": "claimtrail", "version": tool_version()},
        "created_at": utc_now(),
    }
    manifest_path(path).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def bundle(data: Path) -> Path:
    """The export and its manifest in one zip beside them (what the web hands out)."""
    zipped = data.with_name("export.zip")
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(data, data.name)
        z.write(manifest_path(data), manifest_path(data).name)
    return zipped


def tool_version() -> str:
    try:
        return metadata.version("claimtrail")
    except metadata.PackageNotFoundError:
        from annotate import __version__

        return __version__


def _checkpoint_at(session: Session, seq: int) -> dict | None:
    """The last signed checkpoint at or before the cut, so a reader can check the head elsewhere."""
    found = [c for c in stored_checkpoints(session) if c["seq"] <= seq]
    return found[-1] if found else None


@dataclass
class Verdict:
    ok: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def verify(session: Session, manifest_file: Path, workers: int | None = 1) -> Verdict:
    """Does the file still match its manifest, and the ledger at the recorded sequence still make it?"""
    manifest = json.loads(Path(manifest_file).read_text(encoding="utf-8"))
    data = Path(manifest_file).with_name(manifest["file"])
    seq, problems, notes = manifest["ledger"]["seq"], [], []
    if not data.exists():
        problems.append(f"{data} is missing")
    elif _file_sha256(data) != manifest["sha256"]:
        problems.append(f"{data.name} changed since the export: its sha256 is not the one in the manifest")
    chain = _chain_problem(session, seq, manifest["ledger"]["head_hash"])
    if chain:
        problems.append(f"the ledger changed: {chain}")
    elif manifest.get("manifest") != MANIFEST_VERSION:
        made_by = (manifest.get("tool") or {}).get("version", "an unknown version")
        problems.append(
            f"the export is in layout {manifest.get('manifest')!r}, made by claimtrail {made_by}; this claimtrail "
            f"writes {MANIFEST_VERSION!r} and cannot re-derive it: verify it with claimtrail {made_by}"
        )
    else:
        again = render(
            session,
            manifest["format"],
            Cut(seq, manifest["ledger"]["head_hash"]),
            Filters.from_dict(manifest["filters"]),
            manifest.get("options") or {},
            workers=workers,
        )
        if again["sha256"] != manifest["sha256"]:
            problems.append(f"the ledger no longer makes this export: re-derived at decision {seq}, the sha256 differs")
    head = session.execute(select(func.max(Decision.seq))).scalar() or 0
    if head > seq:
        notes.append(f"the ledger has moved on by {head - seq} decisions since the cut at {seq}; the export is as of {seq}")
    return Verdict(not problems, problems, notes)


def _file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _chain_problem(session: Session, seq: int, head_hash: str) -> str | None:
    """Recompute the hash chain up to `seq`; the first decision that breaks it, or a head that differs."""
    prev, expected = GENESIS, 1
    columns = [c for c in Decision.__table__.columns]
    query = select(*columns).where(Decision.seq <= seq).order_by(Decision.seq)
    for row in session.connection().execution_options(yield_per=10_000).execute(query).mappings():
        if row["seq"] != expected:
            return f"decisions {expected}–{row['seq'] - 1} are missing"
        if row["prev_hash"] != prev or decision_hash(prev, row) != row["hash"]:
            return f"decision {row['seq']} was altered (it no longer matches its hash)"
        prev, expected = row["hash"], expected + 1
    if expected - 1 != seq:
        return f"the ledger ends at decision {expected - 1}, before the cut at {seq}"
    if prev != head_hash:
        return f"the hash at decision {seq} is not the one recorded; decisions up to {seq} were rewritten"
    return None
