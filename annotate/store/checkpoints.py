"""Signed checkpoints of the ledger head.

A hash chain alone cannot catch whoever holds the database rewriting the whole tail.
A checkpoint (sequence number, head hash) signed with an Ed25519 key kept outside the
database, and copied to a file outside it too, can: the rewritten tail no longer ends
at the hash that was signed.
"""

import base64
import hashlib
import json
import time
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import insert, select
from sqlmodel import Session

from annotate.store.ledger import utc_now
from annotate.store.models import Checkpoint


def _message(seq: int, head_hash: str) -> bytes:
    return f"claimtrail-checkpoint-v1\n{seq}\n{head_hash}".encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def create_key(path: Path) -> None:
    """Write a new private key (mode 600) and its public half beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.touch(mode=0o600)
    path.write_bytes(pem)
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    path.with_suffix(".pub").write_bytes(public)


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The public key, from a .pub file or derived from the private key file."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return serialization.load_pem_private_key(data, password=None).public_key()
    return serialization.load_pem_public_key(data)


EVERY_SECONDS = 60.0  # a write this long after the last checkpoint signs one: the unsigned tail stays short in time too


class Signer:
    def __init__(self, key_file: Path, copy_file: Path, every_seconds: float = EVERY_SECONDS):
        self.key: Ed25519PrivateKey = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        self.key_id = key_id(self.key.public_key())
        self.copy_file = copy_file
        self.every_seconds, self.last = every_seconds, time.monotonic()

    def due(self) -> bool:
        """Whether a checkpoint is due by time (the ledger also signs every N decisions)."""
        return time.monotonic() - self.last >= self.every_seconds

    @classmethod
    def from_files(cls, key_file: Path, copy_file: Path) -> "Signer | None":
        return cls(key_file, copy_file) if key_file.exists() else None

    def sign(self, seq: int, head_hash: str) -> dict:
        self.last = time.monotonic()
        signature = base64.b64encode(self.key.sign(_message(seq, head_hash))).decode()
        return {"seq": seq, "head_hash": head_hash, "at": utc_now(), "key_id": self.key_id, "signature": signature}

    def store(self, session: Session, checkpoint: dict) -> None:
        if session.get(Checkpoint, checkpoint["seq"]) is None:
            session.execute(insert(Checkpoint), [checkpoint])

    def export(self, checkpoint: dict, to: Path | None = None) -> None:
        """Append the checkpoint to the local copy, or to `to` (a witness copy kept elsewhere)."""
        target = to or self.copy_file
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as out:
            out.write(json.dumps(checkpoint, sort_keys=True) + "\n")

    def publish(self, checkpoint: dict, folder: Path) -> Path:
        """A witness copy in `folder` (off the database host): the checkpoint and the public key
        that checks it, so a key swapped beside the database shows up as a bad signature."""
        folder.mkdir(parents=True, exist_ok=True)
        public = self.key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        if not (folder / "ledger.pub").exists():
            (folder / "ledger.pub").write_bytes(public)
        self.export(checkpoint, folder / WITNESS_FILE)
        return folder / WITNESS_FILE


WITNESS_FILE = "checkpoints.jsonl"


def signature_ok(public: Ed25519PublicKey, checkpoint: dict) -> bool:
    try:
        public.verify(base64.b64decode(checkpoint["signature"]), _message(checkpoint["seq"], checkpoint["head_hash"]))
        return True
    except (InvalidSignature, ValueError, KeyError):
        return False


def stored_checkpoints(session: Session) -> list[dict]:
    return [dict(r._mapping) for r in session.execute(select(Checkpoint.__table__).order_by(Checkpoint.seq))]


def file_checkpoints(path: Path) -> list[dict]:
    """Checkpoints copied to a file (or a witness folder); a line that is not a checkpoint is reported as such."""
    if path.is_dir():
        path = path / WITNESS_FILE
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                found.append({**json.loads(line), "source": f"{path}:{number}"})
            except json.JSONDecodeError:
                found.append({"seq": -1, "head_hash": "", "signature": "", "source": f"{path}:{number} (not JSON)"})
    return found
