"""Run ``edge aggregator`` as a child process (tests, benchmarks): start, wait until ready, stop by PID."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from types import TracebackType

from edge.context.broker import MosquittoBroker
from edge.errors import EdgeError, ErrorCode

__all__ = ["AggregatorProcess", "LoopbackBroker", "start_broker"]


class LoopbackBroker(MosquittoBroker):
    """A :class:`MosquittoBroker` that also works when the tests run as root: mosquitto then drops to its
    own user and can read neither the 0600 password file nor the persistence folder, so keep it as the
    current user (``user`` of the running process)."""

    def _write_config(self) -> Path:
        conf = super()._write_config()
        if hasattr(os, "geteuid") and os.geteuid() == 0 and "user root" not in conf.read_text():
            conf.write_text(conf.read_text() + "user root\n")
        return conf


def start_broker(broker: MosquittoBroker, restart: bool = False) -> MosquittoBroker:
    """Start (or restart) a test broker. ``MosquittoBroker.start`` leaves its log file handle to the
    garbage collector; the ResourceWarning that follows is not ours to fix here, so it is silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        if restart:
            broker.restart()
        else:
            broker.start()
    return broker


class AggregatorProcess:
    """One aggregator subprocess; its JSON event lines go to :attr:`events`, log lines to :attr:`stderr`."""

    def __init__(
        self,
        port: int,
        db: Path,
        key: Path,
        *,
        name: str,
        group: str = "edge-aggregators",
        extra: tuple[str, ...] = (),
        username: str = "",
        password: str = "",
    ) -> None:
        self.cmd = [
            sys.executable, "-m", "edge", "aggregator",
            "--broker", f"127.0.0.1:{port}", "--db", str(db), "--key", str(key),
            "--name", name, "--group", group, *extra,
        ]  # fmt: skip
        if username:
            self.cmd += ["--username", username]
        self.env = {**os.environ, "EDGE_FLEET_PASSWORD": password}
        self.events: list[dict[str, object]] = []
        self.stderr = ""
        self._proc: subprocess.Popen[str] | None = None
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    def start(self, timeout_s: float = 30.0) -> AggregatorProcess:
        self._proc = subprocess.Popen(
            self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env
        )
        self._reader = threading.Thread(
            target=self._read, args=(self._proc,), name="aggregator-stdout", daemon=True
        )
        self._reader.start()
        if not self._ready.wait(timeout_s):
            self.stop()
            raise EdgeError(
                f"the aggregator did not become ready in {timeout_s}s: {self.stderr[-800:]}",
                code=ErrorCode.BROKER_UNAVAILABLE,
            )
        return self

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                self.stderr += line  # log lines (stderr is merged into stdout)
                continue
            if not isinstance(event, dict):
                continue
            self.events.append(event)
            if event.get("event") == "ready":
                self._ready.set()
        self._ready.set()

    def stop(self, timeout_s: float = 15.0) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout_s)
        if self._reader is not None:
            self._reader.join(timeout_s)
        if proc.stdout is not None:
            proc.stdout.close()
        return proc.returncode

    def accepted(self) -> int:
        return sum(int(str(e.get("accepted", 0))) for e in self.events if e.get("event") == "ingested")

    def __enter__(self) -> AggregatorProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
