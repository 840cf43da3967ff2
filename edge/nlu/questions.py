"""Questions never move a device: tell a question about the home from a request phrased as one.

Pure and small: :func:`read_question` reads the NLU model's own words (:func:`edge.lang.model_tokens`:
lowercase, apostrophes dropped, wake phrase gone) and says what kind of utterance it is:

- ``request``: a request phrased as a question ("can you turn on the light", "could you open the blinds",
  "would you mind dimming...", "will you lock the door", "why don't you turn it off", "can I get some
  music"): the model's intent stands;
- ``state``: a yes/no or wh- question about a device's state ("is the office lamp on", "are the blinds
  closed", "did I leave the oven on", "which lights are on", "can you tell me if the garage door is open");
- ``presence``: "is anyone home", "who is home", "is Anna home";
- ``temperature``: "is it cold in here", "how warm is it", "what's the temperature";
- ``other``: any other question (chit-chat, questions about the assistant, how-to questions): never an
  action.

``None``: not a question (an ordinary imperative). :class:`edge.nlu.parser.NLUParser` turns a ``state`` or
``presence`` question the model read as an action into ``HassGetState`` and any other question it read as an
action into "not understood" (docs/nlu.md, "Questions").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from edge.lang import model_tokens

__all__ = ["KIND_WORDS", "STATE_WORDS", "Question", "QuestionKind", "read_question", "read_tokens"]

QuestionKind = Literal["request", "state", "presence", "temperature", "other"]


@dataclass(frozen=True, slots=True)
class Question:
    """What a question asks. ``state``: the state word asked about ("on", "closed", "locked"; "" when none
    is named, as in "what is the fan doing"); ``subject``: the words naming the device or person asked
    about ("the office lamp", "anna"; "" when the question names none); ``every``: the question asks
    which devices of a kind are in that state ("which lights are on", "are any lights on")."""

    kind: QuestionKind
    state: str = ""
    subject: str = ""
    every: bool = False  # "which lights are on", "are any lights on": every device of the kind is asked of
    wh: bool = False  # a wh- question ("which lights are on"), not a yes/no one ("is the lamp on")

    @property
    def domain(self) -> str:
        """The kind of device the subject's last kind word names ("the kitchen lights" -> "light")."""
        for word in reversed(self.subject.split()):
            if word in KIND_WORDS:
                return KIND_WORDS[word]
        return ""


