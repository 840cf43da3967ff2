"""What this home can be asked, as one grammar: command templates x the live registry's names and numbers.

Templates are in hassil syntax (``(a|b)`` alternatives, ``[x]`` optional, ``<rule>`` expansion rules,
``{slot}`` or ``{slot:list}`` a list of values). :func:`compile_grammar` turns the shipped command templates
(``commands.json``, exported from the lab's families), a custom domain's templates and lists, and the home's
device names and areas into a :class:`CommandGrammar`: a JSGF text for the streaming decoder and a matcher
that says whether a partial hypothesis is already a complete sentence. Words the decoder's dictionary does
not know drop the alternative that needs them (that request falls back to Whisper). Compiles are cached by
the digest of their inputs; a 300-device home compiles in tens of milliseconds (docs/voice-pipeline.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from edge.lang import number_words

__all__ = [
    "NUMBER_LISTS",
    "CommandGrammar",
    "GrammarInputs",
    "compile_grammar",
    "input_words",
    "pronunciations",
    "shipped_templates",
]

# list name -> the numbers it takes (spoken as words: the decoder hears words, not digits)
NUMBER_LISTS: dict[str, range] = {
    "brightness": range(101),
    "position": range(101),
    "volume_level": range(101),
    "percent": range(101),
    "temperature": range(5, 91),
    "number": range(101),
    "minutes": range(1, 91),
    "seconds": range(1, 91),
    "hours": range(1, 25),
}
BUILTIN_LISTS: dict[str, tuple[str, ...]] = {
    "volume_step": ("up", "down"),
    "color": (
        "red",
        "green",
        "blue",
        "white",
        "warm white",
        "cool white",
        "yellow",
        "orange",
        "purple",
        "pink",
    ),
}
MAX_TEMPLATES = 4000  # bounds of one compile: a bigger home or domain keeps the first ones
MAX_LIST_VALUES = 2000
MAX_WORDS = 24

_TOKEN = re.compile(r"\(|\)|\[|\]|\||<[^<>]+>|\{[^{}]+\}|[^\s()\[\]|<>{}]+")
_WORD = re.compile(r"[^a-z' ]+")


def spoken(text: str) -> tuple[str, ...]:
    """Lower-case words as the decoder's dictionary spells them (digits spelled out, "%" as percent)."""
    text = re.sub(r"(\d+)", lambda m: " " + " ".join(number_words(int(m.group(1)))) + " ", text.lower())
    text = text.replace("%", " percent ").replace("-", " ")
    return tuple(w.strip("'") for w in _WORD.sub(" ", text).split() if w.strip("'"))


@dataclass(frozen=True, slots=True)
class GrammarInputs:
    """Everything a compile reads; equal inputs give the same grammar (cached by :attr:`digest`)."""

    templates: tuple[str, ...]
    rules: tuple[tuple[str, str], ...] = ()
    lists: tuple[tuple[str, tuple[str, ...]], ...] = ()  # list name -> spoken values

    @property
    def digest(self) -> str:
        raw = json.dumps([self.templates, self.rules, self.lists], sort_keys=False)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


# --- the template tree -------------------------------------------------------------------------------
# ("w", word) | ("seq", items) | ("alt", options) | ("opt", node) | ("ref", rule) | ("list", name)
Node = tuple[Any, ...]


def _parse(template: str) -> Node:
    tokens = _TOKEN.findall(template.lower())
    pos = 0

    def alternatives(close: str) -> Node:
        nonlocal pos
        options: list[Node] = []
        items: list[Node] = []
        while pos < len(tokens):
            tok = tokens[pos]
            pos += 1
            if tok == close:
                break
            if tok == "|":
                options.append(("seq", tuple(items)))
                items = []
            elif tok == "(":
                items.append(alternatives(")"))
            elif tok == "[":
                items.append(("opt", alternatives("]")))
            elif tok.startswith("<"):
                items.append(("ref", tok[1:-1].strip()))
            elif tok.startswith("{"):
                name = tok[1:-1].strip()
                items.append(("list", name.split(":", 1)[-1].strip()))
            else:
                items.extend(("w", w) for w in spoken(tok))
        options.append(("seq", tuple(items)))
        return options[0] if len(options) == 1 else ("alt", tuple(options))

    return alternatives("")


