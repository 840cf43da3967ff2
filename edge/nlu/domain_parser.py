"""A custom domain on the device: its grammar matcher first, the NLU model for everything else.

``load_parser(settings, domain_file)`` gives the parser the runtime and ``edge parse`` use. With a domain,
each request is first aligned with the domain's grammar (:mod:`edge.nlu.domain_match`): a match above
``nlu.domain_accept`` (and every slot at least ``nlu.domain_slot_likeness`` alike its value) is the answer;
anything else goes to the NLU model, so home requests keep working beside the domain. The model is the
domain's own when ``edge train --domain FILE`` built one for this version of the file (torch is needed only
for that), else the home model. No training happens on the device at run time.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.lang import spoken_words
from edge.nlu.domain_match import DomainGrammar, DomainMatch
from edge.nlu.domains import DomainSpec, _domain_lists, domain_model_dir, load_domain
from edge.nlu.grammar import sample
from edge.nlu.parser import NLUParser, ParseResult
from edge.nlu.types import Intent

__all__ = ["DomainParser", "domain_prompt", "load_parser", "trained_domain_model"]

log = logging.getLogger(__name__)

PROMPT_WORDS = 120  # Whisper reads at most ~224 prompt tokens; stay well inside
VALUES_PER_LIST = 12


class DomainParser:
    """``analyse``/``parse`` like :class:`NLUParser`; the domain's grammar answers what it covers."""

    def __init__(self, settings: Settings, spec: DomainSpec, model: NLUParser) -> None:
        self.settings = settings
        self.spec = spec
        self.model = model
        self.grammar = DomainGrammar(spec.templates, spec.lists, spec.rules)

    def match(self, text: str) -> DomainMatch | None:
        """The grammar's best alignment, accepted or not (for inspection and benchmarks)."""
        return self.grammar.match(text)

    def analyse(self, text: str, snapshot: ContextSnapshot) -> ParseResult:
        found = self.grammar.match(text)
        nlu = self.settings.nlu
        if found is not None and found.accepted(nlu.domain_accept, nlu.domain_slot_likeness):
            intent = Intent(
                name=found.intent,
                slots=dict(found.slots),
                confidence=found.score,
                text=text,
                source="domain",
            )
            return ParseResult(text, intent, found.intent, found.score, False)
        return self.model.analyse(text, snapshot)

    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        return self.analyse(text, snapshot).intent

    def readings(self, text: str, snapshot: ContextSnapshot) -> tuple[Intent, ...]:
        """The model's two readings of a request below the operating point (a grammar match has none)."""
        return self.analyse(text, snapshot).unsure

    def vocabulary(self) -> list[str]:
        return domain_prompt(self.spec)


def trained_domain_model(settings: Settings, spec: DomainSpec) -> Path | None:
    """The model ``edge train --domain`` built for this version of the domain file, if there is one."""
    out = domain_model_dir(settings, spec)
    try:
        meta = json.loads((out / "nlu.json").read_text())
    except (OSError, ValueError):
        return None
    return out if meta.get("domain_digest") == spec.digest and (out / "nlu.int8.onnx").is_file() else None


def load_parser(settings: Settings, domain: Path | None = None) -> NLUParser | DomainParser:
    """The NLU for ``settings``: the home model, or a domain grammar in front of the best model."""
    path = domain or (Path(settings.nlu.domain) if settings.nlu.domain else None)
    if path is None:
        return NLUParser(settings)
    spec = load_domain(path)
    trained = trained_domain_model(settings, spec)
    if trained is None:
        log.info("domain %s: grammar matcher + home model (`edge train --domain` adds a model)", spec.name)
    return DomainParser(settings, spec, NLUParser(settings, trained))


def domain_prompt(spec: DomainSpec, seed: int = 0) -> list[str]:
    """Phrases that bias ASR toward the domain: one example sentence, then the lists' shortest values.

    Whisper prefers the spellings it was just shown ("iced mocha", not "ice mocha"); the list is kept
    short because a long prompt costs decoding time and Whisper only reads the last ~224 tokens.
    """
    rng = random.Random(seed)
    phrases: list[str] = []
    templates = [t for ts in spec.parsed().values() for t in ts]
    if templates:
        example = sample(rng.choice(templates), _domain_lists(spec), spec.parsed_rules(), rng).text
        phrases.append(" ".join(example.split()))
    used = sum(len(p.split()) for p in phrases)
    for values in spec.lists.values():
        spoken = sorted({" ".join(spoken_words(s, strip_wake=False)) for s, _v in values}, key=_by_length)
        for phrase in spoken[:VALUES_PER_LIST]:
            words = len(phrase.split())
            if phrase and used + words <= PROMPT_WORDS:
                phrases.append(phrase)
                used += words
    return list(dict.fromkeys(phrases))


def _by_length(phrase: str) -> tuple[int, str]:
    return (len(phrase.split()), phrase)
