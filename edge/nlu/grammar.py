"""A small reader for Home Assistant's sentence template syntax (hassil), with sampling and vocabulary.

Syntax: ``(a|b)`` alternatives, ``[x]`` optional, ``(a;b)`` permutation, ``{list}`` or ``{list:slot}`` a
slot filled from a list, ``<rule>`` an expansion rule. It needs nothing at run time beyond the standard
library, so domain vocabularies and example phrases are available on the device (training uses it too).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from edge.errors import ConfigError

__all__ = [
    "Alt",
    "ListRef",
    "Perm",
    "RuleRef",
    "Sample",
    "Seq",
    "Template",
    "parse_template",
    "rhino_to_hassil",
    "sample",
    "template_words",
]


@dataclass(frozen=True, slots=True)
class ListRef:
    list_name: str
    slot: str


@dataclass(frozen=True, slots=True)
class RuleRef:
    name: str


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    options: tuple[Seq, ...]


@dataclass(frozen=True, slots=True)
class Perm:
    parts: tuple[Seq, ...]


Node = str | ListRef | RuleRef | Seq | Alt | Perm
Template = Seq


@dataclass(frozen=True, slots=True)
class Sample:
    """A generated sentence with the character spans of its slots: (start, end, slot, value)."""

    text: str
    spans: tuple[tuple[int, int, str, str], ...]


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, what: str) -> ConfigError:
        return ConfigError(
            f"bad sentence template {self.text!r} at {self.pos}: {what}",
            hint="use (a|b) alternatives, [optional], {list} slots and <rule> references",
        )

    def seq(self, stops: str) -> Seq:
        items: list[Node] = []
        buf: list[str] = []

        def flush() -> None:
            if buf:
                items.append("".join(buf))
                buf.clear()

        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in stops:
                break
            self.pos += 1
            if ch == "(":
                flush()
                items.append(self.group(")"))
            elif ch == "[":
                flush()
                inner = self.group("]")
                items.append(Alt((*_options(inner), Seq(()))))
            elif ch == "{":
                flush()
                end = self.text.find("}", self.pos)
                if end < 0:
                    raise self.error("unclosed {")
                ref = self.text[self.pos : end]
                self.pos = end + 1
                list_name, _, slot = ref.partition(":")
                items.append(ListRef(list_name.strip(), (slot or list_name).strip()))
            elif ch == "<":
                flush()
                end = self.text.find(">", self.pos)
                if end < 0:
                    raise self.error("unclosed <")
                items.append(RuleRef(self.text[self.pos : end].strip()))
                self.pos = end + 1
            elif ch in ")]}>":
                raise self.error(f"unexpected {ch}")
            else:
                buf.append(ch)
        flush()
        return Seq(tuple(items))

    def group(self, close: str) -> Alt | Perm:
        options: list[Seq] = []
        separator = ""
        while True:
            options.append(self.seq("|;" + close))
            if self.pos >= len(self.text):
                raise self.error(f"missing {close}")
            ch = self.text[self.pos]
            self.pos += 1
            if ch == close:
                break
            separator = ch
        if separator == ";":
            return Perm(tuple(options))
        return Alt(tuple(options))


def _options(node: Alt | Perm) -> tuple[Seq, ...]:
    return node.options if isinstance(node, Alt) else (Seq((node,)),)


def parse_template(text: str) -> Template:
    reader = _Reader(text.strip())
    seq = reader.seq("")
    if reader.pos != len(reader.text):
        raise reader.error("trailing characters")
    return seq


ListSampler = Callable[[str, random.Random], tuple[str, str]]
"""Given a list name, returns (spoken text, slot value)."""


def sample(
    template: Template,
    lists: ListSampler,
    rules: Mapping[str, Template],
    rng: random.Random,
) -> Sample:
    """One random sentence from ``template`` with its slot spans."""
    parts: list[str] = []
    spans: list[tuple[int, int, str, str]] = []

    def length() -> int:
        return sum(len(p) for p in parts)

    def walk(node: Node, depth: int) -> None:
        if depth > 40:
            raise ConfigError("sentence template rules nest too deeply (a rule refers to itself?)")
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, Seq):
            for item in node.items:
                walk(item, depth + 1)
        elif isinstance(node, Alt):
            walk(rng.choice(node.options), depth + 1)
        elif isinstance(node, Perm):
            order = list(node.parts)
            rng.shuffle(order)
            for i, part in enumerate(order):
                if i:
                    parts.append(" ")
                walk(part, depth + 1)
        elif isinstance(node, RuleRef):
            if node.name not in rules:
                raise ConfigError(f"sentence template uses unknown rule <{node.name}>")
            walk(rules[node.name], depth + 1)
        else:
            spoken, value = lists(node.list_name, rng)
            start = length()
            parts.append(spoken)
            spans.append((start, length(), node.slot, value))

    walk(template, 0)
    return Sample("".join(parts), tuple(spans))


def _walk_words(node: Node, rules: Mapping[str, Template], seen: set[str]) -> Iterator[str]:
    if isinstance(node, str):
        yield from re.findall(r"[\w']+", node.lower())
    elif isinstance(node, Seq):
        for item in node.items:
            yield from _walk_words(item, rules, seen)
    elif isinstance(node, Alt):
        for opt in node.options:
            yield from _walk_words(opt, rules, seen)
    elif isinstance(node, Perm):
        for part in node.parts:
            yield from _walk_words(part, rules, seen)
    elif isinstance(node, RuleRef) and node.name in rules and node.name not in seen:
        seen.add(node.name)
        yield from _walk_words(rules[node.name], rules, seen)


def template_words(template: Template, rules: Mapping[str, Template]) -> set[str]:
    """Every literal word the template can produce (slot values not included)."""
    return set(_walk_words(template, rules, set()))


def rhino_to_hassil(expression: str) -> str:
    """Picovoice Rhino expression -> hassil template.

    Rhino: ``[a, b]`` is a choice, ``(x)`` or ``(a, b)`` is optional, ``$type:slot`` a slot.
    hassil: ``(a|b)``, ``[x]`` / ``[a|b]``, ``{type:slot}``.
    """
    out: list[str] = []
    depth = 0  # inside [choice] or (optional choice): a comma separates alternatives in both
    i = 0
    while i < len(expression):
        ch = expression[i]
        if ch in "[(":
            depth += 1
            out.append("(" if ch == "[" else "[")
        elif ch in "])":
            depth -= 1
            out.append(")" if ch == "]" else "]")
        elif ch == "," and depth > 0:
            out.append("|")
            while i + 1 < len(expression) and expression[i + 1] == " ":
                i += 1
        elif ch == "$":
            m = re.match(r"\$([A-Za-z0-9_]+):([A-Za-z0-9_]+)", expression[i:])
            if not m:
                raise ConfigError(f"bad Rhino slot reference in {expression!r}", hint="write $type:slotName")
            out.append("{" + m.group(1) + ":" + m.group(2) + "}")
            i += len(m.group(0))
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)
