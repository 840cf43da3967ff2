"""``edge parse TEXT`` / ``edge parse --batch FILE.jsonl``: text -> intent JSON under a given home context."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edge.commands._util import add_domain_argument, emit_json, settings_from_args
from edge.errors import ConfigError
from edge.inputfiles import parse_json_object

if TYPE_CHECKING:
    from edge.context.model import ContextSnapshot
    from edge.nlu.parser import ParseResult

__all__ = ["register"]


def _screen(value: str | None) -> bool:
    return value in {"yes", "true", "1"}


BATCH_HINT = (
    'each line is a JSON object: {"text": "...", "context": {"area": ..., "states": {...}, "screen": ...}}'
)


def _batch(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(text, context) per non-empty line of a JSONL batch, read line by line; a bad line is one error
    naming the file and the line."""
    if path.is_dir():
        raise ConfigError(f"batch file {path} is a directory, not a file", hint=BATCH_HINT)
    try:
        fh = path.open("rb")
    except FileNotFoundError as err:
        raise ConfigError(f"batch file {path} does not exist", hint=BATCH_HINT) from err
    except OSError as err:
        raise ConfigError(
            f"batch file {path} cannot be read: {err.strerror or err}", hint=BATCH_HINT
        ) from err
    with fh:
        for number, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                raise _bad_line(path, number, "not UTF-8 text", "save the file as UTF-8 text") from err
            if line.strip():
                yield _batch_item(path, number, line)


def _bad_line(path: Path, number: int, why: str, hint: str = BATCH_HINT) -> ConfigError:
    return ConfigError(f"batch file {path}, line {number}: {why}", hint=hint)


def _batch_item(path: Path, number: int, line: str) -> tuple[str, dict[str, Any]]:
    try:
        item = parse_json_object(line)
    except ValueError as err:
        raise _bad_line(path, number, str(err)) from err
    text = item.get("text")
    if not isinstance(text, str):
        raise _bad_line(path, number, '"text" must be a string')
    ctx = item.get("context") or {}
    if not isinstance(ctx, dict):
        raise _bad_line(path, number, '"context" must be an object')
    if not isinstance(ctx.get("states") or {}, dict):
        raise _bad_line(path, number, '"context.states" must be an object of entity_id: state')
    if not isinstance(ctx.get("area", ""), str):
        raise _bad_line(path, number, '"context.area" must be a string')
    if not isinstance(ctx.get("screen", False), bool):
        raise _bad_line(path, number, '"context.screen" must be true or false')
    return text, ctx


def _with_decision(result: ParseResult, snapshot: ContextSnapshot) -> dict[str, Any]:
    """The parse with what the device would do: ``decision`` (act, confirm, ask, answer, cannot,
    not_understood), the ``question`` it would ask and the devices it would act on (``acts_on``)."""
    from edge.actions.planner import plan, which_one  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.turns.confirming import decide  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    out = result.to_json()
    decision, said = decide(result.intent, snapshot, result.unsure)
    out["decision"] = decision
    if result.abstained:
        out["abstained"] = True  # below the operating point (nlu.act_below): never acted on
    if decision in {"ask", "confirm"}:
        out["question"] = said
    elif said:
        out["says"] = said
    acts_on: list[str] = []
    if decision in {"act", "confirm"} and result.intent is not None and result.intent.source != "domain":
        made = plan(which_one(result.intent, snapshot).intent, snapshot)
        acts_on = list(dict.fromkeys(c.entity_id for c in made.commands))
    out["acts_on"] = acts_on
    return out


_CAUTION = ("confirm", "ask", "cannot", "not_understood", "act", "answer")
"""A compound request's decision: its most cautious part's."""
_TEACHING = frozenset({"TeachMacro", "TeachPreference", "ForgetTaught"})


def _decided(parser: Any, text: str, snapshot: ContextSnapshot) -> dict[str, Any]:
    """What the device would do with ``text``: as the turn engine does, a request in several parts ("close the
    blinds and turn on the lamp", :func:`edge.dialog.teach.split_actions`) whose every part is a home request
    is each part's (``parts``), with the most cautious part's ``decision`` and every part's ``acts_on``;
    anything else is the whole sentence's parse."""
    from edge.dialog.teach import split_actions  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    parts = split_actions(text)
    if len(parts) > 1:
        results = [parser.analyse(part, snapshot) for part in parts]
        if all(r.intent is not None and r.intent.name not in _TEACHING and r.intent.source != "domain"
               for r in results):  # fmt: skip
            decided = [_with_decision(r, snapshot) for r in results]
            return {
                "text": text,
                "parts": decided,
                "decision": min((d["decision"] for d in decided), key=_CAUTION.index),
                "acts_on": list(dict.fromkeys(e for d in decided for e in d["acts_on"])),
            }
    return _with_decision(parser.analyse(text, snapshot), snapshot)


def _run(args: argparse.Namespace) -> int:
    from edge.nlu.domain_parser import load_parser  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser
    from edge.nlu.snapshots import load_home_or_demo, make_snapshot, parse_states  # noqa: PLC0415 - lazy: every `edge` command imports this module for its parser

    settings = settings_from_args(args)
    parser = load_parser(settings)
    home = load_home_or_demo(Path(args.home) if args.home else None)
    devices = home.devices  # in the home file's states (attributes too); --state / "states" override them
    area = args.area if args.area is not None else settings.satellite.area
    screen = _screen(args.screen) if args.screen else settings.satellite.has_screen
    if args.batch:
        for text, ctx in _batch(Path(args.batch)):
            states = ctx.get("states") or {}
            snapshot = make_snapshot(
                devices,
                str(ctx.get("area", area)),
                {str(k): str(v) for k, v in states.items()},
                bool(ctx.get("screen", screen)),
                base=home.states,
                areas=home.areas,
            )
            emit_json(_decided(parser, text, snapshot))
        return 0
    if not args.text:
        raise ConfigError("nothing to parse", hint="give TEXT or --batch FILE.jsonl")
    snapshot = make_snapshot(
        devices, area, parse_states(args.state), screen, base=home.states, areas=home.areas
    )
    emit_json(_decided(parser, " ".join(args.text), snapshot))
    sys.stdout.flush()
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "parse", parents=[common], help="parse text into an intent under a home context (JSON)"
    )
    p.add_argument("text", nargs="*", help="the request, e.g. turn on the light")
    p.add_argument(
        "--batch", help="JSONL file of {text, context: {area, states, screen}} (one result per line)"
    )
    p.add_argument("--home", help="home TOML (default: devices/homes/demo.toml when present)")
    p.add_argument("--area", help="the satellite's area (default: satellite.area)")
    p.add_argument(
        "--state", action="append", default=[], metavar="ENTITY_ID=STATE",
        help="a device state over the home file's (repeatable)",
    )  # fmt: skip
    p.add_argument("--screen", choices=["yes", "no"], help="whether the satellite has a screen")
    add_domain_argument(p)
    p.set_defaults(func=_run)
