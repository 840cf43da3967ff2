"""One writer at a time for a home's learned-tables folder.

The idle rebuild (a thread of the runtime), the household page (its changes run in threads) and the CLI
(`edge learn`, another process) all write the same folder: table versions, ``ACTIVE`` and the household's
decisions. :func:`folder_lock` serializes them: a re-entrant lock per folder within the process and an
``flock`` on ``<folder>/.lock`` across processes, both with a timeout (a stuck writer is an error naming the
folder, never a hang).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edge.errors import ConfigError

__all__ = ["LOCK_FILE", "LOCK_TIMEOUT_S", "folder_lock"]

LOCK_FILE = ".lock"
LOCK_TIMEOUT_S = 10.0
_POLL_S = 0.02

_guard = threading.Lock()
_locks: dict[str, threading.RLock] = {}
_held = threading.local()  # folder -> (depth, fd) for the current thread


def _rlock(key: str) -> threading.RLock:
    with _guard:
        return _locks.setdefault(key, threading.RLock())


def _busy(folder: Path, timeout_s: float) -> ConfigError:
    return ConfigError(
        f"the learned tables in {folder} stayed locked by another writer for {timeout_s:.0f} s",
        hint="a rebuild or `edge learn` is still running: try again in a minute, or stop the other one",
    )


def _flock(path: Path, deadline: float, folder: Path, timeout_s: float) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise _busy(folder, timeout_s) from None
            time.sleep(_POLL_S)


@contextmanager
def folder_lock(folder: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the folder's write lock (re-entrant in one thread); :class:`ConfigError` after ``timeout_s``."""
    folder.mkdir(parents=True, exist_ok=True)
    key = str(folder.resolve())
    deadline = time.monotonic() + timeout_s
    rlock = _rlock(key)
    if not rlock.acquire(timeout=timeout_s):
        raise _busy(folder, timeout_s)
    held: dict[str, tuple[int, int]] = _held.__dict__.setdefault("folders", {})
    try:
        depth, fd = held.get(key, (0, -1))
        if depth == 0:
            fd = _flock(folder / LOCK_FILE, deadline, folder, timeout_s)
        held[key] = (depth + 1, fd)
        try:
            yield
        finally:
            depth, fd = held[key]
            if depth == 1:
                del held[key]
                os.close(fd)  # closing the descriptor releases the flock
            else:
                held[key] = (depth - 1, fd)
    finally:
        rlock.release()
