"""The Ed25519 key that signs message-log checkpoints.

The private key comes from the environment variable KIBAN_LOG_SIGNING_KEY (32 bytes as 64
hex digits), or else from the file `log-signing.key` in the var directory, which is
generated on first use (mode 0600). Verifying needs only the public key stored with each
checkpoint; an auditor pins the expected public key with `kiban verify-log --public-key`.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ENV_KEY = "KIBAN_LOG_SIGNING_KEY"
KEY_FILE = "log-signing.key"


def _key_from_file(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(os.urandom(32).hex() + "\n")
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(path.read_text().strip()))


@cache
def signing_key(var_dir: str) -> Ed25519PrivateKey:
    """Return the signing key: from the environment, or the var directory's key file."""
    configured = os.environ.get(ENV_KEY, "").strip()
    if configured:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(configured))
    try:
        return _key_from_file(Path(var_dir) / KEY_FILE)
    except FileExistsError:  # another process created it meanwhile
        return _key_from_file(Path(var_dir) / KEY_FILE)


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return key.sign(message).hex()


def signature_valid(public_key_hex: str, signature_hex: str, message: bytes) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        public.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
