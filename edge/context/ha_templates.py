"""Home Assistant MQTT templates, rendered the way Home Assistant renders them.

Discovery configs carry Jinja templates (``value_template``, ``command_template``,
``brightness_value_template``...) that Home Assistant renders with its own variables and filters
(``homeassistant/helpers/template.py``, ``homeassistant/components/mqtt/models.py``). Here they run in
jinja2's :class:`ImmutableSandboxedEnvironment` with the variables HA gives MQTT templates (``value``,
``value_json``, ``entity_id``, ``this``) and the filters/globals discovery payloads use (``float``, ``int``,
``round``, ``is_defined``, ``iif``, ``from_json``, ``to_json``, ``bool``, ``min``/``max``...).

Bounded: a template is compiled once (cached by its text), ``range`` and the ``*``/``**`` operators are
limited, the output is cut off past :data:`MAX_OUTPUT` characters and rendering stops after
:data:`MAX_RENDER_S`. Anything that fails raises :class:`TemplateError` (a :class:`PayloadError`): the store
logs one line naming the entity and the template and keeps the previous state.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, Undefined
from jinja2 import TemplateError as JinjaError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from edge.context.validate import PayloadError

__all__ = [
    "MAX_OUTPUT",
    "MAX_RENDER_S",
    "TemplateError",
    "render",
    "render_command",
    "render_value",
]

MAX_OUTPUT = 4096
MAX_RENDER_S = 0.05
MAX_RANGE = 1000
MAX_TEMPLATE = 4096
MAX_STEPS = 10_000
_BUDGET: ContextVar[list[int] | None] = ContextVar("template_budget", default=None)
_SENTINEL = object()


class TemplateError(PayloadError):
    """A template that does not compile or render (the message names the entity and the template)."""


def _fail(name: str, value: Any) -> Any:
    raise ValueError(f"{name} got invalid input {str(value)[:40]!r}")


def _float(value: Any, default: Any = _SENTINEL) -> Any:
    try:
        return float(value)
    except (ValueError, TypeError):
        return _fail("float", value) if default is _SENTINEL else default


def _int(value: Any, default: Any = _SENTINEL, base: int = 10) -> Any:
    try:
        if isinstance(value, str) and base != 10:
            return int(value, base)
        return int(float(value))
    except (ValueError, TypeError, OverflowError):
        return _fail("int", value) if default is _SENTINEL else default


def _round(value: Any, precision: int = 0, method: str = "common", default: Any = _SENTINEL) -> Any:
    try:
        number = float(value)
    except (ValueError, TypeError):
        return _fail("round", value) if default is _SENTINEL else default
    if method == "ceil":
        return math.ceil(number * 10**precision) / 10**precision
    if method == "floor":
        return math.floor(number * 10**precision) / 10**precision
    if method == "half":
        return round(number * 2) / 2
    result = round(number, precision)
    return int(result) if precision == 0 else result


def _bool(value: Any, default: Any = _SENTINEL) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on", "enable"}:
        return True
    if text in {"0", "false", "no", "off", "disable"}:
        return False
    return _fail("bool", value) if default is _SENTINEL else default


def _is_defined(value: Any) -> Any:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


def _iif(value: Any, if_true: Any = True, if_false: Any = False, if_none: Any = _SENTINEL) -> Any:
    if value is None and if_none is not _SENTINEL:
        return if_none
    return if_true if value else if_false


def _from_json(value: Any) -> Any:
    return json.loads(str(value)[: MAX_OUTPUT * 16])


def _to_json(
    value: Any, ensure_ascii: bool = False, pretty_print: bool = False, sort_keys: bool = False
) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=2 if pretty_print else None,
                      sort_keys=sort_keys, separators=None if pretty_print else (",", ":"))  # fmt: skip


def _is_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (ValueError, TypeError):
        return False


def _range(*args: int) -> Iterator[int]:
    """``range`` that counts against the render's step budget (nested loops cannot multiply it away)."""
    found = range(*args)
    if len(found) > MAX_RANGE:
        raise OverflowError(f"range of {len(found)} items is over {MAX_RANGE}")
    budget = _BUDGET.get()
    if budget is None:
        budget = [MAX_STEPS]
        _BUDGET.set(budget)
    for item in found:
        budget[0] -= 1
        if budget[0] < 0:
            raise OverflowError(f"loops over {MAX_STEPS} steps")
        yield item


