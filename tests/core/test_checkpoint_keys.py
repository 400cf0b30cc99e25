"""Checkpoint keys: files written before (by the `cryptography` package, as OpenSSL writes them)
still sign and verify, byte for byte; a file that is not such a key is named."""

import pytest

from annotate.errors import Invalid
from annotate.store.checkpoints import Signer, create_key, key_id, load_public_key, signature_ok

# A throwaway key written by `cryptography` (PKCS#8 and SubjectPublicKeyInfo PEM), and its
# signature of seq 7 at head "ab" * 32: Ed25519 signatures are deterministic.
OLD_PRIVATE = b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJw9JR6oCmtoA2NqL3tgkvGFidlFFihvZcufYk4aBx6a\n-----END PRIVATE KEY-----\n"
OLD_PUBLIC = b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAzFg29DeyRsUD2B2FbD2iLi0DllGNKvVs30UZQ5b/57s=\n-----END PUBLIC KEY-----\n"
OLD_SIGNATURE = "paVVQIZPte4yvF0yuhLzUnpVLj5t1LIoHdyxwN7i9CmdarL69BqKG0/J3QL/hxmqu50mm9GL/Rpqzne31DOJCw=="


def test_a_key_written_by_an_earlier_release_signs_as_it_did(tmp_path):
    (tmp_path / "ledger.key").write_bytes(OLD_PRIVATE)
    (tmp_path / "ledger.pub").write_bytes(OLD_PUBLIC)
    signed = Signer(tmp_path / "ledger.key", tmp_path / "copy.jsonl").sign(7, "ab" * 32)
    assert signed["signature"] == OLD_SIGNATURE
    public = load_public_key(tmp_path / "ledger.pub")
    assert key_id(public) == key_id(load_public_key(tmp_path / "ledger.key")) == signed["key_id"]
    assert signature_ok(public, signed)
    assert not signature_ok(public, {**signed, "seq": 8})


def test_a_new_key_pair_reads_back_and_a_witness_gets_its_public_half(tmp_path):
    create_key(tmp_path / "ledger.key")
    assert (tmp_path / "ledger.key").stat().st_mode & 0o077 == 0  # readable by its owner only
    signer = Signer(tmp_path / "ledger.key", tmp_path / "copy.jsonl")
    checkpoint = signer.sign(3, "cd" * 32)
    signer.publish(checkpoint, tmp_path / "witness")
    assert signature_ok(load_public_key(tmp_path / "witness" / "ledger.pub"), checkpoint)
    assert (tmp_path / "witness" / "ledger.pub").read_bytes() == (tmp_path / "ledger.pub").read_bytes()


@pytest.mark.parametrize(
    "text", [b"", b"not a key", OLD_PUBLIC.replace(b"PUBLIC", b"PRIVATE"), b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"]
)
def test_a_file_that_is_not_an_ed25519_key_is_named(tmp_path, text):
    path = tmp_path / "ledger.pub"
    path.write_bytes(text)
    with pytest.raises(Invalid, match="ledger.pub"):
        load_public_key(path)
