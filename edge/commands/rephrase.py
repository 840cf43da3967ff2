"""``edge rephrase --batch FILE.jsonl``: the runtime's rephrase detector over pairs of requests.

Each input line is ``{"prev", "next", "gap_s", "prev_response"?}``; each output line
``{"rephrase": bool, "score": number}`` (``--explain`` adds the evidence).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from edge.commands._util import emit_json, settings_from_args
from edge.config import FeedbackSettings
from edge.errors import EdgeError, ErrorCode
from edge.feedback.rephrase import detect_rephrase

__all__ = ["register", "score_lines"]


def _pair(line_no: int, raw: str) -> tuple[str, str, float, str]:
    try:
        obj = json.loads(raw)
        prev, nxt, gap = obj["prev"], obj["next"], obj["gap_s"]
        response = obj.get("prev_response") or ""
        if not isinstance(prev, str) or not isinstance(nxt, str) or not isinstance(response, str):
            raise TypeError("prev, next and prev_response must be strings")
        if isinstance(gap, bool) or not isinstance(gap, int | float):
            raise TypeError("gap_s must be a number of seconds")
    except KeyError as err:
        raise EdgeError(
            f"line {line_no}: missing key {err}",
            hint='each line must be {"prev": str, "next": str, "gap_s": number, "prev_response": str?}',
            code=ErrorCode.PAYLOAD_INVALID,
        ) from err
    except (json.JSONDecodeError, TypeError, AttributeError) as err:
        raise EdgeError(
            f"line {line_no}: {err}",
            hint='each line must be {"prev": str, "next": str, "gap_s": number, "prev_response": str?}',
            code=ErrorCode.PAYLOAD_INVALID,
        ) from err
    return prev, nxt, float(gap), response


def score_lines(lines: TextIO, settings: FeedbackSettings, explain: bool = False) -> Iterator[dict[str, Any]]:
    for line_no, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        prev, nxt, gap, response = _pair(line_no, raw)
        decision = detect_rephrase(prev, nxt, gap, settings, prev_response=response)
        out: dict[str, Any] = {"rephrase": decision.rephrase, "score": decision.score}
        if explain:
            out["evidence"] = decision.evidence
        yield out


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args).feedback
    if args.batch == "-":
        for out in score_lines(sys.stdin, settings, args.explain):
            emit_json(out)
        return 0
    path = Path(args.batch)
    if not path.is_file():
        raise EdgeError(f"{path} does not exist", hint="give a JSONL file, or - for stdin")
    with path.open(encoding="utf-8") as fh:
        for out in score_lines(fh, settings, args.explain):
            emit_json(out)
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("rephrase", parents=[common], help="score request pairs with the rephrase detector")
    p.add_argument("--batch", required=True, metavar="FILE.jsonl", help='pairs to score ("-" for stdin)')
    p.add_argument("--explain", action="store_true", help="add the evidence to each output line")
    p.set_defaults(func=_run)