_FILLERS = frozenset(
    {"um", "uh", "er", "erm", "hmm", "so", "hey", "ok", "okay", "well", "oh", "and", "but", "just", "please"}
    | {"quick", "question", "sorry", "excuse", "me", "yo", "hi", "hello"}
)
_MODALS = frozenset({"can", "could", "would", "will", "cant", "couldnt", "wouldnt", "wont", "shall", "may"})
_YOU = frozenset({"you", "u", "ya", "ye"})
_ADVICE = frozenset({"should", "shouldnt", "ought", "must"})
_AUX = frozenset(
    {"is", "are", "was", "were", "isnt", "arent", "wasnt", "werent", "did", "does", "do", "didnt"}
    | {"doesnt", "dont", "has", "have", "hasnt", "havent", "had", "hadnt", "am"}
)
_WH = frozenset(
    {"what", "whats", "which", "how", "hows", "who", "whos", "where", "wheres", "when", "whens", "why"}
    | {"whatre", "whys", "whose"}
)
# an embedded question: "can you tell me if...", "do you know whether...", "check if..."
_EMBED_VERBS = frozenset({"tell", "know", "check", "see", "confirm", "find", "wonder", "ask", "say"})
_EMBED_OPEN = frozenset({"if", "whether"}) | _WH
_PEOPLE = frozenset(
    {"anyone", "anybody", "someone", "somebody", "everyone", "everybody", "nobody", "people", "one"}
)
_HOME_WORDS = frozenset({"home", "house", "in", "here", "back"})
_TEMPERATURE = frozenset(
    {"temperature", "temp", "warm", "warmer", "hot", "hotter", "cold", "colder", "cool", "cooler", "chilly"}
    | {"freezing", "degrees", "heat", "heated", "warmth", "toasty", "boiling"}
)
# the state words a question names, as the planner's answers say them
STATE_WORDS: dict[str, str] = {
    "on": "on", "off": "off", "open": "open", "opened": "open", "closed": "closed", "close": "closed",
    "shut": "closed", "locked": "locked", "lock": "locked", "unlocked": "unlocked", "unlock": "unlocked",
    "playing": "playing", "paused": "paused", "running": "on", "working": "on", "going": "on",
    "cleaning": "cleaning", "docked": "docked", "charging": "docked", "lit": "on", "active": "on",
    "stopped": "off", "idle": "idle", "muted": "muted",
}  # fmt: skip
# the words that name a kind of device, and the domain they name
KIND_WORDS: dict[str, str] = {
    "light": "light", "lights": "light", "lamp": "light", "lamps": "light", "bulb": "light", "bulbs": "light",
    "fan": "fan", "fans": "fan", "lock": "lock", "locks": "lock", "blinds": "cover", "blind": "cover",
    "curtains": "cover", "curtain": "cover", "shades": "cover", "shutters": "cover", "plug": "switch",
    "plugs": "switch", "speaker": "media_player", "speakers": "media_player", "tv": "media_player",
    "television": "media_player", "vacuum": "vacuum", "thermostat": "climate", "heating": "climate",
}  # fmt: skip
# a verb of "did I leave / turn / lock ..." and the state it leaves behind when no particle says
_DONE_VERBS: dict[str, str] = {
    "leave": "", "left": "", "forget": "", "forgot": "", "turn": "", "switch": "", "lock": "locked",
    "unlock": "unlocked", "close": "closed", "shut": "closed", "open": "open", "put": "", "keep": "",
    "start": "on", "stop": "off", "turned": "", "switched": "", "locked": "locked", "closed": "closed",
}  # fmt: skip
_SUBJECT_PRONOUNS = frozenset({"i", "we", "you", "u", "they", "he", "she", "someone", "somebody", "anyone"})
_STATE_NOUNS = frozenset(
    {"status", "state", "set", "setting", "level", "brightness", "volume", "position", "doing", "playing"}
)
_REQUEST_AFTER_YOU = frozenset({"able", "going", "gonna", "want", "wanna", "mind", "willing", "ready"})
_OTHER_AFTER_YOU = frozenset({"there", "listening", "awake", "real", "ok", "okay", "alive", "single"})


def read_question(text: str) -> Question | None:
    """What kind of question ``text`` is (``None``: not a question)."""
    return read_tokens(model_tokens(text))


def read_tokens(tokens: Sequence[str]) -> Question | None:
    """:func:`read_question` on words already normalized by :func:`edge.lang.model_tokens`."""
    words = list(tokens)
    while words and words[0] in _FILLERS:
        words = words[1:]
    if not words:
        return None
    first, rest = words[0], words[1:]
    second = rest[0] if rest else ""
    if first == "any" and rest and not {"you", "u"} & set(rest):
        return read_tokens(["is", "there", *words])  # "any smoke in the kitchen": "is there any ..."
    if embedded := _embedded(words):
        return embedded
    if _is_request(words):
        return Question("request")
    if first in {"have", "had"} and second not in {"i", "we", "you", "u", "they", "anyone", "someone"}:
        return None  # "have the roomba do the living room": a request, not "have I left the lights on"
    if first == "do" and second in {"that", "this", "it", "something", "so", "again", "the", "same", "what"}:
        return None  # "do that", "do it again", "do what I said": a request
    if first == "dont" and second not in {"you", "u", "i", "we", "they"}:
        return None  # "don't make any sounds": a negative request, not "don't you think ..."
    if first in _ADVICE and rest:
        return Question("other")  # "should I turn off the lights when I leave": advice, never a request
    if first in _AUX:
        return _of_anything(_yes_no(first, rest))
    if first in _WH:
        return _wh(first, rest)
    if first in _MODALS and second in {"it", "there"}:  # "will it be cold in here"
        return _yes_no(first, rest)

    return None


