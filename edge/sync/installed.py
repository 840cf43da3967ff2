"""The installed global layer, verified every time it is loaded.

:mod:`edge.sync.global_layer` writes the table text to ``learning.global_table`` and the signed release
next to it (``<table>.signed``). Whoever loads the layer for use (the runtime's rewriter, every rebuild of
the learned tables) goes through :func:`load_installed`: the signed release is checked against
``sync.public_key`` again, and the plain table file must be byte-identical to the signed table text. A
layer that is unsigned, unverifiable, tampered with on disk, or loaded without a public key is not used:
the device runs without a global layer, and says why once per file and reason (not once per rebuild).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from edge.errors import EdgeError
from edge.sync.payloads import parse_json
from edge.sync.release import verify_release

__all__ = ["LayerUnusable", "load_installed", "read_installed", "signed_path"]

log = logging.getLogger("edge.sync.installed")

_MAX_FILE_BYTES = 8_000_000
_said: set[tuple[str, str]] = set()
_said_lock = threading.Lock()


class LayerUnusable(EdgeError):
    """The installed layer cannot be trusted (or is not there): the device runs without it."""


def signed_path(table_path: Path | str) -> Path:
    p = Path(table_path)
    return p.with_name(p.name + ".signed")


def _read(path: Path) -> bytes | None:
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as err:  # a directory, no permission
        raise LayerUnusable(
            f"{path} is unreadable ({err.strerror})", hint="delete it; sync fetches it again"
        ) from err
    if len(data) > _MAX_FILE_BYTES:
        raise LayerUnusable(
            f"{path} is over {_MAX_FILE_BYTES} bytes", hint="delete it; sync fetches it again"
        )
    return data


def read_installed(table_path: Path | str, public_key: str) -> tuple[int, str]:
    """(version, verified table text) of the installed layer; :class:`LayerUnusable` says why not."""
    table_path = Path(table_path)
    if not public_key:
        raise LayerUnusable(
            f"the global layer {table_path} cannot be verified: sync.public_key is empty",
            hint="set sync.public_key to the aggregator's key (`edge aggregator --print-public-key`)",
        )
    signed = _read(signed_path(table_path))
    plain = _read(table_path)
    if signed is None:
        what = "has no signed release next to it" if plain is not None else "is not installed"
        raise LayerUnusable(
            f"the global layer {table_path} {what} ({signed_path(table_path).name})",
            hint="run `edge sync` to fetch a signed release",
        )
    try:
        table, text = verify_release(signed, public_key)
    except EdgeError as err:
        raise LayerUnusable(
            f"the installed global layer does not verify: {err.message}",
            hint="run `edge sync` to fetch a signed release; check sync.public_key",
        ) from err
    if plain is not None and plain != text.encode():
        raise LayerUnusable(
            f"the global layer {table_path} differs from its signed release (edited on disk)",
            hint="run `edge sync` (it restores the signed table) or delete both files",
        )
    return table.version, text


def load_installed(table_path: Path | str, public_key: str) -> Mapping[str, Any] | None:
    """The verified table as JSON, or None (logged once per file and reason) when it cannot be used."""
    try:
        _, text = read_installed(table_path, public_key)
        data = parse_json(text, "the global layer", _MAX_FILE_BYTES)
    except EdgeError as err:
        key = (str(table_path), err.message)
        with _said_lock:
            first = key not in _said
            _said.add(key)
        if first:
            log.warning("global layer not used: %s (%s); running without it", err.message, err.hint)
        return None
    if not isinstance(data, dict):
        return None
    return data
