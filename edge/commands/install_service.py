"""``edge install-service [--config FILE] [--user] [--dry-run]``: run ``edge run --config FILE`` as a systemd
service at boot (``make install-service``), restarted on failure, logging to the journal.

A system unit (``/etc/systemd/system/ambient-edge.service``) needs root: without it the command prints the
``sudo`` line to run. ``--user`` writes a user unit instead (``~/.config/systemd/user``; no root).
``--dry-run`` prints the unit and changes nothing. docs/appliance.md.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]

SYSTEM_CONFIG = Path("/etc/ambient-edge.toml")
SYSTEM_UNIT_DIR = Path("/etc/systemd/system")


def _user_config() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ambient-edge" / "config.toml"


def _user_unit_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def _edge_command() -> list[str]:
    script = Path(sys.executable).parent / "edge"  # the venv's console script, next to its python
    return [str(script)] if script.is_file() else [sys.executable, "-m", "edge"]


def _run(args: argparse.Namespace) -> int:
    from edge.commands._util import settings_from_args  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.config import source_checkout  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.errors import ConfigError  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.systemd import UNIT_NAME, ServiceSpec, commands_to_enable, render_unit, writable_dirs  # noqa: PLC0415 - lazy: as above

    config = Path(args.config or (_user_config() if args.user else SYSTEM_CONFIG)).expanduser().absolute()
    if not config.is_file():
        hint = f"create it (an empty file keeps the profile's defaults: touch {config}), or use --config"
        if not args.dry_run:
            raise ConfigError(f"no config file at {config} for the service", hint=hint)
        print(f"edge install-service: note: {config} does not exist yet; {hint}", file=sys.stderr)
    settings = settings_from_args(
        argparse.Namespace(**{**vars(args), "config": str(config) if config.is_file() else None})
    )
    workdir = Path(args.workdir or source_checkout() or Path.cwd()).expanduser().absolute()
    user = "" if args.user else (args.as_user or os.environ.get("SUDO_USER") or getpass.getuser())
    model_dir = (
        Path(args.model_dir).expanduser().absolute() if args.model_dir else settings.model_dir().absolute()
    )
    command = [*_edge_command(), "run", "--config", str(config)]
    if args.profile:
        command += ["--profile", args.profile]
    if args.home:
        command += ["--home", str(Path(args.home).expanduser().absolute())]
    spec = ServiceSpec(
        command=tuple(command), workdir=workdir, writable=writable_dirs(settings, workdir),
        environment=(("EDGE_MODEL_DIR", str(model_dir)), ("HF_HUB_OFFLINE", "1"), ("PYTHONUNBUFFERED", "1")),
        user=user, user_unit=args.user,
    )  # fmt: skip
    text = render_unit(spec)
    if user == "root":
        print("edge install-service: note: the service would run as root; name its user with --as NAME",
              file=sys.stderr)  # fmt: skip
    if args.dry_run:
        sys.stdout.write(text)
        return 0
    unit_dir = Path(args.unit_dir) if args.unit_dir else (_user_unit_dir() if args.user else SYSTEM_UNIT_DIR)
    if not args.user and not args.unit_dir and os.geteuid() != 0:
        again = [*_edge_command(), "install-service", "--config", str(config), "--as", user, "--workdir",
                 str(workdir), "--model-dir", str(model_dir)]  # fmt: skip
        if args.profile:
            again += ["--profile", args.profile]
        if args.home:
            again += ["--home", str(Path(args.home).expanduser().absolute())]
        print("edge install-service: a system unit needs root; run:")
        print(f"  sudo {shlex.join(again)}")
        print("or, for your user alone (no root): edge install-service --user; --dry-run prints the unit")
        return 1
    for folder in spec.writable:  # ProtectSystem=strict: they must exist before the service starts
        folder.mkdir(parents=True, exist_ok=True)
        if user and os.geteuid() == 0:
            import shutil  # noqa: PLC0415 - lazy: only a root install hands the folders to the service's user

            shutil.chown(folder, user)
    unit_dir.mkdir(parents=True, exist_ok=True)
    path = unit_dir / UNIT_NAME
    path.write_text(text)
    path.chmod(0o644)
    print(f"edge install-service: wrote {path}")
    steps = commands_to_enable(args.user)
    if args.no_enable:
        print("edge install-service: to enable and start it: " + " && ".join(shlex.join(s) for s in steps))
        return 0
    for step in steps:
        try:
            done = subprocess.run(list(step), capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            print(f"edge install-service: {shlex.join(step)} failed: {err}", file=sys.stderr)
            return 1
        if done.returncode != 0:
            print(f"edge install-service: {shlex.join(step)} failed: {done.stderr.strip()}", file=sys.stderr)
            return 1
    journal = f"journalctl {'--user ' if args.user else ''}-u {UNIT_NAME} -f"
    print(f"edge install-service: enabled and started {UNIT_NAME}; its log: {journal}")
    if args.user:
        linger = f"sudo loginctl enable-linger {getpass.getuser()}"
        print(f"edge install-service: to start it at boot without a login: {linger}")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "install-service", parents=[common], help="run `edge run` as a systemd service at boot"
    )
    p.add_argument(
        "--user", action="store_true", help="a user unit (~/.config/systemd/user) instead of a system one"
    )
    p.add_argument("--dry-run", action="store_true", help="print the unit; change nothing")
    p.add_argument(
        "--as", dest="as_user", metavar="NAME", help="the user a system unit runs as (default: you)"
    )
    p.add_argument("--home", help="home file for `edge run --home` (default: none)")
    p.add_argument("--workdir", help="the service's working folder (default: this checkout, else here)")
    p.add_argument("--model-dir", help="EDGE_MODEL_DIR for the service (default: where models are now)")
    p.add_argument("--unit-dir", help="write the unit here instead (for packaging and tests)")
    p.add_argument("--no-enable", action="store_true", help="write the unit but do not enable or start it")
    p.set_defaults(func=_run)
