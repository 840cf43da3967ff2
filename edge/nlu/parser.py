"""``NLUParser``: text + ContextSnapshot -> Intent (or None: nothing for the home).

The model reads the words and the context features together; the parser decodes BIO slots, adds the
implied ``domain`` and ``media_class`` from the model's heads, then picks targets. Synchronous and fast;
async callers wrap it in ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from edge import resources
from edge.config import Settings
from edge.context.model import ContextSnapshot
from edge.lang import model_tokens
from edge.nlu import asked as answers
from edge.nlu.area_quantities import as_area_question
from edge.nlu.asked_attributes import with_attribute
from edge.nlu.catalogue import OUT_OF_DOMAIN, by_name, is_safety_critical
from edge.nlu.conjunctions import CONJOINED, joined
from edge.nlu.context_features import context_vector
from edge.nlu.corrections import SURE as CORRECTION_SURE
from edge.nlu.corrections import corrected_words, correction
from edge.nlu.courtesy import said_again, without_courtesy
from edge.nlu.cover_steps import stepped
from edge.nlu.delayed import delayed
from edge.nlu.door_locks import door_lock
from edge.nlu.fan_speeds import fan_speed
from edge.nlu.hesitations import without_hesitations
from edge.nlu.home_spelling import home_spelling
from edge.nlu.media_requests import MEDIA, media_request
from edge.nlu.music_off import music_off
from edge.nlu.named_requests import unseen_request
from edge.nlu.negation import excepted, may_say_not, negated, without
from edge.nlu.not_media import not_media, only_determiners
from edge.nlu.now_playing import now_playing
from edge.nlu.numbered_names import narrowed, numbered
from edge.nlu.parse_result import ParseResult, said_again_to_a_device, sets_nothing
from edge.nlu.questions import read_tokens
from edge.nlu.reminders import reminder
from edge.nlu.runner import NLUModel
from edge.nlu.runner_up import other_reading
from edge.nlu.said_requests import said_request
from edge.nlu.slot_decoding import canonical, decode_slots, without_quantifier
from edge.nlu.state_fit import domain_of, ruled_out
from edge.nlu.targets import choose_targets
from edge.nlu.temperature_steps import by_amount
from edge.nlu.timer_slots import timer_slots, timer_verb
from edge.nlu.types import Intent
from edge.nlu.unknown_names import named_phrase, routine_domain, unknown_object
from edge.nlu.value_slots import value_slots
from edge.nlu.value_words import SETTERS, in_numbers, light_set, light_step, lit_reading, with_half
from edge.nlu.white_words import white_reading
from edge.nlu.whole_numbers import put_back, whole_numbers
from edge.nlu.wildcard import complete_query

__all__ = ["NLUParser", "ParseResult", "decode_slots", "default_model_dir"]


_SWITCHES = frozenset({"HassTurnOn", "HassTurnOff"})
_FAN_READINGS = frozenset({"HassTurnOn", "HassFanSetSpeed", "HassClimateSetFanMode"})
"""The model's readings of "set the fan to high" that a fan of the room said or here replaces."""


def default_model_dir(settings: Settings) -> Path:
    return Path(settings.nlu.model_dir) if settings.nlu.model_dir else resources.nlu_model_dir()


