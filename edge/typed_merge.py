"""Typed values from TOML-like dicts into frozen dataclass trees: the checks behind every settings layer.

:func:`merge_into` returns a copy of a dataclass with ``values`` applied, recursing into nested dataclasses;
every value is checked against its field's type hint (:func:`coerce_value`), unknown keys and wrong types
are one :class:`ConfigError` naming the key, and a dataclass's own validation (``__post_init__`` raising
``ValueError``) becomes one too.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from typing import Any, Literal, TypeVar

from edge.errors import ConfigError

__all__ = ["coerce_value", "merge_into", "parse_override"]

S = TypeVar("S")


def coerce_value(value: Any, hint: Any, where: str) -> Any:
    """Check ``value`` against a type hint, converting only the safe cases (list->tuple, int->float)."""
    origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise ConfigError(f"{where} = {value!r} is not one of {', '.join(map(repr, allowed))}")
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where} must be a list, got {type(value).__name__}")
        (inner, _ellipsis) = typing.get_args(hint)
        return tuple(coerce_value(v, inner, f"{where}[{i}]") for i, v in enumerate(value))
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            try:
                return coerce_value(value, arg, where)
            except ConfigError:
                continue
        raise ConfigError(f"{where} = {value!r} has the wrong type")
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ConfigError(f"{where} must be a finite number, got {value!r}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, got {value!r}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, got {value!r}")
        return value
    return value


def merge_into(obj: S, values: dict[str, Any], where: str) -> S:
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError("expected a dataclass instance")
    hints = typing.get_type_hints(type(obj))
    names = {f.name for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in names:
            raise ConfigError(
                f"unknown setting {where}{key}",
                hint=f"valid keys here: {', '.join(sorted(names))}",
            )
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"[{where}{key}] must be a table")
            changes[key] = merge_into(current, value, f"{where}{key}.")
        else:
            changes[key] = coerce_value(value, hints[key], f"{where}{key}")
    try:
        return dataclasses.replace(obj, **changes)
    except ValueError as err:
        raise ConfigError(f"[{where.rstrip('.') or 'settings'}] {err}") from err


def parse_override(item: str, hint: str) -> dict[str, Any]:
    """``section.key=value`` (a TOML value, or a bare word as a string) as the nested dict it sets."""
    if "=" not in item:
        raise ConfigError(f"override {item!r} must look like section.key=value", hint=hint)
    key, raw = item.split("=", 1)
    parts = key.strip().split(".")
    if any(not part.strip() for part in parts):
        raise ConfigError(f"override {item!r} has an empty name in {key.strip()!r}", hint=hint)
    try:
        value: Any = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word is a string
    except RecursionError as err:
        raise ConfigError(f"override {key.strip()}: its value nests too deeply", hint=hint) from err
    out: dict[str, Any] = {}
    node = out
    for part in parts[:-1]:
        node = node.setdefault(part.strip(), {})
    node[parts[-1].strip()] = value
    return out
