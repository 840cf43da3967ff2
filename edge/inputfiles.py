"""Reading the user's input files (settings, homes, scripts, batches) with one clear error per failure.

Every failure names the file (and the line where there is one), says what is wrong and how to fix it, as
an :class:`~edge.errors.EdgeError`: a missing file, a directory, unreadable bytes, text that is not UTF-8,
invalid or too deeply nested TOML / JSON.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

from edge.errors import ConfigError, EdgeError, ErrorCode

__all__ = [
    "MAX_INPUT_BYTES",
    "input_error",
    "load_toml",
    "parse_json",
    "parse_json_object",
    "parse_toml",
    "read_text",
]

MAX_INPUT_BYTES = 64 * 1024 * 1024  # no settings, home or script file is anywhere near this


def input_error(message: str, hint: str, code: ErrorCode = ErrorCode.CONFIG_INVALID) -> EdgeError:
    if code is ErrorCode.CONFIG_INVALID:
        return ConfigError(message, hint=hint)
    return EdgeError(message, hint=hint, code=code)


def read_text(path: Path, what: str, hint: str, code: ErrorCode = ErrorCode.CONFIG_INVALID) -> str:
    """The whole of a UTF-8 text file (a leading byte-order mark is dropped)."""
    if path.is_dir():
        raise input_error(f"{what} {path} is a directory, not a file", hint, code)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError as err:
        raise input_error(f"{what} {path} does not exist", hint, code) from err
    except OSError as err:
        raise input_error(f"{what} {path} cannot be read: {err.strerror or err}", hint, code) from err
    if len(data) > MAX_INPUT_BYTES:
        raise input_error(f"{what} {path} is larger than {MAX_INPUT_BYTES >> 20} MB", hint, code)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise input_error(
            f"{what} {path}, line {line}: not UTF-8 text (byte 0x{data[err.start]:02x})",
            "save the file as UTF-8 text",
            code,
        ) from err


def parse_toml(text: str, where: str, hint: str) -> dict[str, Any]:
    """TOML text; ``where`` names it in errors (``config file x.toml``)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{where} is not valid TOML: {err}", hint=hint) from err
    except RecursionError as err:
        raise ConfigError(f"{where} nests arrays or tables too deeply", hint=hint) from err


def load_toml(path: Path, what: str, hint: str) -> dict[str, Any]:
    return parse_toml(read_text(path, what, hint), f"{what} {path}", hint)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999
        raise ValueError(f"{text} is too large a number")
    return value


def _check_strings(value: Any) -> None:
    """A lone surrogate ("\\udcff") is valid JSON but no text: nothing downstream can store or print it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as err:
                raise ValueError(f"the text {item!r} holds an unpaired surrogate escape") from err
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_json(text: str) -> Any:
    """One JSON value; NaN, Infinity, overflowing numbers and unpaired surrogate escapes are refused.
    Raises ValueError saying why."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError as err:
        raise ValueError("nested too deeply") from err
    except json.JSONDecodeError as err:
        raise ValueError(f"not JSON ({err})") from err
    _check_strings(value)
    return value


def parse_json_object(text: str) -> dict[str, Any]:
    """One JSON object (a line of a batch file or a session script); ValueError saying why otherwise."""
    value = parse_json(text)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value
