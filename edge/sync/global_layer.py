"""The device side of the global layer: verify each release, keep the newest good one, write it to disk.

A release is accepted only if its Ed25519 signature verifies against ``sync.public_key`` and its version is
newer than the layer in use. Anything else (unsigned, tampered, another key, older or same version,
malformed) is rejected with one log line and the current table stays. The accepted table text is written
atomically to ``learning.global_table`` (what the learning rewriter loads) and the signed message next to
it (``<table>.signed``), so the version in use can be re-verified after a restart, and is re-verified each
time the runtime loads it (:mod:`edge.sync.installed`). On start, a table file that differs from its signed
release (edited on disk) is restored from the release. A hostile message (huge, deeply nested, wrong
types) is one ``malformed`` rejection like any other: it never raises out of :meth:`offer`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from edge.errors import EdgeError
from edge.sync.installed import LayerUnusable, read_installed, signed_path
from edge.sync.link import MqttLink
from edge.sync.release import RELEASE_TOPIC, SignatureError, verify_release

__all__ = ["GlobalLayerInstaller", "InstallOutcome", "InstallResult", "follow_releases"]

log = logging.getLogger("edge.sync.global_layer")


class InstallOutcome(StrEnum):
    ACCEPTED = "accepted"
    UNSIGNED = "unsigned"
    BAD_SIGNATURE = "bad-signature"
    NOT_NEWER = "not-newer"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class InstallResult:
    outcome: InstallOutcome
    version: int  # the version now in use (0: none)
    detail: str = ""


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


class GlobalLayerInstaller:
    """Synchronous (file I/O): call :meth:`offer` from a thread when used inside the event loop."""

    def __init__(self, table_path: Path | str, public_key: str) -> None:
        if not public_key:
            raise EdgeError(
                "sync.public_key is empty: the device cannot verify a global layer",
                hint="set sync.public_key to the aggregator's Ed25519 public key (hex)",
            )
        self.table_path = Path(table_path)
        self.signed_path = signed_path(self.table_path)
        self.public_key = public_key
        self.version = self._current_version()

    def _current_version(self) -> int:
        if not self.signed_path.exists():
            return 0
        try:
            version, _ = read_installed(self.table_path, self.public_key)
        except LayerUnusable as err:
            try:
                table, text = verify_release(self.signed_path.read_bytes(), self.public_key)
            except (EdgeError, OSError):
                log.warning(
                    "the stored global layer is unusable (%s); waiting for a new release", err.message
                )
                return 0
            _atomic_write(self.table_path, text.encode())  # edited on disk: back to the signed text
            log.warning("%s; restored version %d from its signed release", err.message, table.version)
            return table.version
        return version

    def offer(self, raw: bytes) -> InstallResult:
        """Verify one release message and install it if it is good and newer."""
        try:
            table, text = verify_release(raw, self.public_key)
        except SignatureError as err:
            unsigned = "unsigned" in err.message
            outcome = InstallOutcome.UNSIGNED if unsigned else InstallOutcome.BAD_SIGNATURE
            log.warning(
                "global layer rejected (%s): %s; keeping version %d", outcome, err.message, self.version
            )
            return InstallResult(outcome, self.version, err.message)
        except EdgeError as err:
            log.warning(
                "global layer rejected (malformed): %s; keeping version %d", err.message, self.version
            )
            return InstallResult(InstallOutcome.MALFORMED, self.version, err.message)
        if table.version <= self.version:
            detail = f"version {table.version} is not newer than {self.version}"
            if table.version < self.version:
                log.warning("global layer rejected (older): %s", detail)
            return InstallResult(InstallOutcome.NOT_NEWER, self.version, detail)
        _atomic_write(self.table_path, text.encode())
        _atomic_write(self.signed_path, raw)
        self.version = table.version
        log.info("global layer version %d installed (%d entries)", table.version, len(table.entries))
        return InstallResult(InstallOutcome.ACCEPTED, self.version)


async def follow_releases(
    link: MqttLink, installer: GlobalLayerInstaller, stop: asyncio.Event | None = None
) -> None:
    """Subscribe to the (retained) release topic and offer every message to ``installer``."""
    await link.subscribe(RELEASE_TOPIC, qos=1)
    while stop is None or not stop.is_set():
        msg = await link.get(timeout_s=1.0)
        if msg is None or msg.topic != RELEASE_TOPIC or not msg.payload:
            continue
        await asyncio.to_thread(installer.offer, msg.payload)
