"""What people say to the assistant itself: greetings, thanks, and questions about it (Home Assistant's
``HassRespond``: hello, listening, data, commands, creator; and thanks, which HA lacks).

The model reads several of them as out of domain ("thank you", "who are you", "are you recording everything
I say"), and an out-of-domain reading answers "Sorry, I didn't understand". A whole utterance in one of these
shapes is ``HassRespond`` with its ``response`` (the answer's name in :mod:`edge.services.replies`); the
shapes are anchored at both ends, so a request that starts with "thanks" or mentions data is not one.
:func:`response_of` is also how the services choose the answer when the NLU gave none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from edge.nlu.types import Intent

__all__ = ["SOCIAL_PHRASES", "respond_intent", "response_of", "social_response"]

_TAIL = r"(?: (?:there|again|friend|buddy|mate|assistant|home assistant|jarvis|alexa|mycroft))?"
SOCIAL_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (  # model tokens: lowercase, no apostrophes
    (
        "hello",
        re.compile(rf"^(?:hello|hi|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening)){_TAIL}$"),
    ),
    (
        "listening",
        re.compile(
            r"^(?:are|do|were|have) you (?:always |still |been )?(?:listening|recording|record|listen|spying)"
            r"(?: (?:to|on))?(?: me| us| everything(?: (?:i|we) say)?| all the time| right now)*$"
        ),
    ),
    (
        "data",
        re.compile(
            r"^(?:where does|where do|what happens to|who sees) (?:my|our|the) (?:data|recordings)"
            r"(?: go)?(?: to)?$"
        ),
    ),
    (
        "commands",
        re.compile(r"^(?:what (?:can|could|should) (?:i|we) (?:say|ask)(?: you)?|what can you do)$"),
    ),
    (
        "creator",
        re.compile(
            r"^(?:who (?:made|created|built|programmed|wrote) you|who are you|what are you|whats your name)$"
        ),
    ),
    (
        "thanks",
        re.compile(
            r"^(?:thanks|thank you|thankyou|cheers|many thanks|ta)"
            r"(?: (?:so|very) much| a lot| a bunch| again)?(?: for (?:that|your help|the help|helping))?$"
        ),
    ),
)
"""The shapes, each with the ``response`` it asks for (HA's response names, plus ``thanks``)."""

_ANYWHERE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("listening", re.compile(r"\b(listening|recording|record|listen|eavesdrop\w*|spying)\b")),
    ("data", re.compile(r"\b(data|privacy|private|cloud)\b")),
    ("commands", re.compile(r"\bwhat (can|could|should) i (say|ask)\b|\bwhat can you do\b|\bhelp\b")),
    ("creator", re.compile(r"\bwho (made|created|built|programmed|wrote) you\b|\bwho are you\b")),
    ("thanks", re.compile(r"\b(thanks|thank you|cheers)\b")),
)


def social_response(tokens: Sequence[str]) -> str:
    """The response a whole utterance in one of :data:`SOCIAL_PHRASES`' shapes asks for, else ""."""
    said = " ".join(tokens)
    return next((name for name, shape in SOCIAL_PHRASES if shape.match(said)), "")


def response_of(said: str) -> str:
    """The answer for a ``HassRespond`` without a ``response`` slot, from words anywhere in it ("hello" when
    none is said); ``said`` is folded text."""
    return next((name for name, pattern in _ANYWHERE if pattern.search(said)), "hello")


def respond_intent(text: str, tokens: Sequence[str], confidence: float) -> Intent | None:
    """``HassRespond`` for a whole greeting, thanks or question about the assistant; None otherwise."""
    response = social_response(tokens)
    if not response:
        return None
    return Intent(
        name="HassRespond", slots={"response": response}, confidence=confidence, text=text, source="text"
    )
