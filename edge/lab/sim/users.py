"""Simulated users: goals, habitual phrasings, nicknames the registry lacks, a consistent ASR voice, and
what they do after a failure: say it again, rephrase (another phrasing, the name the app shows, a leading
"no"), put a wrongly moved device back by hand, barge in on a wrong answer, decline or accept an offer to
teach, or give up. The phrasings are everyday English, not the NLU's training templates."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from edge.lab.sim.asr_errors import Ears, SpeakerASR
from edge.lab.sim.goals import SimGoal
from edge.lab.sim.household_home import ARTISTS, SimHome
from edge.nlu.catalogue import is_safety_critical

__all__ = ["PHRASINGS", "VOICES", "SimGoal", "SimUser", "make_user"]

PHRASINGS: dict[str, tuple[str, ...]] = {
    "on": ("turn on the {x}", "switch on the {x}", "turn the {x} on", "{x} on", "can you turn on the {x}",
           "put the {x} on", "light up the {x}", "power up the {x}"),
    "off": ("turn off the {x}", "switch off the {x}", "turn the {x} off", "{x} off", "kill the {x}",
            "shut off the {x}", "can you turn off the {x}", "cut the {x}"),
    "set": ("set the {x} to {n} percent", "set {x} to {n}", "dim the {x} to {n} percent",
            "{x} to {n} percent", "make the {x} {n} percent", "set the {x} brightness to {n}"),
    "play": ("play {m}", "play some {m}", "put on {m}", "play {m} on the {x}", "i want to hear {m}",
             "play music by {m}"),
    "open": ("open the {x}", "raise the {x}", "open {x}"),
    "close": ("close the {x}", "lower the {x}", "shut the {x}"),
}  # fmt: skip
_CAREFUL = {
    "on": "turn on the {x}",
    "off": "turn off the {x}",
    "set": "set the {x} to {n} percent",
    "play": "play {m} on the {x}",
    "open": "open the {x}",
    "close": "close the {x}",
}
# espeak-ng voices and speeds for the sessions that go through synthesized audio
VOICES = ("en-us", "en-gb", "en-us+f3", "en-gb-scotland", "en-029", "en-us+m3", "en-gb-x-rp", "en-us-nyc")


@dataclass(slots=True)
class SimUser:
    user_id: str
    asr: Ears
    habits: dict[str, str] = field(default_factory=dict)  # action -> habitual phrasing
    calls: dict[str, str] = field(default_factory=dict)  # entity_id -> what this user calls it
    patience: float = 0.8  # chance to try again after a failure
    barge: float = 0.2  # chance to talk over a wrong answer
    teach: float = 0.3  # chance to accept an offer to teach an unknown name
    sloppy: float = 0.0  # chance to say yes to "Did you mean ...?" offering something else than meant
    voice: str = "en-us"
    speed: int = 160

    def goal(self, home: SimHome, rng: random.Random) -> SimGoal:
        devices = [d for d in home.devices.values() if not is_safety_critical(d)]
        r = rng.random()
        if r < 0.12:
            speaker = next(d.entity_id for d in devices if d.domain == "media_player")
            return SimGoal("play", speaker, rng.choice(ARTISTS))
        if r < 0.2:
            lights = [d.entity_id for d in devices if d.domain == "light"]
            return SimGoal("set", rng.choice(lights), str(rng.choice((20, 30, 40, 50, 60, 70, 80))))
        if r < 0.21:
            target = rng.choice(("lock.front_door", "cover.garage"))
            return SimGoal("unlock" if target.startswith("lock.") else "open", target)
        blinds = [d.entity_id for d in devices if d.domain == "cover"]
        if blinds and r < 0.27:
            dev_id = rng.choice(blinds)
            return SimGoal("close" if home.states.get(dev_id) == "open" else "open", dev_id)
        switchable = [d for d in devices if d.domain in {"light", "fan"}]
        weights = [3.0 if d.entity_id in self.calls else 1.0 for d in switchable]
        dev = rng.choices(switchable, weights)[0]
        return SimGoal("off" if home.states.get(dev.entity_id) == "on" else "on", dev.entity_id)

    def say(self, goal: SimGoal, home: SimHome, attempt: int, rng: random.Random) -> str:
        """The words for ``goal`` on try ``attempt`` (0 = first): habits first, then more careful words
        with the name the app shows."""
        dev = home.devices[goal.entity_id]
        if goal.action == "unlock":
            return f"unlock the {dev.name}"
        if goal.action == "open" and is_safety_critical(dev):
            return f"open the {dev.name}"
        own = self.calls.get(goal.entity_id, dev.name)
        name = own if attempt == 0 or (attempt == 1 and rng.random() < 0.5) else dev.name
        habit = self.habits.get(goal.action)
        if attempt == 0:
            template = habit or rng.choice(PHRASINGS[goal.action])
        elif attempt == 1 and rng.random() < 0.35:
            template = habit or PHRASINGS[goal.action][0]  # the same again, a little slower
        elif rng.random() < 0.5:
            template = _CAREFUL[goal.action]
        else:
            template = rng.choice(PHRASINGS[goal.action][:3])
        return template.format(x=name, n=goal.value, m=goal.value)


def make_user(user_id: str, home: SimHome, rng: random.Random) -> SimUser:
    vocabulary = [d.name for d in home.devices.values()] + list(ARTISTS) + ["light", "lights"]
    asr = SpeakerASR.sample(rng, vocabulary, n=rng.choice((1, 2, 2, 3)))
    habits: dict[str, str] = {}
    for action, phrasings in PHRASINGS.items():
        if rng.random() < 0.7:
            habits[action] = rng.choice(phrasings)
    calls = {eid: nick for nick, eid in home.nicknames.items()}
    return SimUser(
        user_id,
        asr,
        habits,
        calls,
        patience=rng.uniform(0.6, 0.9),
        barge=rng.uniform(0.0, 0.4),
        teach=rng.uniform(0.1, 0.5),
        voice=rng.choice(VOICES),
        speed=rng.randrange(140, 181, 10),
    )
