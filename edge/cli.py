"""The ``edge`` command. Each subcommand lives in its own module under :mod:`edge.commands`.

A command module exposes ``register(subparsers, common)``: it adds its parser (with ``parents=[common]``)
and sets ``func`` to a callable taking the parsed ``argparse.Namespace`` and returning an exit code.
Logic lives in the rest of the package; command modules only parse and print.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Callable, Sequence

from edge import __version__
from edge.errors import EdgeError

__all__ = ["build_parser", "main"]

log = logging.getLogger("edge")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("settings")
    group.add_argument("--profile", help="firmware profile name or TOML path (default: detected)")
    group.add_argument("--config", help="user config TOML")
    group.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one setting, e.g. --set wake.threshold=0.6 (repeatable)",
    )
    group.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING (default), ERROR")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="edge", description="ambient-edge: offline self-learning voice runtime"
    )
    parser.add_argument("--version", action="version", version=f"ambient-edge {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from edge import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"edge.commands.{info.name}")
        except Exception as err:  # one broken command must not take the others down
            broken = sub.add_parser(info.name, help=f"(unavailable: {err})")
            broken.set_defaults(func=_unavailable(info.name, err))
            continue
        module.register(sub, common)
    return parser


def _unavailable(name: str, err: Exception) -> Callable[[argparse.Namespace], int]:
    def run(_args: argparse.Namespace) -> int:
        print(f"edge: the {name!r} command cannot load: {err!r}", file=sys.stderr)
        return 1

    return run


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    configure_logging(getattr(args, "log_level", "WARNING"))
    try:
        code: int = args.func(args)
    except EdgeError as err:
        print(f"edge: error [{err.code}]: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code
