"""The graph a domain grammar compiles into: every template a path through one shared graph of literal
words, slots and empty moves (templates with the same beginning share their nodes, like a trie), and the
spoken variants of each slot list. :mod:`edge.nlu.domain_match` aligns a transcript with it."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from edge.errors import ConfigError
from edge.lang import spoken_words
from edge.nlu.grammar import Alt, Node, Perm, RuleRef, Seq, Template

__all__ = ["EMPTY", "MAX_PERMUTATION", "MAX_VARIANTS", "SLOT", "WILDCARD", "WORD", "Builder", "Edge", "Lists",
           "expand", "flat_items"]  # fmt: skip

MAX_PERMUTATION = 5  # (a;b;c;d;e) expands to 120 orders; more parts keep their written order
MAX_VARIANTS = 256  # spoken variants of one list value, e.g. "(tv|television) [set]"
WILDCARD = -1  # list index of a slot whose words are free text


@dataclass(slots=True)
class Lists:
    """Slot lists as spoken word variants: list index -> [(words, value)]."""

    names: list[str] = field(default_factory=list)
    variants: list[list[tuple[tuple[str, ...], str]]] = field(default_factory=list)

    def index(self, name: str) -> int:
        if name in self.names:
            return self.names.index(name)
        self.names.append(name)
        self.variants.append([])
        return len(self.names) - 1


@dataclass(frozen=True, slots=True)
class Edge:
    kind: int  # 0 empty, 1 word, 2 slot
    dst: int
    word: str = ""
    list_index: int = 0
    slot: str = ""


EMPTY, WORD, SLOT = 0, 1, 2


def expand(node: Node, rules: Mapping[str, Template], depth: int = 0) -> list[tuple[str, ...]]:
    """Every word sequence a small template can produce (list values; bounded by MAX_VARIANTS)."""
    if depth > 20:
        raise ConfigError("a list value's template nests too deeply")
    if isinstance(node, str):
        return [spoken_words(node, strip_wake=False)]
    if isinstance(node, Seq):
        out: list[tuple[str, ...]] = [()]
        for item in node.items:
            parts = expand(item, rules, depth + 1)
            out = [a + b for a in out for b in parts][:MAX_VARIANTS]
        return out
    if isinstance(node, Alt):
        return [v for opt in node.options for v in expand(opt, rules, depth + 1)][:MAX_VARIANTS]
    if isinstance(node, Perm):
        orders = itertools.permutations(node.parts) if len(node.parts) <= MAX_PERMUTATION else [node.parts]
        return [v for order in orders for v in expand(Seq(tuple(order)), rules, depth + 1)][:MAX_VARIANTS]
    if isinstance(node, RuleRef):
        if node.name not in rules:
            raise ConfigError(f"a list value uses the unknown rule <{node.name}>")
        return expand(rules[node.name], rules, depth + 1)
    raise ConfigError(f"a list value cannot contain the slot {{{node.list_name}}}")


class Builder:
    def __init__(self, rules: Mapping[str, Template], lists: Lists, list_names: set[str]) -> None:
        self.edges: list[list[Edge]] = [[]]
        self.rules = rules
        self.lists = lists
        self.list_names = list_names

    def node(self) -> int:
        self.edges.append([])
        return len(self.edges) - 1

    def add(self, src: int, edge: Edge) -> None:
        self.edges[src].append(edge)

    def build(self, item: Node, start: int, depth: int = 0) -> int:
        """Add ``item`` after node ``start``; returns its end node (always a new, higher node)."""
        if depth > 40:
            raise ConfigError("sentence template rules nest too deeply (a rule refers to itself?)")
        if isinstance(item, str):
            end = start
            for word in spoken_words(item, strip_wake=False):
                nxt = self.node()
                self.add(end, Edge(WORD, nxt, word=word))
                end = nxt
            if end == start:
                end = self.node()
                self.add(start, Edge(EMPTY, end))
            return end
        if isinstance(item, Seq):
            end = start
            for part in item.items:
                end = self.build(part, end, depth + 1)
            if end == start:
                end = self.node()
                self.add(start, Edge(EMPTY, end))
            return end
        if isinstance(item, Alt | Perm):
            if isinstance(item, Perm) and len(item.parts) <= MAX_PERMUTATION:
                options = [Seq(tuple(order)) for order in itertools.permutations(item.parts)]
            else:
                options = list(item.options if isinstance(item, Alt) else (Seq(item.parts),))
            ends = [self.build(option, start, depth + 1) for option in options]
            end = self.node()
            for e in ends:
                self.add(e, Edge(EMPTY, end))
            return end
        if isinstance(item, RuleRef):
            if item.name not in self.rules:
                raise ConfigError(f"sentence template uses unknown rule <{item.name}>")
            return self.build(self.rules[item.name], start, depth + 1)
        end = self.node()
        index = self.lists.index(item.list_name) if item.list_name in self.list_names else WILDCARD
        self.add(start, Edge(SLOT, end, list_index=index, slot=item.slot))
        return end


def flat_items(template: Template) -> list[Node]:
    """Top-level items with literal text split into single words, so templates share word prefixes."""
    out: list[Node] = []
    for item in template.items:
        if isinstance(item, str):
            out.extend(spoken_words(item, strip_wake=False))
        else:
            out.append(item)
    return out