class NLUParser:
    """Loads the model once; ``parse`` is safe to call from one thread at a time per instance."""

    def __init__(self, settings: Settings, model_dir: Path | None = None) -> None:
        self.settings = settings
        self.model = NLUModel(model_dir or default_model_dir(settings), threads=1)
        values = self.model.metadata.get("slot_values") or {}
        self._slot_values: Mapping[str, list[str]] = {str(k): list(v) for k, v in values.items()}
        self._last: tuple[str, ContextSnapshot, ParseResult] | None = None  # for readings(): no second parse

    def analyse(self, text: str, snapshot: ContextSnapshot) -> ParseResult:
        if (number := numbered(text, snapshot)) is not None and (
            out := narrowed(self.analyse(number.plain, snapshot), number, text, snapshot)
        ) is not None:
            # "open shutter 1", "turn on kitchen bulb 2": the number is the name's, not a value
            self._last = (text, snapshot, out)
            return out
        if (spelled := home_spelling(without_hesitations(text), snapshot)) != text:
            # "er switch off the light": without "er"; "set the air con to 21" in a home with an "aircon":
            # read as the home spells its names
            out = replace(self.analyse(spelled, snapshot), text=text)
            self._last = (text, snapshot, out)
            return out
        result = self._analyse(text, snapshot)
        if (said_not := self._said_not(result, snapshot)) is not None:
            # "don't turn off the light", "turn off the lights except the kitchen": never the request as
            # if the "not" had not been said
            self._last = (text, snapshot, said_not)
            return said_not
        if (result.intent is None or result.intent.name in _FAN_READINGS) and (
            fan := fan_speed(text, snapshot)
        ):
            # "set the fan to high" in a room with a fan: its speed, not a thermostat's fan mode elsewhere
            result = ParseResult(text, fan, result.label, result.confidence, False)
        if (parts := correction(text)) is not None:
            # "turn on the kitchen light, I mean the office lamp": the corrected request, or nothing
            return self._corrected(result, parts, snapshot)
        tokens = model_tokens(text)
        numbers = in_numbers(tokens)  # amounts said in words as percentages ("to half" -> "to 50 percent")
        understood = result.label != OUT_OF_DOMAIN
        if result.intent is None and (understood or said_again(text)) and (plain := without_courtesy(text)):
            # "light up the living room for me" under the operating point, "switch it off again" read as out
            # of domain for its "again": read again without the tail
            result = self._read_again(result, plain, snapshot, any_label=not understood)
        if sets_nothing(result) and numbers:
            # "lights to half", "the lamp to full brightness": the amount as the percentage it means
            result = self._valued(result, numbers, snapshot)
        amounts = model_tokens(numbers) if numbers else tokens
        if step := light_step((result.intent,) if result.intent else result.unsure, tokens):
            # "make the pendant 20 percent brighter" read as a level of 20 (or unsure): a step up by 20
            result = replace(
                result, intent=step, confidence=max(result.confidence, step.confidence), unsure=()
            )
        if lit := light_set(result.intent, amounts) if result.intent else lit_reading(result.unsure, amounts):
            # "put the office lamp on 100 percent", read as brighter or on (or unsure which): that level
            result = replace(result, intent=lit, confidence=max(result.confidence, lit.confidence), unsure=())
        if result.intent is not None and (
            step := stepped(result.intent, tokens, snapshot) or by_amount(result.intent, tokens, snapshot)
        ):
            # "lower the blinds a bit", "turn the heating up by 2 degrees": a step, not all the way or to 2
            result = replace(result, intent=step)
        result = white_reading(result, tokens, snapshot)  # "make the lamp warmer": its white (white_words)
        if result.intent is None and understood and (whole := whole_numbers(tokens)):
            # "set temperature to 20.5" under the operating point: read again as "... to 20", the decimal
            # put back in the slots
            result = self._read_again(result, whole[0], snapshot, back=whole[1])
        if result.intent is None and (said := said_request(text, snapshot)) is not None:
            # the whole utterance names what to do with a device of this home ("set main valve to 100",
            # "play corner light on", "close everything" among the blinds): that request, nothing guessed
            result = ParseResult(text, said, result.label, result.confidence, False)
        if result.intent is None and (
            media := media_request(
                text, snapshot, result.label, result.confidence, sure=self.settings.nlu.act_below
            )
        ):
            # "play miles davis", "put on some fleetwood mac": an unseen name the model read as out of
            # domain or was unsure of, in a shape people ask for media by name, in a home that can search
            result = ParseResult(text, media, result.label, result.confidence, False)
        if (result.intent is None or result.intent.name == "HassStartTimer") and (later := reminder(text)):
            # "wake me up in 20 minutes", "remind me to call mum in an hour": a named timer
            result = ParseResult(text, later, result.label, result.confidence, False)
        if result.intent is None and (playing := now_playing(text, snapshot)):
            result = ParseResult(text, playing, result.label, result.confidence, False)  # "what's playing"
        if result.intent is None or result.intent.name in CONJOINED:
            # "turn on the office lamp and the printer": each device named, not the one the model tagged
            result = self._joined(result, snapshot) or result
        if result.intent is not None and (
            room := as_area_question(result.intent.name, result.intent.slots, snapshot)
        ):
            # "what's the office temperature": the office's temperature, not a near name's in another room
            again = self._analyse(room, snapshot)
            result = replace(again, text=text) if again.intent is not None else result
        if result.intent is not None and (verb := timer_verb(result.intent)) is not result.intent:
            result = replace(result, intent=verb)  # "get rid of the 15 minute timer": the verb decides
        if result.intent is not None and (door := door_lock(result.intent, tokens, snapshot)):
            result = replace(result, intent=door)  # "open the front door" (a lock): unlock it, never lock it
        if result.intent is not None and (stopped := music_off(result.intent, tokens)):
            result = replace(result, intent=stopped)  # "turn the music off": paused, not muted
        if result.intent is not None and (asked := with_attribute(result.intent, tokens)):
            result = replace(result, intent=asked)  # "what's the volume on the speaker": which reading
        self._last = (text, snapshot, result)
        return result

    def _read_again(
        self,
        result: ParseResult,
        words: str,
        snapshot: ContextSnapshot,
        back: Mapping[str, str] | None = None,
        any_label: bool = False,
    ) -> ParseResult:
        """``result`` (unsure) read again as ``words``: when that reading is the same intent (any intent when
        ``any_label``: the tail said the request again) and sure, it stands with the whole utterance's text
        (and ``back``'s decimals put back in its slots)."""
        again = self._analyse(words, snapshot)
        if again.intent is None or again.unsure or (again.label != result.label and not any_label):
            return result
        if again.label != result.label and not said_again_to_a_device(again.intent.name):
            return result
        slots = put_back(again.intent.slots, back) if back else again.intent.slots
        return replace(again, text=result.text, intent=replace(again.intent, text=result.text, slots=slots))

    def _corrected(
        self, result: ParseResult, parts: tuple[list[str], list[str]], snapshot: ContextSnapshot
    ) -> ParseResult:
        """The request as its speaker corrected it (:mod:`edge.nlu.corrections`), when the parser is sure of
        it; else not understood (what was withdrawn is never acted on)."""
        words = corrected_words(*parts, self._sure(snapshot))
        again = self.analyse(" ".join(words), snapshot) if words else None
        if again is None or again.intent is None or again.unsure or again.confidence < CORRECTION_SURE:
            out = ParseResult(result.text, None, result.label, result.confidence, False)
        else:
            out = replace(
                again, text=result.text
            )  # the intent keeps the corrected words: they name the device
        self._last = (result.text, snapshot, out)
        return out

    def _valued(self, result: ParseResult, words: str, snapshot: ContextSnapshot) -> ParseResult:
        """``result`` read again as ``words`` (amounts in numbers): that reading stands when it is sure and
        sets the amount (:data:`SETTERS`); else ``result``."""
        again = self._analyse(words, snapshot)
        intent = again.intent
        if intent is not None and not again.unsure and (lit := light_set(intent, model_tokens(words))):
            intent = lit  # "put the office lamp on full": read as brighter, the amount said is its brightness
        if intent is None or again.unsure or not intent.slots.get(SETTERS.get(intent.name, ""), ""):
            return result
        return replace(again, text=result.text, intent=replace(intent, text=result.text))

    def _said_not(self, result: ParseResult, snapshot: ContextSnapshot) -> ParseResult | None:
        """What a request said in the negative or with an exception means (:mod:`edge.nlu.negation`):
        nothing for a negative one; the devices less the exception, else nothing; None when neither."""
        if not may_say_not(result.text):
            return None
        tokens = model_tokens(result.text.replace(", not ", " but not "))  # "the lights, not the lamp"
        parts = excepted(tokens)
        if not negated(tokens) and parts is None:
            return None
        intent = without(result.text, parts, snapshot, self._sure(snapshot)) if parts else None
        return ParseResult(result.text, intent, result.label, intent.confidence if intent else 0.0, False)

    def _sure(self, snapshot: ContextSnapshot) -> Callable[[str], Intent | None]:
        """The parser's sure reading of some words (none when unsure or to be confirmed)."""

        def sure(words: str) -> Intent | None:
            read = self._analyse(words, snapshot)
            return None if read.unsure or read.needs_confirmation else read.intent

        return sure

    def _joined(self, result: ParseResult, snapshot: ContextSnapshot) -> ParseResult | None:
        """``result`` on every device its parts name ("turn off the fan and the light"; :func:`joined`)."""
        intent = joined(result.text, snapshot, self._sure(snapshot))
        return ParseResult(result.text, intent, intent.name, intent.confidence, False) if intent else None

    def _analyse(self, text: str, snapshot: ContextSnapshot) -> ParseResult:
        tokens = model_tokens(text)
        if not tokens:
            return ParseResult(text, None, OUT_OF_DOMAIN, 0.0, False)
        out = self.model.run(tokens, context_vector(snapshot))
        order = out.intent_probs.argsort()[::-1]
        label = self.model.intents[int(order[0])]
        confidence = float(out.intent_probs[order[0]])
        margin = confidence - float(out.intent_probs[order[1]]) if len(order) > 1 else confidence
        question = read_tokens(tokens)
        if question is not None and question.kind == "request":
            question = None  # "can you turn on the light": the model's request stands
        if question is not None and (
            sensed := answers.sensed(text, tokens, label, snapshot, confidence=confidence, margin=margin)
        ):
            return ParseResult(text, sensed, label, confidence, False)  # "is the phone battery low"
        nlu = self.settings.nlu
        if heard := unseen_request(text, tokens, snapshot, label, confidence, nlu=nlu):
            return ParseResult(text, heard, label, confidence, False)  # "thank you", "dock mowbot"
        if label == OUT_OF_DOMAIN or confidence < self.settings.nlu.reject_below:
            # a yes/no state question the model did not read as one ("did I leave the oven on"), about a
            # device the home has by that name; a wh- question the model calls out-of-domain stays so
            # ("what tv show is jennifer aniston on")
            polar = question is not None and not question.wh
            found = answers.asked_state(text, question, snapshot, confidence, margin) if polar else None
            return ParseResult(text, found, label, confidence, False)
        tags = [self.model.tags[i] for i in out.tag_ids]
        slots = decode_slots(tokens, tags)
        if label == MEDIA and (query := complete_query(tokens, tags, slots.get("search_query"))):
            slots["search_query"] = query
        if label == MEDIA and "search_query" in slots and delayed(text) is None:  # not "... in 5 minutes"
            if only_determiners(slots["search_query"]):
                # the tagger left "the" / "my" of "put on the tv", "put on my dinner party playlist": the
                # words are read instead (a device put on, or the media they name); a search for nothing
                # is no request
                read = said_request(text, snapshot) or media_request(
                    text, snapshot, label, confidence, sure=1.01
                )
                return ParseResult(text, read, label, confidence, False)
            if not_media(slots["search_query"], snapshot):
                return ParseResult(text, None, label, confidence, False)  # "can you play the piano"
        slots = timer_slots(label, slots, text)  # "5 and a half minutes": minutes 5, seconds 30
        slots = value_slots(label, slots, tokens, snapshot)  # the position of "main valve to 100"
        slots = with_half(slots, tokens)  # "set the heating to 21 and a half": 21.5
        for slot, value in list(slots.items()):
            if slot in self._slot_values:
                slots[slot] = canonical(value, self._slot_values[slot])
        slots = without_quantifier(slots)  # "both" of "turn off both lamps" tagged as a name
        focus = self.model.focus[int(out.focus_probs.argmax())]
        media = self.model.media[int(out.media_probs.argmax())]
        if focus and "name" not in slots and not self._slot_values:
            slots.setdefault("domain", focus)
        if media and label == MEDIA:
            slots["media_class"] = media
        if question is not None and label == "HassGetState" and question.domain and "domain" not in slots:
            slots["domain"] = question.domain  # "is the tv on": asked of the TV, whatever its focus
        if phrase := named_phrase(text, slots, snapshot) or unknown_object(label, tokens, slots, snapshot):
            slots["name"] = phrase  # "overhead light", "turn on the fire": a name, not the room's lights
        if label in _SWITCHES and (routine := routine_domain(tokens)):
            slots["domain"] = routine  # "run the tv off script": a script, never the TV
        targets, scores = choose_targets(label, slots, focus, media, snapshot, text=text)
        spec = by_name(label)
        reads_temperature = label == "HassClimateGetTemperature"
        if question is not None and question.kind == "state" and question.state and reads_temperature:
            moved = True  # "is the oven on", "is the heating on": the state, not the temperature
        else:
            moved = question is not None and spec is not None and spec.moves_device
        if question is not None and label == "HassGetState" and not moved:
            if question.domain and "domain" not in slots:
                slots["domain"] = question.domain  # "are the kitchen lights on": the answer names the lights
            if question.state and "state" not in slots:
                slots["state"] = question.state
        if question is not None and question.every and (moved or label == "HassGetState"):
            every = answers.every(
                text,
                question,
                slots=slots,
                focus=focus,
                snapshot=snapshot,
                confidence=confidence,
                margin=margin,
            )
            if every is not None:
                return ParseResult(text, every, label, confidence, False)
        if question is not None and moved:
            # a question never moves a device: a state question is asked of what the model resolved
            asked = answers.asked(
                text,
                question,
                slots=slots,
                targets=targets,
                snapshot=snapshot,
                confidence=confidence,
                margin=margin,
            )
            return ParseResult(text, asked, label, confidence, False)
        for_later = (spec is not None and spec.moves_device) or label == "HassStartTimer"
        if for_later and (later := delayed(text)) is not None and "timer" not in later.command.split():
            # "open the garage door in 5 minutes": a timer carrying the request, never the request now
            timer = Intent(
                name="HassStartTimer",
                slots={**later.slots, "conversation_command": later.command},
                confidence=confidence,
                text=text,
                margin=margin,
                source="text",
            )
            return ParseResult(text, timer, label, confidence, False)
        intent = Intent(
            name=label,
            slots=slots,
            confidence=confidence,
            text=text,
            targets=targets,
            margin=margin,
            source="text",
            target_scores=scores,
        )
        guarded = bool(targets) and all(
            t in snapshot.devices and is_safety_critical(snapshot.devices[t]) for t in targets
        )  # a lock, a garage door: the gate asks "Do you want me to lock ...?" before anything moves
        if spec is not None and spec.moves_device and not guarded and confidence < nlu.act_below:
            # below the operating point a request is never acted on: the two readings to ask between,
            # when the runner-up is plausible and would do something else; else not understood
            second = self.model.intents[int(order[1])] if len(order) > 1 else OUT_OF_DOMAIN
            p2 = float(out.intent_probs[order[1]]) if len(order) > 1 else 0.0
            if ruled_out(second, targets, snapshot) and (both := confidence + p2) >= nlu.act_below:
                sure = replace(intent, slots=domain_of(slots, targets, snapshot), confidence=both)
                # "turn on the tv", the TV off: not "resume"; "set the aircon to 19": not a position
                return ParseResult(text, sure, label, both, both < nlu.confirm_below)
            plausible = p2 >= self.settings.nlu.ask_runner_up_above
            other = (
                other_reading(intent, second, slots=slots, focus=focus, media=media, snapshot=snapshot)
                if plausible
                else None
            )
            readings = (intent, other) if other is not None else ()
            return ParseResult(text, None, label, confidence, False, unsure=readings)
        return ParseResult(text, intent, label, confidence, confidence < self.settings.nlu.confirm_below)

    def parse(self, text: str, snapshot: ContextSnapshot) -> Intent | None:
        return self.analyse(text, snapshot).intent

    def readings(self, text: str, snapshot: ContextSnapshot) -> tuple[Intent, ...]:
        """The two readings of a request below the operating point (empty: none worth asking about); the
        parse the engine just made of the same text on the same snapshot is reused, not repeated."""
        last = self._last
        if last is not None and last[0] == text and last[1] is snapshot:
            return last[2].unsure
        return self.analyse(text, snapshot).unsure
