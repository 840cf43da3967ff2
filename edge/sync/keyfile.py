"""Ed25519 key files: a PEM created once with mode 0600, refused when others can read it.

Both ends use it: the device's report-signing key (``<state_dir>/sync/device.key``, next to the home
secret) and the aggregator's release-signing key. A key id is the first 128 bits of SHA-256 over the raw
public key, in hex: what a signed report names, and what the aggregator's registry of devices is keyed by.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from edge.errors import EdgeError, ErrorCode

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["key_id", "load_or_create_key", "parse_public_key"]

_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey | str) -> str:
    """The 32-hex-digit id of a key (private, public, or public as 64 hex digits)."""
    if isinstance(key, str):
        raw = bytes.fromhex(parse_public_key(key))
    else:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only

        pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
        raw = pub.public_bytes_raw()
    return hashlib.sha256(raw).hexdigest()[:32]


def parse_public_key(text: str) -> str:
    """A public key as 64 lower-case hex digits (what ``edge sync --print-device-key`` prints)."""
    value = text.strip().lower()
    if not _HEX_KEY.match(value):
        raise EdgeError(
            f"{text[:80]!r} is not an Ed25519 public key (64 hex digits)",
            hint="copy the key printed by `edge sync --print-device-key` on the device",
            code=ErrorCode.CONFIG_INVALID,
        )
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(value))
    except ValueError as err:
        raise EdgeError(f"{value} is not a valid Ed25519 public key", code=ErrorCode.CONFIG_INVALID) from err
    return value


def load_or_create_key(path: Path | str) -> Ed25519PrivateKey:
    """Load the signing key, or generate one (mode 0600) if the file does not exist yet."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415 - lazy: ~6 MB, fleet sync only

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
            pass  # another process created it first: load theirs
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
