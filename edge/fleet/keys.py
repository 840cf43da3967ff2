"""The aggregator's Ed25519 signing key: a PEM file created on first run with 0600 permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.errors import EdgeError, ErrorCode

__all__ = ["load_or_create_key"]


def load_or_create_key(path: Path | str) -> Ed25519PrivateKey:
    """Load the signing key, or generate one (mode 0600) if the file does not exist yet."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another aggregator process created it first: load theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            return key
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise EdgeError(
            f"the signing key {path} is readable by others (mode {mode:o})",
            hint=f"chmod 600 {path}",
            code=ErrorCode.CONFIG_INVALID,
        )
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as err:
        raise EdgeError(
            f"{path} is not a PEM private key",
            hint="move it away to generate a new key",
            code=ErrorCode.CONFIG_INVALID,
        ) from err
    if not isinstance(loaded, Ed25519PrivateKey):
        raise EdgeError(f"{path} is not an Ed25519 key", code=ErrorCode.CONFIG_INVALID)
    return loaded
