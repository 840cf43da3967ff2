"""Requests for media by name that the model did not act on: "play miles davis", "put on some fleetwood
mac", "i want to hear norah jones" (issue 14). The model reads an unseen two-word proper name after "play"
as out of domain, since games and other things one plays share the shape ("play a game", "play chess").

Read from the words and the home, only when the parse acts on nothing (``NLUParser.analyse``), in the
shapes people use to ask for media by name, Home Assistant's ``HassMediaSearchAndPlay`` with a wildcard
``search_query``: "[can you / please] play [some] X", "put on [some] X", "listen to X", "let me hear X",
"i want to / i'd like to hear / listen to X", each optionally ending "in the <area>" / "on the <player>" and
a courtesy ("please", "now"); "play the album / song / playlist / podcast / radio station X" gives X and
its media class. The targets are the model's own for that intent (:func:`edge.nlu.targets.choose_targets`:
the satellite's area's speaker, the named area's or player). No reading when:

- the home has no media player that can search (``Capability.MEDIA_SEARCH``);
- X is something one plays or puts on that is not media (:func:`not_media`): a game or sport, an
  instrument, clothing, an idiom ("play dead", "play fair"), a pronoun or "your ..." ("listen to me", "let
  me hear your opinion"), or a name of the home's devices or areas ("put on the kettle");
- the words are a question that is not a request ("do you play the guitar"; "can you play X" is a request);
- the model read the words as out of domain at ``OUT_OF_DOMAIN_ABOVE`` or more, as another intent, or as
  this one at the operating point or more (its reading, vetoed or with no place of the home, stands).

:func:`not_media` also vetoes the model's own ``HassMediaSearchAndPlay`` when its ``search_query`` is one of
those ("can you play the piano", "put on my shoes"). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from edge.context.model import Capability, ContextSnapshot
from edge.lang import model_tokens
from edge.nlu.catalogue import OUT_OF_DOMAIN
from edge.nlu.not_media import not_media
from edge.nlu.questions import read_tokens
from edge.nlu.targets import choose_targets
from edge.nlu.types import Intent

__all__ = ["MEDIA", "OUT_OF_DOMAIN_ABOVE", "media_request"]

MEDIA = "HassMediaSearchAndPlay"
OUT_OF_DOMAIN_ABOVE = 0.9
"""The model's out-of-domain confidence from which its reading stands ("play chess" 0.99, "play a game"
1.00; the unseen artists it misses are 0.58-0.77)."""

_AGAIN = r"(?:(?:no|nope|no no|actually|i said|i meant|not that) )?"
"""A correction said before the request again ("no, play miles davis" after a wrong turn)."""
_ASK = r"(?:(?:can|could|would|will) you (?:please )?|please )?"
_OPENER = (
    r"(?:play|put on|throw on|start playing|listen to|let me hear|let us hear|lets hear|lets listen to"
    r"|(?:i|we) (?:want to|wanna|would like to|would love to) (?:hear|listen to)"
    r"|(?:id|wed) (?:like|love) to (?:hear|listen to)"
    r"|(?:can|could|may) (?:i|we) (?:hear|listen to))"
)
_KIND = r"(?P<kind>album|record|song|track|tune|playlist|podcast|radio station|station)"
_SHAPE = (
    r"^" + _AGAIN + _ASK + _OPENER + r" (?:(?:some|a bit of|a little) )?(?:(?:the|a|an|my) " + _KIND + r" )?"
    r"(?P<q>.+?)(?: (?:in|on) (?:the |my )?(?P<where>{places}))?"
    r"(?: (?:please|now|for me|thanks|thank you|for us|for a while|again))*$"
)  # fmt: skip
_OPENS = re.compile(r"^" + _AGAIN + _ASK + _OPENER + r" ")
_CLASSES: Mapping[str, str] = {"podcast": "podcast", "podcasts": "podcast", "audiobook": "audiobook"}
"""The media class a kind word names (the others are music, as the model's media head reads them)."""


def _places(snapshot: ContextSnapshot) -> dict[str, tuple[str, str]]:
    """Spoken area and media player names -> (slot, value) for "in the kitchen" / "on the soundbar"."""
    places: dict[str, tuple[str, str]] = {}
    for area in snapshot.areas:
        if key := " ".join(model_tokens(area)):
            places[key] = ("area", area)
    for device in snapshot.devices.values():
        if device.domain == "media_player":
            for name in (device.name, *device.aliases):
                if key := " ".join(model_tokens(name)):
                    places[key] = ("name", device.name)
    return places


def media_request(
    text: str, snapshot: ContextSnapshot, label: str, confidence: float, *, sure: float = 0.7
) -> Intent | None:
    """``HassMediaSearchAndPlay`` for a request for media by name in one of the module's shapes, with the
    model's targets for it; None when the words are not one, name no media, or the home cannot search.
    ``sure``: the operating point; a media reading the model was sure of is its own (when it acts on
    nothing, its query was not media or its place is not in the home: "play soccer in the garden")."""
    if label not in {OUT_OF_DOMAIN, MEDIA} or (label == OUT_OF_DOMAIN and confidence >= OUT_OF_DOMAIN_ABOVE):
        return None  # the model reads another intent, or is sure it is nothing for the home
    if label == MEDIA and confidence >= sure:
        return None
    if not any(
        d.domain == "media_player" and Capability.MEDIA_SEARCH in d.capabilities
        for d in snapshot.devices.values()
    ):
        return None
    tokens = model_tokens(text)
    if _OPENS.match(" ".join(tokens)) is None:
        return None  # most words the model gave nothing for: no shape of this module, nothing built
    question = read_tokens(tokens)
    if question is not None and question.kind != "request":
        return None  # "do you play the guitar"
    places = _places(snapshot)
    alternatives = "|".join(re.escape(k) for k in sorted(places, key=len, reverse=True)) or "(?!)"
    match = re.match(_SHAPE.replace("{places}", alternatives), " ".join(tokens))
    if match is None or not_media(match.group("q"), snapshot, broad=True):
        return None
    said = [
        match.group("kind") or "",
        *match.group("q").split(),
    ]  # "the podcast X", "recently added audiobook"
    media_class = next((_CLASSES[w] for w in said if w in _CLASSES), "music")
    slots = {"search_query": match.group("q"), "media_class": media_class}
    if where := match.group("where"):
        slot, value = places[where]
        slots[slot] = value
    targets, scores = choose_targets(MEDIA, slots, "media_player", slots["media_class"], snapshot, text=text)
    if not targets:
        return None
    return Intent(
        name=MEDIA,
        slots={**slots, "domain": "media_player"},
        # the model's for the intent when it read it, else what it did not give to "nothing for the home"
        confidence=confidence if label == MEDIA else round(1.0 - confidence, 4),
        text=text,
        targets=targets,
        source="text",
        target_scores=scores,
    )
