"""Several devices named in one request ("turn on the office lamp and the printer", "turn off the fan and the
light", "turn on the lights in the kitchen and the living room"). The model tags one name, so the request
acted on half of what was asked. :func:`joined` reads each part as a request of its own (``read``: the
parser's sure reading of some words, or None) and joins their targets only when every part is the same
request, sure, on devices of this home, each one settled (:func:`edge.nlu.resolve.choose_one`) and none
safety-critical; the joined request's ``name`` slot says every name heard ("office lamp and printer"), so
the planner keeps them all (:func:`edge.nlu.resolve.is_plural`). Anything else: None, the whole
utterance's parse stands."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from edge.context.model import ContextSnapshot
from edge.lang import model_tokens
from edge.nlu.catalogue import is_safety_critical
from edge.nlu.resolve import choose_one
from edge.nlu.types import Intent

__all__ = ["CONJOINED", "MAX_PARTS", "composed", "conjuncts", "joined", "starts_a_request", "target_span"]

CONJOINED = frozenset({"HassTurnOn", "HassTurnOff"})
"""The requests whose targets can be joined: the same action on each device named."""
MAX_PARTS = 3
_DETERMINERS = frozenset({"the", "my", "our", "all", "both", "that", "this"})
_VERBS = frozenset(
    {
        "turn", "switch", "set", "put", "open", "close", "lock", "unlock", "start", "stop", "make", "play",
        "pause", "dim", "brighten", "shut", "kill", "lower", "raise", "run", "activate", "show", "tell",
        "what", "is", "are", "can", "could", "please", "then", "also", "let",
    }
)  # fmt: skip
"""First words that make a part a request or a question of its own, never a name for the first's verb."""
_TARGET_SLOTS = ("name", "area", "domain")
_PARTICLES = frozenset({"on", "off", "up", "down", "please"})
_SWITCH_PARTICLES = frozenset({"on", "off"})
_WHOLE = frozenset({"everything", "everywhere"})  # "switch everything off": a target said in one word


def joined(text: str, snapshot: ContextSnapshot, read: Callable[[str], Intent | None]) -> Intent | None:
    """``text``'s request on every device its parts name, or None (see the module's doc)."""
    if " and " not in f" {text.lower()} ":
        return None  # most requests: nothing more to read
    tokens = [w for piece in text.split(", ") for w in ("and", *model_tokens(piece))][1:]  # "a, b and c"
    parts = _particle_shared(conjuncts(tokens))
    if not parts or _says_a_name_with_and(" ".join(tokens), snapshot):
        return None
    first = read(" ".join(parts[0]))
    if first is None or first.name not in CONJOINED:
        return None
    span = target_span(parts[0], first.slots)
    if span is None:
        return None
    reads = [first]
    for part in parts[1:]:
        other = read(" ".join(composed(parts[0], span, part)))
        if other is None or other.name != first.name:
            return None
        reads.append(other)
    targets: list[str] = []
    names: list[str] = []
    for request in reads:
        chosen = choose_one(request.text, request.slots, request.targets, snapshot)
        if chosen.ask or not chosen.targets:
            return None  # "the lamp" with a lamp in two rooms: the whole utterance's parse stands
        if any(t in targets for t in chosen.targets):
            return None  # "the kitchen light and the lights": one device said twice, not a list
        targets.extend(chosen.targets)
        named = target_span(request.text.split(), request.slots)
        names.append(
            " ".join(w for w in request.text.split()[named[0] : named[1]] if w not in _DETERMINERS)
            if named
            else ""
        )
    if any(t not in snapshot.devices or is_safety_critical(snapshot.devices[t]) for t in targets):
        return None
    slots = {**first.slots, "name": " and ".join(n for n in names if n)}
    if any(snapshot.devices[t].domain != slots.get("domain", snapshot.devices[t].domain) for t in targets):
        del slots["domain"]  # "the lamp and the tv": the first part's kind is not every device's
    return replace(
        first,
        text=text,
        slots=slots,
        targets=tuple(targets),
        confidence=min(r.confidence for r in reads),
        target_scores=(),
    )


def conjuncts(tokens: Sequence[str]) -> list[list[str]]:
    """The parts of ``tokens`` between "and"s; [] unless there are 2..MAX_PARTS parts, none empty."""
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token == "and":
            parts.append([])
        else:
            parts[-1].append(token)
    if not 2 <= len(parts) <= MAX_PARTS or any(not p for p in parts):
        return []
    return parts


def _particle_shared(parts: list[list[str]]) -> list[list[str]]:
    """ "turn the lamp and the tv off": the "on" / "off" said once, after the last part, belongs to every
    part ("turn the lamp off" and "the tv"), when no other "on" / "off" is said."""
    if len(parts) < 2 or len(parts[-1]) < 2 or parts[-1][-1] not in _SWITCH_PARTICLES:
        return parts
    if any(w in _SWITCH_PARTICLES for w in [w for part in parts for w in part][:-1]):
        return parts
    return [[*parts[0], parts[-1][-1]], *parts[1:-1], parts[-1][:-1]]


def target_span(tokens: Sequence[str], slots: Mapping[str, str]) -> tuple[int, int] | None:
    """Where in ``tokens`` the request named its target (a name, area or kind, with the article before it):
    the one that ends last ("turn on the lights in the kitchen": "the kitchen"), else the phrase from the
    first article on; None if there is none."""
    best: tuple[int, int] | None = None
    for slot in _TARGET_SLOTS:
        value = slots.get(slot, "").split()
        if not value:
            continue
        for at in range(len(tokens) - len(value) + 1):
            window = tokens[at : at + len(value)]
            if all(_same_word(w, v) for w, v in zip(window, value, strict=True)):
                start, end = at, at + len(value)
                while start > 0 and tokens[start - 1] in _DETERMINERS:
                    start -= 1
                if best is None or end > best[1]:
                    best = (start, end)
    if best is None:
        # the model read a kind, not the word said ("turn on the lamp": domain light): the phrase from the
        # first article on, without the particle after it ("turn the lamp on": "the lamp")
        first = next((i for i, w in enumerate(tokens) if w in _DETERMINERS or w in _WHOLE), None)
        if first is not None:
            end = len(tokens)
            while end > first + 1 and tokens[end - 1] in _PARTICLES:
                end -= 1
            best = (first, end) if end > first + 1 or tokens[first] in _WHOLE else None
    return best


def starts_a_request(word: str) -> bool:
    """Whether a part that begins with ``word`` is a request of its own ("and turn on the tv")."""
    return word in _VERBS


def composed(first: Sequence[str], span: tuple[int, int], part: Sequence[str]) -> list[str]:
    """``part`` as a request of its own: alone when it starts with a verb ("and turn on the tv"), else in
    the place of ``first``'s target ("turn the lamp on" + "the tv" -> "turn the tv on")."""
    if part[0] in _VERBS:
        return list(part)
    return [*first[: span[0]], *part, *first[span[1] :]]


def _same_word(said: str, value: str) -> bool:
    return said == value or said in (value + "s", value + "es")  # "the lights" for the domain "light"


def _says_a_name_with_and(words: str, snapshot: ContextSnapshot) -> bool:
    """Whether ``words`` say a device name or alias of this home that holds "and" ("salt and pepper lamp")."""
    for device in snapshot.devices.values():
        for name in (device.name, *device.aliases):
            said = " ".join(model_tokens(name))
            if " and " in f" {said} " and f" {said} " in f" {words} ":
                return True
    return False
