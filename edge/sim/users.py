"""Simulated users: goals (an intent and its targets), habitual phrasings (some the NLU does not know),
nicknames the registry lacks, a consistent ASR voice, and what they do after a failure: retry, rephrase
(another template, the registry name, more specific), undo by hand, barge in, or give up."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from edge.sim.asr_errors import SpeakerASR
from edge.sim.household_home import ARTISTS, SimHome

__all__ = ["SimGoal", "SimUser", "make_user"]

# Phrasings per action: index 0.. are understood by the simulated NLU, the "odd" ones are not.
_GOOD = {
    "on": ("turn on the {x}", "switch on the {x}", "turn the {x} on", "{x} on"),
    "off": ("turn off the {x}", "switch off the {x}", "turn the {x} off", "{x} off"),
    "set": ("set the {x} to {n} percent", "set {x} to {n}"),
    "play": ("play {m}", "play {m} on the {x}"),
}
_ODD = {
    "on": ("light up the {x}", "get the {x} going", "power up the {x}"),
    "off": ("kill the {x}", "shut the {x}", "cut the {x}"),
    "set": ("dim the {x} to {n}", "make the {x} {n} percent"),
    "play": ("put on some {m}", "i want to hear {m}"),
}


@dataclass(frozen=True, slots=True)
class SimGoal:
    action: str  # on | off | set | play | unlock
    entity_id: str
    value: str = ""  # brightness or artist

    @property
    def intent(self) -> str:
        return {
            "on": "HassTurnOn",
            "off": "HassTurnOff",
            "set": "HassLightSet",
            "play": "HassMediaSearchAndPlay",
            "unlock": "HassUnlock",
            "open": "HassTurnOn",
        }[self.action]


@dataclass(slots=True)
class SimUser:
    user_id: str
    asr: SpeakerASR
    habits: dict[str, str] = field(default_factory=dict)  # action -> habitual template
    calls: dict[str, str] = field(default_factory=dict)  # entity_id -> what this user calls it
    patience: float = 0.8  # chance to try again after a failure

    def goal(self, home: SimHome, rng: random.Random) -> SimGoal:
        devices = [d for d in home.devices.values() if not d.safety_critical]
        r = rng.random()
        if r < 0.12:
            speaker = next(d.entity_id for d in home.devices.values() if d.domain == "media_player")
            return SimGoal("play", speaker, rng.choice(ARTISTS[:6]))
        if r < 0.2:
            lights = [d.entity_id for d in devices if d.domain == "light"]
            return SimGoal("set", rng.choice(lights), str(rng.choice((20, 30, 40, 50, 60, 70, 80))))
        if r < 0.21:
            return SimGoal(rng.choice(("unlock", "open")), rng.choice(("lock.front_door", "cover.garage")))
        switchable = [d for d in devices if d.domain in {"light", "fan", "media_player"}]
        weights = [3.0 if d.entity_id in self.calls else 1.0 for d in switchable]
        dev = rng.choices(switchable, weights)[0]
        return SimGoal("off" if home.states.get(dev.entity_id) == "on" else "on", dev.entity_id)

    def say(self, goal: SimGoal, home: SimHome, attempt: int, rng: random.Random) -> str:
        """The words for ``goal`` on try ``attempt`` (0 = first): habits first, then careful phrasings."""
        dev = home.devices[goal.entity_id]
        if goal.action in {"unlock", "open"}:
            return f"{goal.action} the {dev.name}"
        name = self.calls.get(goal.entity_id, dev.name) if attempt == 0 else dev.name
        if attempt == 1 and rng.random() < 0.5:
            name = self.calls.get(goal.entity_id, dev.name)  # same words again, said more slowly
        habit = self.habits.get(goal.action)
        if attempt == 0 and habit:
            template = habit
        elif attempt == 0:
            template = rng.choice(_GOOD[goal.action])
        elif attempt == 1 and rng.random() < 0.35:
            template = habit or _GOOD[goal.action][0]  # a plain retry
        else:
            template = rng.choice(_GOOD[goal.action][:2])
        return template.format(x=name, n=goal.value, m=goal.value)


def make_user(user_id: str, home: SimHome, rng: random.Random) -> SimUser:
    vocabulary = [d.name for d in home.devices.values()] + list(ARTISTS[:6]) + ["light", "lights"]
    asr = SpeakerASR.sample(rng, vocabulary, n=rng.choice((1, 2, 2, 3)))
    habits: dict[str, str] = {}
    for action, good in _GOOD.items():
        r = rng.random()
        if r < 0.25:
            habits[action] = rng.choice(_ODD[action])
        elif r < 0.7:
            habits[action] = rng.choice(good)
    calls = {eid: nick for nick, eid in home.nicknames.items()}
    return SimUser(user_id, asr, habits, calls, patience=rng.uniform(0.6, 0.9))