ANYTHING = frozenset({"anything", "everything", "something", "nothing"})
"""A state question's subject that is every device that can be on or off ("is anything still on")."""


def _of_anything(question: Question) -> Question:
    """ "is anything on in the office", "did I leave anything on", "is everything off": asked of every device
    (in the area named, else the home), not of one called "anything"."""
    if (
        question.kind == "state"
        and question.state
        and question.subject.split()[:1]
        and (question.subject.split()[0] in ANYTHING)
    ):
        return replace(question, subject="", every=True)
    return question


def _embedded(words: list[str]) -> Question | None:
    """ "(can you) tell me if / do you know whether / check if / I wonder if" + a clause about the home."""
    for i, word in enumerate(words[:6]):
        if word in _EMBED_VERBS and i + 1 < len(words):
            j = i + 1
            if words[j] == "me" or words[j] == "out":  # "tell me if", "find out whether"
                j += 1
            if j < len(words) and words[j] in _EMBED_OPEN and j + 1 < len(words):
                head = words[: i + 1]
                if not _embed_head(head):
                    return None
                if words[j] in _WH:
                    return _wh(words[j], words[j + 1 :])
                return _clause(words[j + 1 :])
    return None


def _embed_head(head: list[str]) -> bool:
    """The words before the embedding verb: "can you", "do you", "please", "i", "let me" ..."""
    allowed = _MODALS | _YOU | _AUX | _FILLERS | {"i", "let", "me", "to", "want", "would", "like", "id"}
    return all(w in allowed for w in head[:-1])


def _is_request(words: list[str]) -> bool:
    first = words[0]
    second = words[1] if len(words) > 1 else ""
    third = words[2] if len(words) > 2 else ""
    if first == "why" and second in {"dont", "not"}:  # "why don't you turn it off", "why not ..."
        return True
    if first in {"how", "what"} and second == "about":  # "how about some music"
        return True
    if first in _MODALS and (second in _YOU or second in {"i", "we"}):  # "can you ...", "could I get ..."
        return third not in {"ask", "tell", "know"}  # "can I ask you something" is chit-chat
    if first in {"do", "would"} and second in _YOU and third in {"mind", "want", "wanna"}:
        return True
    if (
        first in {"is", "would", "will"}
        and second == "it"
        and {"possible", "ok", "okay", "alright"} & set(words[2:4])
    ):
        return True  # "is it possible to ...", "is it ok to lower the lights", "would it be alright to ..."
    if first in _AUX and second in _YOU and third in _REQUEST_AFTER_YOU:  # "are you able to", "going to"
        return True
    return first in {"any", "mind"} and ("chance" in words[:3] or second == "turning")


def _state_of(words: Sequence[str]) -> str:
    """The last state word of a question ("is the light on in the kitchen" -> "on")."""
    for word in reversed(words):
        if word in STATE_WORDS:
            return STATE_WORDS[word]
    return ""


def _subject(words: Sequence[str]) -> str:
    """The words naming the device: up to the first state word or verb ("the office lamp")."""
    out: list[str] = []
    for word in words:
        if word in STATE_WORDS or word in _AUX or word in {"still", "currently", "right", "now", "being"}:
            break
        out.append(word)
    return " ".join(out)


def _is_presence(words: Sequence[str]) -> bool:
    return bool(_PEOPLE & set(words)) and bool(_HOME_WORDS & set(words)) and "on" not in words


