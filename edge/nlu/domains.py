"""Custom domains: Home Assistant custom-sentences YAML or Picovoice Rhino context YAML.

A domain adds intents and slots (e.g. a coffee maker's ``orderDrink`` with ``size``, ``coffeeDrink``...).
It is compiled into templates (hassil syntax), gives its vocabulary and example phrases for ASR biasing
and a grammar fast path, and gets its own model (home data + domain data) under
``<model cache>/domains/<name>/`` (:func:`domain_model_dir`), trained by ``edge train --domain``.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from edge.config import Settings
from edge.errors import ConfigError
from edge.lang import model_tokens
from edge.nlu.grammar import (
    ListRef,
    Node,
    Seq,
    Template,
    parse_template,
    rhino_to_hassil,
    sample,
    template_words,
)

__all__ = [
    "DomainSpec",
    "domain_model_dir",
    "domain_vocabulary",
    "example_phrases",
    "load_domain",
]

_HINT = (
    "use HA custom sentences (intents: <Name>: data: - sentences: [...]; lists:)"
    " or Rhino (context: expressions:, slots:)"
)


@dataclass(frozen=True, slots=True)
class DomainSpec:
    name: str
    kind: str  # "rhino" | "hassil"
    templates: dict[str, tuple[str, ...]]  # intent -> hassil templates
    lists: dict[str, tuple[tuple[str, str], ...]]  # list name -> (spoken, value)
    digest: str
    rules: dict[str, str] = field(default_factory=dict)  # HA expansion rules: name -> template

    def parsed(self) -> dict[str, list[Template]]:
        return {intent: [parse_template(t) for t in ts] for intent, ts in self.templates.items()}

    def parsed_rules(self) -> dict[str, Template]:
        return {name: parse_template(t) for name, t in self.rules.items()}

    def slot_lists(self) -> dict[str, str]:
        """slot name -> list name, from the templates."""
        found: dict[str, str] = {}

        def walk(node: Node) -> None:
            if isinstance(node, ListRef):
                found.setdefault(node.slot, node.list_name)
            elif isinstance(node, Seq):
                for item in node.items:
                    walk(item)
            elif not isinstance(node, str) and hasattr(node, "options"):
                for opt in node.options:
                    walk(opt)
            elif not isinstance(node, str) and hasattr(node, "parts"):
                for part in node.parts:
                    walk(part)

        for templates in self.parsed().values():
            for t in templates:
                walk(t)
        return found

    def slot_values(self) -> dict[str, list[str]]:
        return {
            slot: sorted({v for _s, v in self.lists.get(lst, ())})
            for slot, lst in self.slot_lists().items()
            if lst in self.lists
        }


def _values(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    if isinstance(raw, dict):
        raw = raw.get("values", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: list values must be a list", hint=_HINT)
    out: list[tuple[str, str]] = []
    for v in raw:
        if isinstance(v, dict) and "in" in v:
            out.append((str(v["in"]), str(v.get("out", v["in"]))))
        else:
            out.append((str(v).strip(), str(v).strip()))
    return tuple(out)


def load_domain(path: Path) -> DomainSpec:
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError as err:
        raise ConfigError(f"domain file {path} does not exist", hint=_HINT) from err
    except yaml.YAMLError as err:
        raise ConfigError(f"domain file {path} is not valid YAML: {err}", hint=_HINT) from err
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    name = path.stem.replace(" ", "_")
    if isinstance(data, dict) and isinstance(data.get("context"), dict):
        ctx = data["context"]
        expressions = ctx.get("expressions") or {}
        templates = {
            str(i): tuple(rhino_to_hassil(str(e)) for e in exprs) for i, exprs in expressions.items()
        }
        lists = {str(k): _values(v, f"{path}: slots.{k}") for k, v in (ctx.get("slots") or {}).items()}
        spec = DomainSpec(name, "rhino", templates, lists, digest)
    elif isinstance(data, dict) and isinstance(data.get("intents"), dict):
        templates = {}
        for intent, body in data["intents"].items():
            sentences = [s for block in (body or {}).get("data", []) for s in block.get("sentences", [])]
            templates[str(intent)] = tuple(str(s) for s in sentences)
        lists = {}
        for k, v in (data.get("lists") or {}).items():
            if isinstance(v, dict) and "range" in v:
                r = v["range"]
                lists[str(k)] = tuple(
                    (str(n), str(n)) for n in range(int(r.get("from", 0)), int(r.get("to", 100)) + 1)
                )
            elif isinstance(v, dict) and v.get("wildcard"):
                continue
            else:
                lists[str(k)] = _values(v, f"{path}: lists.{k}")
        raw_rules = data.get("expansion_rules") or {}
        if not isinstance(raw_rules, dict):
            raise ConfigError(f"{path}: expansion_rules must map names to templates", hint=_HINT)
        rules = {str(k): str(v) for k, v in raw_rules.items()}
        spec = DomainSpec(name, "hassil", templates, lists, digest, rules)
    else:
        raise ConfigError(f"{path} is neither a Rhino context nor HA custom sentences", hint=_HINT)
    if not any(spec.templates.values()):
        raise ConfigError(f"{path} defines no sentences", hint=_HINT)
    for intent, ts in spec.templates.items():
        for t in ts:
            try:
                parse_template(t)
            except ConfigError as err:
                raise ConfigError(f"{path}: intent {intent}: {err.message}", hint=_HINT) from err
    for rule, t in spec.rules.items():
        try:
            parse_template(t)
        except ConfigError as err:
            raise ConfigError(f"{path}: expansion rule {rule}: {err.message}", hint=_HINT) from err
    return spec


def domain_vocabulary(path: Path) -> list[str]:
    """Every word the domain can use (template words and slot values), for ASR biasing."""
    spec = load_domain(path)
    words: set[str] = set()
    rules = spec.parsed_rules()
    for templates in spec.parsed().values():
        for t in templates:
            words |= template_words(t, rules)
    for values in spec.lists.values():
        for spoken, _value in values:
            words |= template_words(parse_template(spoken), {})
    return sorted(w for w in words if w)


def example_phrases(path: Path, limit: int = 500, seed: int = 0) -> list[str]:
    """Up to ``limit`` distinct normalized phrases of the domain (for a grammar fast path)."""
    spec = load_domain(path)
    rng = random.Random(seed)
    parsed = [t for ts in spec.parsed().values() for t in ts]
    phrases: set[str] = set()
    for _ in range(limit * 4):
        if len(phrases) >= limit:
            break
        s = sample(rng.choice(parsed), _domain_lists(spec), spec.parsed_rules(), rng)
        phrases.add(" ".join(model_tokens(s.text)))
    return sorted(phrases)


_FREE_TEXT = (
    "jazz", "the news", "my shopping list", "pizza", "mom", "the living room", "tomorrow morning",
    "something relaxing", "the red one", "work", "dinner", "grandma", "the weekend", "milk and eggs",
)  # fmt: skip


def _domain_lists(spec: DomainSpec) -> Any:
    def sampler(name: str, rng: random.Random) -> tuple[str, str]:
        values = spec.lists.get(name)
        if not values:  # a wildcard (free text) list, or one Home Assistant fills in itself
            phrase = rng.choice(_FREE_TEXT)
            return phrase, phrase
        spoken, value = rng.choice(values)
        return sample(parse_template(spoken), sampler, {}, rng).text, value

    return sampler


def domain_model_dir(settings: Settings, spec: DomainSpec) -> Path:
    """Where ``edge train --domain`` writes a domain's model: next to ``nlu.model_dir`` when that is set,
    else in the writable model cache (the bundled NLU model may sit in a read-only installed package)."""
    base = Path(settings.nlu.model_dir) if settings.nlu.model_dir else settings.model_dir()
    return base / "domains" / spec.name
