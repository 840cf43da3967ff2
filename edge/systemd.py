"""The systemd unit that runs ``edge run`` as an appliance (``edge install-service``; docs/appliance.md).

A system unit runs as a named user with the journal as its log, restarts on failure, and is sandboxed: no new
privileges, the whole file system read-only (``ProtectSystem=strict``) except the runtime's state folders,
a private /tmp, home folders read-only. A user unit (``--user``) cannot use most of the sandbox without user
namespaces, so it keeps ``NoNewPrivileges`` only. Rendering is pure: the command writes and enables it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from edge.config import Settings

__all__ = ["UNIT_NAME", "ServiceSpec", "commands_to_enable", "quote_arg", "render_unit", "writable_dirs"]

UNIT_NAME = "ambient-edge.service"
_PLAIN = re.compile(r"[A-Za-z0-9_@%$+=:,./-]+")


def quote_arg(arg: str) -> str:
    """One word of ``ExecStart=`` as systemd reads it: ``%`` and ``$`` escaped, quoted when it has
    whitespace, quotes or backslashes."""
    text = arg.replace("%", "%%").replace("$", "$$")
    if _PLAIN.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _path_value(path: Path) -> str:
    """A path in a setting that takes paths (``WorkingDirectory=``, ``ReadWritePaths=``)."""
    text = str(path).replace("%", "%%")
    return f'"{text}"' if any(c.isspace() for c in text) else text


def writable_dirs(settings: Settings, workdir: Path) -> tuple[Path, ...]:
    """The folders the runtime writes (turn store, learned tables, state), absolute against ``workdir``."""
    raw = (
        Path(settings.paths.state_dir),
        Path(settings.feedback.db_path).parent,
        Path(settings.learning.tables_dir),
    )
    found: list[Path] = []
    for path in raw:
        full = path if path.is_absolute() else workdir / path
        if not any(full == p or full.is_relative_to(p) for p in found):
            found = [p for p in found if not p.is_relative_to(full)] + [full]
    return tuple(found)


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """What the unit runs: ``command`` is ``edge run ...`` as argv (absolute paths)."""

    command: tuple[str, ...]
    workdir: Path
    writable: tuple[Path, ...]
    environment: tuple[tuple[str, str], ...] = ()
    user: str = ""  # empty for a user unit
    user_unit: bool = False
    restart_sec: int = 5


_HARDENING = (
    "NoNewPrivileges=true",
    "ProtectSystem=strict",
    "ProtectHome=read-only",
    "PrivateTmp=true",
    "ProtectKernelTunables=true",
    "ProtectKernelModules=true",
    "ProtectControlGroups=true",
    "RestrictSUIDSGID=true",
    "LockPersonality=true",
)


def render_unit(spec: ServiceSpec) -> str:
    """The unit file's text."""
    exec_start = " ".join(quote_arg(a) for a in spec.command)
    unit = [
        "[Unit]",
        "Description=ambient-edge offline voice runtime (edge run)",
        "Wants=network-online.target mosquitto.service",
        "After=network-online.target mosquitto.service sound.target",
        "StartLimitIntervalSec=300",
        "StartLimitBurst=10",
        "",
        "[Service]",
        "Type=simple",
    ]
    if spec.user and not spec.user_unit:
        unit += [f"User={spec.user}", "SupplementaryGroups=audio"]
    unit.append(f"WorkingDirectory={_path_value(spec.workdir)}")
    unit += [f"Environment={quote_arg(f'{k}={v}')}" for k, v in spec.environment]
    unit += [
        f"ExecStart={exec_start}",
        "Restart=on-failure",
        f"RestartSec={spec.restart_sec}",
        "TimeoutStopSec=20",
        "StandardOutput=journal",
        "StandardError=journal",
        "SyslogIdentifier=ambient-edge",
    ]
    if spec.user_unit:
        unit.append("NoNewPrivileges=true")
    else:
        unit += list(_HARDENING)
        unit += [f"ReadWritePaths={_path_value(p)}" for p in spec.writable]
    unit += ["", "[Install]", f"WantedBy={'default.target' if spec.user_unit else 'multi-user.target'}", ""]
    return "\n".join(unit)


def commands_to_enable(user_unit: bool) -> Sequence[Sequence[str]]:
    """The systemctl calls that load and start the unit."""
    base = ["systemctl", "--user"] if user_unit else ["systemctl"]
    return [[*base, "daemon-reload"], [*base, "enable", "--now", UNIT_NAME]]
