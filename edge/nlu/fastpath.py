"""What the fast path's grammar is built from and when its partial is a request the NLU is sure of.

:func:`grammar_source` reads the live registry at each call (device names and aliases, areas) and adds a
custom domain's templates, expansion rules and lists; the fast path recompiles only when these change
(:class:`~edge.asr.fastpath.grammar.GrammarInputs` digest). :func:`confident` is the semantic endpoint's
second condition: the parse of the partial is above the operating point (``nlu.act_below``), so the turn
would act on it, not ask, and a device or area it names resolves to a target ("switch off the bedroom fan
in office", "turn on the kitchen" are not requests the home can act on: the decode took noise for words,
or the speaker is not done).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from edge.asr.fastpath.grammar import GrammarInputs, home_inputs
from edge.asr.fastpath.speculate import whole
from edge.context.model import ContextSnapshot
from edge.nlu.domain_parser import DomainParser
from edge.nlu.naming import ends_on_an_area
from edge.nlu.parser import ParseResult

__all__ = ["Analyser", "confident", "grammar_source"]

log = logging.getLogger(__name__)


class Analyser(Protocol):
    def analyse(self, text: str, snapshot: ContextSnapshot) -> ParseResult: ...


def grammar_source(snapshot: Callable[[], ContextSnapshot], parser: object) -> Callable[[], GrammarInputs]:
    spec = parser.spec if isinstance(parser, DomainParser) else None
    templates = tuple(t for ts in spec.templates.values() for t in ts) if spec else ()
    rules = dict(spec.rules) if spec else {}
    lists = {name: [said for said, _value in values] for name, values in spec.lists.items()} if spec else {}

    def inputs() -> GrammarInputs:
        snap = snapshot()
        names: list[str] = []
        for device in snap.devices.values():
            names += [device.name.lower(), *(a.lower() for a in device.aliases)]
        areas = [a.lower() for a in snap.areas]
        return home_inputs(names, areas, extra_templates=templates, extra_rules=rules, extra_lists=lists)

    return inputs


def confident(parser: Analyser, snapshot: Callable[[], ContextSnapshot]) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        if not whole(text, None):  # cut off ("set the kitchen light to"): whatever a model makes of it
            return False
        try:
            if ends_on_an_area(text, now := snapshot()):  # "turn on the kitchen" may go on ("... light")
                return False
            intent = parser.analyse(text, now).intent
            return intent is not None and bool(intent.targets or not {"name", "area"} & intent.slots.keys())
        except Exception as err:  # the endpoint then waits the full silence; the turn parses again later
            log.warning("fast path: could not parse the partial %r: %s", text, err)
            return False

    return check