def _yes_no(aux: str, rest: list[str]) -> Question:
    """ "is the office lamp on", "did I leave the oven on", "is anyone home", "is it cold in here"."""
    if not rest:
        return Question("other")
    head = rest[0]
    if head in _YOU:
        if len(rest) > 1 and rest[1] in _DONE_VERBS:  # "did you turn off the lights"
            return _done(rest[1:])
        return Question("other")  # "are you there", "do you like music"
    if head in {"it", "its"}:
        if _TEMPERATURE & set(rest):
            return Question("temperature")
        return Question("other")  # "is it going to rain", "is it safe to..."
    if head == "there":
        if _is_presence(rest):
            return Question("presence")
        body = rest[1:]
        return Question("state", _state_of(body), _subject(body)) if _state_of(body) else Question("other")
    if _is_presence(rest) or (rest[-1] == "home" and head not in {"i", "we"}):
        subject = "" if head in _PEOPLE else " ".join(w for w in rest if w not in {"at", "home", "back"})
        return Question("presence", "home", subject)
    if head in {"i", "we", "someone", "somebody", "anyone", "anybody", "they"} and len(rest) > 1:
        if rest[1] in _DONE_VERBS:
            return _done(rest[1:])
        return Question("other")  # "do I need an umbrella", "am I late"
    if head in {"any", "all"} and _state_of(rest):  # "are any lights on", "are all the doors locked"
        return Question("state", _state_of(rest), _subject(rest[1:]), every=True)
    if aux in {"do", "does", "dont", "doesnt"} and not _state_of(rest):
        return Question("other")  # "does the oven have a timer", "do lights use much power"
    if _TEMPERATURE & set(rest) and not _state_of(rest):
        return Question("temperature")  # "is the bedroom warm"
    return Question("state", _state_of(rest), _subject(rest))


def _done(words: list[str]) -> Question:
    """ "leave the oven on", "lock the front door", "turn off the lights" after "did I / did you"."""
    verb, rest = words[0], words[1:]
    if verb in {"forget", "forgot"} and rest[:1] == ["to"] and len(rest) > 1:  # "forget to lock the door"
        verb, rest = rest[1], rest[2:]
        state = {"locked": "unlocked", "closed": "open", "off": "on", "on": "off"}.get(
            _DONE_VERBS.get(verb, "") or _state_of(rest), ""
        )
        return Question("state", state, _subject([w for w in rest if w not in {"on", "off"}]))
    state = _state_of(rest) or _DONE_VERBS.get(verb, "")
    return Question("state", state, _subject([w for w in rest if w not in {"on", "off"}]))


def _clause(words: list[str]) -> Question:
    """The declarative clause of an embedded yes/no question ("the garage door is open")."""
    if _is_presence(words) or (words and words[-1] == "home"):
        return Question("presence", "home")
    if words and words[0] in _SUBJECT_PRONOUNS and len(words) > 1 and words[1] in _DONE_VERBS:
        return _done(words[1:])
    if words[:1] in (["it"], ["its"]) and _TEMPERATURE & set(words):
        return Question("temperature")
    state = _state_of(words)
    return Question("state", state, _subject(words)) if state else Question("other")


def _wh(wh: str, rest: list[str]) -> Question:
    """ "which lights are on", "what's the temperature", "who is home", "how do I...", "what are you"."""
    if not rest:
        return Question("other")
    if (
        wh in {"how", "what", "why", "where", "when"}
        and rest[0] in _AUX
        and len(rest) > 1
        and rest[1] in (_YOU | {"i", "we"})
    ):
        return Question("other")  # "how do I reset the lamp", "what are you", "why did you do that"
    if rest[0] in _YOU or (wh in {"whats", "hows"} and rest[0] in {"up", "new"}):
        return Question("other")  # "who are you", "what's up"
    if wh in {"who", "whos"} and _HOME_WORDS & set(rest):
        return Question("presence", wh=True)
    if _TEMPERATURE & set(rest):
        return Question("temperature")
    state = _state_of(rest)
    if state or _STATE_NOUNS & set(rest):
        named = rest[rest.index("of") + 1 :] if "of" in rest else rest  # "the status of the garage door"
        subject = " ".join(
            w for w in named if w not in _AUX and w not in STATE_WORDS and w not in _STATE_NOUNS
        )
        if wh == "which" or rest[0] in {"lights", "doors", "windows", "devices"}:  # "what lights are on"
            return Question("state", state, "", every=True, wh=True)
        return Question("state", state, subject, wh=True)
    return Question("other")
