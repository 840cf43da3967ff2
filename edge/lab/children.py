"""The processes a lab command starts (``edge demo``: its Mosquitto, ``edge simulate``), owned and ended on
every way the command can end.

* a normal end or an exception: ``with Children() as children:`` closes them in its ``finally``;
* SIGTERM / SIGHUP: turned into ``SystemExit(128 + signal)`` so the same ``finally`` runs (SIGINT is
  Python's ``KeyboardInterrupt`` already);
* an exit that skips the ``finally`` (``os._exit`` aside): an ``atexit`` hook closes them;
* SIGKILL of the owner, which runs nothing: every child is started with a parent-death signal
  (``edge.context.broker.parent_death_signal``, Linux), so the kernel sends it SIGTERM.

Children are ended newest first (the simulator before the broker it talks to), each with SIGTERM, then
SIGKILL after ``stop_timeout_s``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType, TracebackType
from typing import Any

from edge.context.broker import MosquittoBroker, parent_death_signal
from edge.errors import EdgeError, ErrorCode

__all__ = ["Children", "signal_exit_code", "wait_ready"]

log = logging.getLogger(__name__)

_HANDLED = (signal.SIGTERM, signal.SIGHUP)


def signal_exit_code(sig: int) -> int:
    """The shell's exit status of a process ended by ``sig`` (143 for SIGTERM)."""
    return 128 + int(sig)


def _raise_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(signal_exit_code(signum))


@dataclass
class Children:
    """Owns child processes and brokers; :meth:`close` (idempotent) ends all of them."""

    stop_timeout_s: float = 5.0
    _procs: list[subprocess.Popen[Any]] = field(default_factory=list)
    _brokers: list[MosquittoBroker] = field(default_factory=list)
    _before_stop: list[Callable[[], None]] = field(default_factory=list)
    _old_handlers: dict[signal.Signals, Any] = field(default_factory=dict)
    _closed: bool = False

    def __enter__(self) -> Children:
        atexit.register(self.close)
        for sig in _HANDLED:
            try:
                self._old_handlers[sig] = signal.signal(sig, _raise_exit)
            except ValueError:  # not the main thread: the finally and atexit still hold
                break
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def spawn(self, argv: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
        """Start ``argv`` as an owned child that the kernel ends if this process dies."""
        death = parent_death_signal()
        proc: subprocess.Popen[Any] = subprocess.Popen(
            list(argv), preexec_fn=death, **popen  # noqa: PLW1509 - one prctl call (async-signal-safe) in the child
        )  # fmt: skip
        self._procs.append(proc)
        return proc

    def broker(self, port: int | None = None, host: str = "127.0.0.1") -> MosquittoBroker:
        """Start an owned Mosquitto (not persistent: nothing of it outlives the run)."""
        broker = MosquittoBroker(port=port, host=host, persistent=False, die_with_parent=True)
        self._brokers.append(broker)
        return broker.start()

    def before_stop(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` at close, after the processes ended and before the brokers do (e.g. cleaning
        retained messages off a broker)."""
        self._before_stop.append(hook)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._procs] + [b.pid for b in self._brokers if b.pid is not None]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # a second SIGTERM while closing must not cut the clean-up short
        for sig in _HANDLED:
            if sig in self._old_handlers:
                signal.signal(sig, signal.SIG_IGN)
        try:
            for proc in reversed(self._procs):
                self._end(proc)
            for hook in self._before_stop:
                try:
                    hook()
                except Exception as err:  # one failed clean-up must not keep the rest from running
                    log.warning("clean-up failed: %s", err)
            for broker in reversed(self._brokers):
                broker.close()
        finally:
            for sig, old in self._old_handlers.items():
                signal.signal(sig, old)
            atexit.unregister(self.close)

    def _end(self, proc: subprocess.Popen[Any]) -> None:
        if proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(self.stop_timeout_s)
        except subprocess.TimeoutExpired:
            log.warning("pid %d did not stop within %.0f s: killed", proc.pid, self.stop_timeout_s)
            proc.kill()
            proc.wait(self.stop_timeout_s)


def _ready_devices(line: bytes) -> int | None:
    with contextlib.suppress(ValueError):
        message = json.loads(line) if line.startswith(b"{") else None
        if isinstance(message, dict) and message.get("ready"):
            return int(message.get("devices", 0))
    return None


def wait_ready(sim: subprocess.Popen[bytes], timeout_s: float) -> int:
    """Wait for ``edge simulate``'s ``{"ready": true, "devices": N}`` line (read from its pipe's descriptor,
    so nothing sits unseen in a buffer); N. A simulator that exits or stays silent is one clear error."""
    assert sim.stdout is not None
    fd = sim.stdout.fileno()
    pending = b""
    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([fd], [], [], left)
        chunk = os.read(fd, 65536) if readable else b""
        if not chunk:
            break  # it exited, or the time is up
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            if (devices := _ready_devices(line)) is not None:
                return devices
    try:
        code: int | None = sim.wait(1.0)
    except subprocess.TimeoutExpired:
        code = None
    why = f"it exited with code {code}" if code is not None else f"no answer within {timeout_s:.0f} s"
    raise EdgeError(
        f"the simulated home did not start: {why}",
        hint="run `edge simulate --home FILE --broker H:P` alone to see why",
        code=ErrorCode.BROKER_UNAVAILABLE,
    )
