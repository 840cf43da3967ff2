"""The ``edge`` command. Each subcommand lives in its own module: the device's under :mod:`edge.commands`,
the tooling's (simulators, sessions, benchmarks, training, aggregator) under :mod:`edge.lab.commands`.

A command module exposes ``register(subparsers, common)``: it adds its parser (with ``parents=[common]``)
and sets ``func`` to a callable taking the parsed ``argparse.Namespace`` and returning an exit code.
Logic lives in the rest of the package; command modules only parse and print.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import io
import logging
import pkgutil
import sys
import traceback
from collections.abc import Callable, Sequence

from edge import __version__, commands
from edge.errors import first_edge_error
from edge.lab import commands as lab_commands

__all__ = ["build_parser", "first_edge_error", "main", "report"]

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
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,  # so it does not undo a --debug given before the command
        help="show the full traceback of an unexpected error",
    )
    return common


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first word that is not an option), if any."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``edge`` parser. With ``command`` (what the user typed), only the module of that command is
    imported when one module matches it: the others pull in the tooling (simulators, benchmarks, the fleet
    aggregator and its cryptography), megabytes a running device should not hold. Help lists all."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog="edge", description="ambient-edge: offline self-learning voice runtime"
    )
    parser.add_argument("--version", action="version", version=f"ambient-edge {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    found = [(info.name, package.__name__) for package in (commands, lab_commands)
             for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_")]  # fmt: skip
    chosen = [f for f in found if command is not None and f[0] == command.replace("-", "_")]
    if len(chosen) == 1:
        found = chosen
    for name, package_name in sorted(found):
        try:
            module = importlib.import_module(f"{package_name}.{name}")
        except Exception as err:  # one broken command must not take the others down
            broken = sub.add_parser(name, help=f"(unavailable: {err})")
            broken.set_defaults(func=_unavailable(name, err))
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


def _only_interrupts(exc: BaseException) -> bool:
    if isinstance(exc, BaseExceptionGroup):
        return all(_only_interrupts(inner) for inner in exc.exceptions)
    return isinstance(exc, KeyboardInterrupt | asyncio.CancelledError)


def _lenient_streams() -> None:
    """Text with lone surrogates (a file name that is not UTF-8) is printed escaped, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def report(exc: BaseException, debug: bool = False) -> int:
    """Print one line for an error that ends a command (and the traceback with ``--debug``); the exit code."""
    err = first_edge_error(exc)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if err is not None:
        print(f"edge: error [{err.code}]: {err}", file=sys.stderr)
        return 1
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:  # name the error, not its group
        exc = exc.exceptions[0]
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    print(f"edge: unexpected error: {what}", file=sys.stderr)
    if not debug:
        print("edge: run with --debug for the traceback", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    _lenient_streams()
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(words))
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    configure_logging(getattr(args, "log_level", "WARNING"))
    debug = bool(getattr(args, "debug", False))
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # the last resort: one line, never a traceback (unless --debug)
        if _only_interrupts(exc):
            return 130
        return report(exc, debug)
    return code
