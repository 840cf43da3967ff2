"""A local Mosquitto broker started by the project on a loopback port and stopped by its PID.

Used by ``make run`` (its own broker, never the one already listening) and by the test fixtures. With
``die_with_parent`` the broker is ended by the kernel when the process that started it dies, even by SIGKILL
(Linux ``PR_SET_PDEATHSIG``; elsewhere only the owner's own exit paths stop it).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from edge.errors import EdgeError, ErrorCode

__all__ = ["MosquittoBroker", "free_port", "parent_death_signal", "port_open"]

_PR_SET_PDEATHSIG = 1


def parent_death_signal(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A ``preexec_fn`` for :class:`subprocess.Popen` that has the kernel send ``sig`` to the child when
    the parent dies (any way, SIGKILL included); None where the platform has no such thing (not Linux).

    If the parent is already gone by the time the child sets it (a race at fork), the child ends itself."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not in the child
    args = (ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(int(sig)), ctypes.c_ulong(0), ctypes.c_ulong(0))

    def preexec() -> None:  # runs in the child between fork and exec: one system call, no logging, no locks
        prctl(*args, ctypes.c_ulong(0))
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)

    return preexec


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class MosquittoBroker:
    """One mosquitto process. ``persistent`` keeps retained messages across :meth:`restart`.

    ``users`` maps user name to password; when given, anonymous access is refused.
    """

    def __init__(
        self,
        port: int | None = None,
        host: str = "127.0.0.1",
        persistent: bool = True,
        users: dict[str, str] | None = None,
        workdir: Path | None = None,
        *,
        die_with_parent: bool = False,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.persistent = persistent
        self.users = users or {}
        self.die_with_parent = die_with_parent
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="edge-mosquitto-")
            workdir = Path(self._tmp.name)
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def executable() -> str:
        exe = shutil.which("mosquitto") or next(
            (p for p in ("/usr/sbin/mosquitto", "/usr/bin/mosquitto") if Path(p).exists()), None
        )
        if not exe:
            raise EdgeError(
                "mosquitto is not installed",
                hint="sudo apt-get install mosquitto (Debian / Raspberry Pi OS)",
                code=ErrorCode.BROKER_UNAVAILABLE,
            )
        return exe

    def _write_config(self) -> Path:
        lines = [
            f"listener {self.port} {self.host}",
            f"allow_anonymous {'false' if self.users else 'true'}",
            f"persistence {'true' if self.persistent else 'false'}",
            f"persistence_location {self.workdir}/",
            "autosave_interval 1",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "max_queued_messages 10000",
        ]
        if os.geteuid() == 0:
            # as root mosquitto drops to its own user, which cannot read our 0600 files or temp folder
            lines.append("user root")
        if self.users:
            pw = self.workdir / "passwd"
            pw.write_text("".join(f"{u}:{p}\n" for u, p in self.users.items()))
            subprocess.run(["mosquitto_passwd", "-U", str(pw)], check=True, capture_output=True)
            pw.chmod(0o600)
            lines.append(f"password_file {pw}")
        conf = self.workdir / "mosquitto.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def start(self, timeout: float = 10.0) -> MosquittoBroker:
        if self.proc and self.proc.poll() is None:
            return self
        conf = self._write_config()
        with (self.workdir / "mosquitto.log").open("ab") as log:
            preexec = parent_death_signal() if self.die_with_parent else None
            self.proc = subprocess.Popen(
                [self.executable(), "-c", str(conf)], stdout=log, stderr=log,
                preexec_fn=preexec,  # noqa: PLW1509 - prctl only (async-signal-safe); the owners start brokers before threads
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = (self.workdir / "mosquitto.log").read_text(errors="replace")[-500:]
                raise EdgeError(
                    f"mosquitto exited at start: {tail}",
                    code=ErrorCode.BROKER_UNAVAILABLE,
                    hint=f"is port {self.port} already in use?",
                )
            if port_open(self.host, self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise EdgeError(
            f"mosquitto did not listen on {self.host}:{self.port} within {timeout}s",
            code=ErrorCode.BROKER_UNAVAILABLE,
        )

    def stop(self, timeout: float = 5.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> MosquittoBroker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
