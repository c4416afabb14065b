"""RSA keys that sign ID tokens, kept as PEM files in one directory and rotated.

The directory holds `current.pem` (signs new tokens) and `retired/*.pem` (still published
in the JWKS so that tokens signed before a rotation keep verifying). No Django here:
`settings.py` reads the keys at start-up, `kiban oidc_rotate_key` rotates them.
"""

import os
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CURRENT = "current.pem"
RETIRED = "retired"
KEEP_RETIRED = 2  # how many retired keys stay published


def _new_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_new(path: Path, pem: bytes) -> bool:
    """Write `pem` to `path` unless it exists (another process won the race); return if written."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return True


def signing_keys(directory: Path) -> tuple[str, list[str]]:
    """Return the current key and the retired ones (newest first), creating a first key."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    current = directory / CURRENT
    if not current.exists():
        _write_new(current, _new_pem())
    retired_dir = directory / RETIRED
    retired = sorted(retired_dir.glob("*.pem"), reverse=True) if retired_dir.exists() else []
    return current.read_text(), [path.read_text() for path in retired[:KEEP_RETIRED]]


def signing_key_rotate(directory: Path) -> Path:
    """Retire the current key and make a new one current; return the retired key's path.

    Running processes keep signing with the key they read at start-up; restart them.
    """
    directory = Path(directory)
    signing_keys(directory)
    retired_dir = directory / RETIRED
    retired_dir.mkdir(exist_ok=True)
    retired = retired_dir / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**6:06d}.pem"
    (directory / CURRENT).rename(retired)
    _write_new(directory / CURRENT, _new_pem())
    return retired
