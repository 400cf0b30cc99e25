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

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey
from sqlalchemy import insert, select
from sqlmodel import Session

from annotate.errors import Invalid
from annotate.store.ledger import utc_now
from annotate.store.models import Checkpoint

# An Ed25519 key in PEM (RFC 8410) is a fixed DER header and the 32 key bytes: PKCS#8 for the
# private key, SubjectPublicKeyInfo for the public one, as OpenSSL and `cryptography` write them.
PRIVATE_DER = bytes.fromhex("302e020100300506032b657004220420")
PUBLIC_DER = bytes.fromhex("302a300506032b6570032100")


def _message(seq: int, head_hash: str) -> bytes:
    return f"claimtrail-checkpoint-v1\n{seq}\n{head_hash}".encode()


def key_id(public: VerifyKey) -> str:
    return hashlib.sha256(bytes(public)).hexdigest()[:16]


def create_key(path: Path) -> None:
    """Write a new private key (mode 600) and its public half beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    path.touch(mode=0o600)
    path.write_bytes(_pem("PRIVATE KEY", PRIVATE_DER + bytes(key)))
    path.with_suffix(".pub").write_bytes(public_pem(key.verify_key))


def public_pem(public: VerifyKey) -> bytes:
    return _pem("PUBLIC KEY", PUBLIC_DER + bytes(public))


def load_private_key(path: Path) -> SigningKey:
    return SigningKey(_key_bytes(path, path.read_bytes(), "PRIVATE KEY", PRIVATE_DER))


def load_public_key(path: Path) -> VerifyKey:
    """The public key, from a .pub file or derived from the private key file."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return SigningKey(_key_bytes(path, data, "PRIVATE KEY", PRIVATE_DER)).verify_key
    return VerifyKey(_key_bytes(path, data, "PUBLIC KEY", PUBLIC_DER))


def _pem(label: str, der: bytes) -> bytes:
    return f"-----BEGIN {label}-----\n{base64.b64encode(der).decode()}\n-----END {label}-----\n".encode()


def _key_bytes(path: Path, data: bytes, label: str, header: bytes) -> bytes:
    begin, end = f"-----BEGIN {label}-----".encode(), f"-----END {label}-----".encode()
    try:
        der = base64.b64decode(data.split(begin, 1)[1].split(end, 1)[0], validate=False)
    except (IndexError, ValueError):
        der = b""
    if len(der) != len(header) + 32 or not der.startswith(header):
        raise Invalid(f"{path}: not an Ed25519 {label.lower()} in PEM (an unencrypted RFC 8410 key)")
    return der[len(header) :]


EVERY_SECONDS = 60.0  # a write this long after the last checkpoint signs one: the unsigned tail stays short in time too


class Signer:
    def __init__(self, key_file: Path, copy_file: Path, every_seconds: float = EVERY_SECONDS):
        self.key = load_private_key(key_file)
        self.key_id = key_id(self.key.verify_key)
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
        signature = base64.b64encode(self.key.sign(_message(seq, head_hash)).signature).decode()
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
        if not (folder / "ledger.pub").exists():
            (folder / "ledger.pub").write_bytes(public_pem(self.key.verify_key))
        self.export(checkpoint, folder / WITNESS_FILE)
        return folder / WITNESS_FILE


WITNESS_FILE = "checkpoints.jsonl"


def signature_ok(public: VerifyKey, checkpoint: dict) -> bool:
    try:
        public.verify(_message(checkpoint["seq"], checkpoint["head_hash"]), base64.b64decode(checkpoint["signature"]))
        return True
    except (BadSignatureError, ValueError, KeyError, TypeError):
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