@dataclass(frozen=True, slots=True)
class CommandGrammar:
    """A compiled grammar: ``jsgf`` for the decoder, :meth:`accepts` for a (partial) hypothesis."""

    digest: str
    jsgf: str
    sentences: tuple[Node, ...] = field(repr=False)
    rules: Mapping[str, Node] = field(repr=False)
    lists: Mapping[str, tuple[tuple[str, ...], ...]] = field(repr=False)
    dropped: int = 0  # template alternatives and list values left out (unknown words, bounds)

    def accepts(self, text: str) -> bool:
        """True when ``text`` is a whole sentence of the grammar (not a prefix of one)."""
        words = spoken(text)
        if not words or len(words) > MAX_WORDS * 2:
            return False
        return any(len(words) in self._match(s, words, frozenset({0}), 0) for s in self.sentences)

    def _match(self, node: Node, words: tuple[str, ...], at: frozenset[int], depth: int) -> frozenset[int]:
        if not at or depth > 40:
            return frozenset()
        kind = node[0]
        if kind == "w":
            return frozenset(p + 1 for p in at if p < len(words) and words[p] == node[1])
        if kind == "seq":
            for item in node[1]:
                at = self._match(item, words, at, depth + 1)
            return at
        if kind == "alt":
            return frozenset().union(*(self._match(o, words, at, depth + 1) for o in node[1]))
        if kind == "opt":
            return at | self._match(node[1], words, at, depth + 1)
        if kind == "ref":
            return (
                self._match(self.rules[node[1]], words, at, depth + 1)
                if node[1] in self.rules
                else frozenset()
            )
        out: set[int] = set()  # list
        for p in at:
            for value in self.lists.get(node[1], ()):
                if words[p : p + len(value)] == value:
                    out.add(p + len(value))
        return frozenset(out)


def _rule_id(name: str) -> str:
    return "r_" + re.sub(r"[^a-z0-9_]", "_", name)


def _list_id(name: str) -> str:
    return "l_" + re.sub(r"[^a-z0-9_]", "_", name)


class _Compiler:
    def __init__(
        self, known: Callable[[str], bool], lists: Mapping[str, tuple[tuple[str, ...], ...]]
    ) -> None:
        self.known = known
        self.lists = lists
        self.rules: dict[str, Node | None] = {}
        self.raw_rules: dict[str, str] = {}
        self.dropped = 0

    def keep(self, node: Node) -> Node | None:
        """The node with what the decoder cannot say removed; None when nothing of it is left."""
        kind = node[0]
        if kind == "w":
            return node if self.known(node[1]) else None
        if kind == "seq":
            items = [self.keep(i) for i in node[1]]
            return (
                None if any(i is None for i in items) else ("seq", tuple(i for i in items if i is not None))
            )
        if kind == "alt":
            options = [o for o in (self.keep(o) for o in node[1]) if o is not None]
            self.dropped += len(node[1]) - len(options)
            return ("alt", tuple(options)) if options else None
        if kind == "opt":
            inner = self.keep(node[1])
            return ("seq", ()) if inner is None else ("opt", inner)
        if kind == "ref":
            return node if self.rule(node[1]) is not None else None
        return node if self.lists.get(node[1]) else None

    def rule(self, name: str) -> Node | None:
        if name not in self.rules:
            self.rules[name] = None  # a rule that refers to itself is left out
            raw = self.raw_rules.get(name)
            self.rules[name] = self.keep(_parse(raw)) if raw is not None else None
        return self.rules[name]


def _jsgf(node: Node) -> str:
    kind = node[0]
    if kind == "w":
        return str(node[1])
    if kind == "seq":
        return " ".join(_jsgf(i) for i in node[1]) or "<NULL>"
    if kind == "alt":
        return "( " + " | ".join(_jsgf(o) for o in node[1]) + " )"
    if kind == "opt":
        return "[ " + _jsgf(node[1]) + " ]"
    if kind == "ref":
        return f"<{_rule_id(node[1])}>"
    return f"<{_list_id(node[1])}>"


def _lists(
    inputs: GrammarInputs, known: Callable[[str], bool]
) -> tuple[dict[str, tuple[tuple[str, ...], ...]], int]:
    given: dict[str, list[str]] = {k: list(v) for k, v in BUILTIN_LISTS.items()}
    for name, values in inputs.lists:
        given.setdefault(name, []).extend(values)
    for name, numbers in NUMBER_LISTS.items():
        given.setdefault(name, [" ".join(number_words(n)) for n in numbers])
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    dropped = 0
    for name, raw in given.items():
        spelled = [spoken(v) for v in dict.fromkeys(raw)][:MAX_LIST_VALUES]
        kept = tuple(v for v in dict.fromkeys(spelled) if v and len(v) <= MAX_WORDS and all(map(known, v)))
        dropped += len(raw) - len(kept)
        out[name] = kept
    return out, dropped