def _regex_replace(value: Any, find: str = "", replace: str = "", ignorecase: bool = False) -> str:
    return re.compile(find, re.IGNORECASE if ignorecase else 0).sub(replace, str(value)[:MAX_OUTPUT])


def _minmax(pick: Callable[..., Any]) -> Callable[..., Any]:
    def apply(*args: Any) -> Any:
        return pick(args[0]) if len(args) == 1 else pick(args)

    return apply


def _numeric(op: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def apply(value: Any, amount: Any, default: Any = _SENTINEL) -> Any:
        try:
            return op(float(value), amount)
        except (ValueError, TypeError):
            return _fail("arithmetic", value) if default is _SENTINEL else default

    return apply


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
        numbers = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
        if operator == "*" and sized and numbers and abs(numbers[0]) * len(sized[0]) > MAX_OUTPUT:
            raise OverflowError("a repeated string or list over the output limit")
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise OverflowError(f"an exponent of {right} is over 64")
        return super().call_binop(context, operator, left, right)


def _environment() -> _Environment:
    env = _Environment(undefined=StrictUndefined, autoescape=False)
    filters: dict[str, Callable[..., Any]] = {
        "float": _float, "int": _int, "round": _round, "bool": _bool, "is_defined": _is_defined,
        "iif": _iif, "from_json": _from_json, "to_json": _to_json, "is_number": _is_number,
        "regex_replace": _regex_replace, "multiply": _numeric(lambda v, a: v * float(a)),
        "add": _numeric(lambda v, a: v + float(a)), "log": _numeric(lambda v, a: math.log(v, float(a))),
    }  # fmt: skip
    env.filters.update(filters)
    env.tests.update({"is_number": _is_number})
    env.globals.update({
        "float": _float, "int": _int, "bool": _bool, "iif": _iif, "is_number": _is_number, "range": _range,
        "min": _minmax(min), "max": _minmax(max), "round": _round,
    })  # fmt: skip
    return env


_ENV = _environment()


@lru_cache(maxsize=1024)
def _compiled(source: str) -> Template:
    return _ENV.from_string(source)


def render(source: str, variables: Mapping[str, Any], what: str) -> str:
    """``source`` rendered with ``variables``; :class:`TemplateError` naming ``what`` when it cannot."""
    shown = " ".join(source.split())[:120]
    if len(source) > MAX_TEMPLATE:
        raise TemplateError(f"{what}: template of {len(source)} characters is over {MAX_TEMPLATE}")
    try:
        template = _compiled(source)
        _BUDGET.set([MAX_STEPS])
        started = time.monotonic()
        size, parts = 0, []
        for chunk in template.generate(dict(variables)):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise OverflowError(f"output over {MAX_OUTPUT} characters")
            if time.monotonic() - started > MAX_RENDER_S:
                raise TimeoutError(f"rendering took over {MAX_RENDER_S * 1000:.0f} ms")
            parts.append(chunk)
    except (JinjaError, ValueError, TypeError, OverflowError, TimeoutError, ArithmeticError,
            AttributeError, KeyError, IndexError, RecursionError) as err:  # fmt: skip
        reason = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
        raise TemplateError(f"{what}: template {shown!r} cannot render ({reason})") from err
    return "".join(parts).strip()


def render_value(source: str, payload: str, entity_id: str, state: str | None = None, what: str = "") -> str:
    """A state template (``value_template`` and kin) over a received payload, as HA renders it: ``value``
    is the payload text, ``value_json`` its JSON (None when it is not JSON)."""
    try:
        value_json: Any = json.loads(payload)
    except (ValueError, RecursionError):
        value_json = None
    this = {"entity_id": entity_id, "state": state if state is not None else "unknown"}
    variables = {"value": payload, "value_json": value_json, "entity_id": entity_id, "this": this}
    return render(source, variables, f"{entity_id} {what}".strip())


def render_command(
    source: str, value: Any, entity_id: str, variables: Mapping[str, Any] | None = None, what: str = ""
) -> str:
    """A command template (``command_template``, ``set_position_template``...): ``value`` is what HA would
    have sent without it; ``variables`` adds the component's own (``position``, ``brightness``...)."""
    scope = {"value": value, "entity_id": entity_id, "this": {"entity_id": entity_id}, **(variables or {})}
    return render(source, scope, f"{entity_id} {what}".strip())