def compile_grammar(inputs: GrammarInputs, known: Callable[[str], bool]) -> CommandGrammar:
    """Blocking (tens of ms for a big home): call off the event loop. ``known`` says whether the
    decoder's dictionary has a word. Cached by the digest of ``inputs`` (one dictionary per process)."""
    return _compile_cached(inputs, _KnownKey(known))


@dataclass(frozen=True, slots=True)
class _KnownKey:
    known: Callable[[str], bool] = field(compare=False, hash=False)


@lru_cache(maxsize=4)
def _compile_cached(inputs: GrammarInputs, key: _KnownKey) -> CommandGrammar:
    known = key.known
    lists, dropped = _lists(inputs, known)
    compiler = _Compiler(known, lists)
    compiler.raw_rules = dict(inputs.rules)
    sentences: list[Node] = []
    for template in inputs.templates[:MAX_TEMPLATES]:
        node = compiler.keep(_parse(template))
        if node is None or node == ("seq", ()):
            compiler.dropped += 1
            continue
        sentences.append(node)
    dropped += compiler.dropped + max(0, len(inputs.templates) - MAX_TEMPLATES)
    lines = ["#JSGF V1.0;", "grammar edge;"]
    body = " | ".join(f"( {_jsgf(s)} )" for s in sentences) or "<VOID>"
    lines.append(f"public <command> = {body};")
    rules = {k: v for k, v in compiler.rules.items() if v is not None}
    lines += [f"<{_rule_id(k)}> = {_jsgf(v)};" for k, v in rules.items()]
    used = set(re.findall(r"<l_([a-z0-9_]+)>", "\n".join(lines)))
    for name, values in lists.items():
        if _list_id(name)[2:] in used:
            lines.append(f"<{_list_id(name)}> = " + " | ".join(" ".join(v) for v in values) + ";")
    return CommandGrammar(inputs.digest, "\n".join(lines) + "\n", tuple(sentences), rules, lists, dropped)


def input_words(inputs: GrammarInputs) -> set[str]:
    """Every word a compile of ``inputs`` may use (templates, rules, lists and the built-in lists)."""
    text = [*inputs.templates, *(r for _n, r in inputs.rules)]
    text += [v for _n, values in inputs.lists for v in values]
    text += [v for values in BUILTIN_LISTS.values() for v in values]
    text += [" ".join(number_words(n)) for n in range(max(r.stop for r in NUMBER_LISTS.values()))]
    words: set[str] = set()
    for line in text:
        words.update(spoken(re.sub(r"<[^<>]*>|\{[^{}]*\}", " ", line)))
    return words


def pronunciations(dictionary: Path, words: set[str]) -> dict[str, list[str]]:
    """The dictionary's lines (``word PH ON ES``, alternates ``word(2) ...``) for ``words``, by word."""
    found: dict[str, list[str]] = {}
    with dictionary.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            head = line.split(" ", 1)[0]
            word = head.split("(", 1)[0]
            if word in words:
                found.setdefault(word, []).append(line if line.endswith("\n") else line + "\n")
    return found


def shipped_templates() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The runtime's own command templates and rules (``commands.json``, exported from the lab)."""
    raw = json.loads(resources.files("edge.asr.fastpath").joinpath("commands.json").read_text("utf-8"))
    templates = tuple(t for family in raw["families"].values() for t in family)
    return templates, tuple(sorted(raw["rules"].items()))


def home_inputs(
    names: Iterable[str],
    areas: Iterable[str],
    *,
    extra_templates: Iterable[str] = (),
    extra_rules: Mapping[str, str] | None = None,
    extra_lists: Mapping[str, Iterable[str]] | None = None,
) -> GrammarInputs:
    """The inputs for a home: the shipped templates with its device names (``{name}``) and areas
    (``{area}``), plus a custom domain's templates, rules and lists."""
    templates, rules = shipped_templates()
    lists: dict[str, list[str]] = {"name": sorted(set(names)), "area": sorted(set(areas))}
    for k, v in (extra_lists or {}).items():
        lists.setdefault(k, []).extend(v)
    all_rules = dict(rules) | dict(extra_rules or {})
    return GrammarInputs(
        (*templates, *extra_templates),
        tuple(sorted(all_rules.items())),
        tuple(sorted((k, tuple(v)) for k, v in lists.items())),
    )
