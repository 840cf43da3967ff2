""" "it", "that", "them", "everything": what a request that names no device means here and now.

The model gives the intent and the words; which devices "it" is comes from live state and the satellite's
area (docs/nlu.md "Context"):
- **"it" / "that" / "this"**: the device that just changed (the newest report, within
  :data:`RECENT_MS`, clearly newer than the others) when the request can act on it; else the single device
  the request fits ("switch it off": the one active device; "close it": the one open cover); several ->
  every one of them, and the which-one rule asks (``resolve.choose_one``);
- **"them" / "those" / "these"**: every device that fits ("close them": the open covers);
- **"everything" / "all of it" / "it all"**: every active device of the area that is not safety-critical,
  a thermostat, a fridge or a cover ("shut everything off" leaves the locks, the heating and the freezer).
Only the devices of the area meant (the one named, else the satellite's) are candidates; a request that
names a device ("turn that lamp off", a ``name`` slot) is not a reference and keeps what resolution found.
Verbs of covers ("open", "close", "draw", "shut" without "off") mean the covers among them.
Pure: words, slots and a snapshot in, a :class:`Referent` out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from edge.context.kinds import KIND_WORDS, Kind, is_active, kind_of
from edge.context.model import ContextSnapshot, Device, DeviceState
from edge.lang import model_tokens, name_key
from edge.nlu.catalogue import is_safety_critical

__all__ = [
    "RECENT_MS",
    "REFERENT_INTENTS",
    "Reference",
    "Referent",
    "just_changed",
    "refer",
    "reference",
]

Reference = Literal["one", "set", "all"]

RECENT_MS = 120_000.0
"""How long after a device changed "it" still means that device (ms)."""
_CLEAR_MS = 1_000.0  # a change is "the" change only when no other device changed within this of it

REFERENT_INTENTS = frozenset(
    {"HassTurnOn", "HassTurnOff", "LightDimmer", "LightBrighter", "HassLightSet", "HassSetPosition"}
)
"""Intents whose target a pronoun can stand for (volume, pause and temperature pick theirs by context
defaults: what is playing, the thermostat)."""

_ONE = frozenset({"it", "that", "this"})
_SET = frozenset({"them", "those", "these", "they"})
_LOCK_VERBS = frozenset({"lock", "unlock"})
_COVER_VERBS = frozenset({"open", "close", "draw", "raise", "lower", "shut"})
_OFF = frozenset({"off", "down"})
_PRONOUN_NAMES = _ONE | _SET | {"everything", "all", "one", "thing"}
# what "everything" never includes: the heating, a fridge or freezer, covers (turning a blind "off" closes it)
_NOT_EVERYTHING = frozenset({Kind.THERMOSTAT, Kind.WATER_HEATER, Kind.FRIDGE, Kind.COVER, Kind.VALVE})
_NEVER = frozenset(
    {Kind.LOCK, Kind.ALARM, Kind.GARAGE_DOOR, Kind.GATE, Kind.DOOR, Kind.SENSOR, Kind.TEMPERATURE_SENSOR,
     Kind.BINARY_SENSOR, Kind.PERSON, Kind.SCENE, Kind.OTHER, Kind.VACUUM, Kind.LAWN_MOWER}
)  # fmt: skip
_SAFETY_KINDS = frozenset({Kind.LOCK, Kind.ALARM, Kind.GARAGE_DOOR, Kind.GATE, Kind.DOOR})
_OPENINGS = frozenset({Kind.COVER, Kind.GARAGE_DOOR, Kind.GATE, Kind.DOOR})
_LIGHT_INTENTS = frozenset({"LightDimmer", "LightBrighter", "HassLightSet"})


@dataclass(frozen=True, slots=True)
class Referent:
    """What a reference means: ``targets`` (empty: nothing here fits, said in ``message``)."""

    reference: Reference
    targets: tuple[str, ...]
    message: str = ""


def reference(text: str, slots: Mapping[str, str]) -> Reference | None:
    """The kind of reference a request makes, or None when it names a device (a ``name`` slot, a device
    word: "turn that lamp off") or makes none."""
    words = model_tokens(text)
    if not words:
        return None
    named = name_key(slots.get("name", ""))
    if named and not set(named.split()) <= _PRONOUN_NAMES:
        return None
    if set(words) & KIND_WORDS:
        return None
    said = " ".join(words)
    if "everything" in words or "all of it" in said or "it all" in said or "the lot" in said:
        return "all"
    if set(words) & _SET:
        return "set"
    if set(words) & _ONE:
        return "one"
    return None


def _changed_at(state: DeviceState) -> float:
    """When the device's state took its value (a periodic re-report of the same state is no change)."""
    return state.since_ms or state.t_ms


def just_changed(snapshot: ContextSnapshot, among: Sequence[Device]) -> Device | None:
    """The device among ``among`` whose state changed last (``DeviceState.since_ms``, else the last report
    ``t_ms``), when that was within :data:`RECENT_MS` of the snapshot (``now_ms``, or the newest change
    when the snapshot has no clock) and clearly after every other one of them (not one of a batch, as
    retained states at start-up or a scene)."""
    stamped = sorted(
        (
            (_changed_at(st), d)
            for d in among
            if (st := snapshot.states.get(d.entity_id)) and _changed_at(st) > 0
        ),
        key=lambda item: -item[0],
    )
    if not stamped:
        return None
    newest, device = stamped[0]
    now = snapshot.now_ms or max(_changed_at(st) for st in snapshot.states.values())
    if now - newest > RECENT_MS:
        return None
    if len(stamped) > 1 and newest - stamped[1][0] < _CLEAR_MS:
        return None
    return device


def _actionable(device: Device, intent: str, cover_verb: bool) -> bool:
    """Whether "it" can mean ``device`` for ``intent``: the covers for open / close ("close it" in the
    garage: the garage door, which the safety gate still asks about), lights for dimming, otherwise
    anything that switches (never a lock, an alarm, a sensor or the heating)."""
    kind = kind_of(device)
    if intent == "HassSetPosition" or cover_verb:
        return kind in _OPENINGS
    if kind in _NEVER or is_safety_critical(device):
        return False
    if intent in _LIGHT_INTENTS:
        return kind is Kind.LIGHT
    return kind not in {Kind.COVER, Kind.THERMOSTAT, Kind.WATER_HEATER, Kind.VALVE}


def _critical(device: Device) -> bool:
    """Safety-critical by the catalogue, or by kind: a cover *called* "garage door" with no device class."""
    return is_safety_critical(device) or kind_of(device) in _SAFETY_KINDS


def _turns_off(intent: str, words: Sequence[str]) -> bool:
    if intent in {"HassTurnOff", "LightDimmer"}:
        return True
    return intent == "HassSetPosition" and bool({"close", "lower", "shut"} & set(words))


def refer(
    intent: str,
    slots: Mapping[str, str],
    text: str,
    snapshot: ContextSnapshot,
    areas: Sequence[str] = (),
) -> Referent | None:
    """The devices a reference in ``text`` means for ``intent`` (None: no reference, or an intent a pronoun
    does not pick the target of). ``areas`` are the areas the request named; else the satellite's."""
    if intent not in REFERENT_INTENTS:
        return None
    kind = reference(text, slots)
    if kind is None:
        return None
    words = model_tokens(text)
    here = tuple(name_key(a) for a in areas) or (name_key(snapshot.satellite.area),)
    if not any(here):
        return None  # no area known nor named: "here" means nothing; the usual defaults stand
    local = [d for d in snapshot.devices.values() if name_key(d.area) in here and name_key(d.area)]
    if lock_verb := next((w for w in words if w in _LOCK_VERBS), ""):
        return _locks(kind, lock_verb, local, snapshot) if intent in {"HassTurnOn", "HassTurnOff"} else None
    cover_verb = bool(_COVER_VERBS & set(words)) and not ("shut" in words and _OFF & set(words))
    if kind == "all" and intent != "HassTurnOff" and not cover_verb:
        return None  # "turn everything on": the area's lights, as before
    fitting = [d for d in local if _actionable(d, intent, cover_verb)]
    off = _turns_off(intent, words)
    if kind == "all":
        # every harmless device here that the request changes: on ("shut everything off"), or open / closed
        # ("close everything": the blinds, never the garage door)
        moving = [d for d in fitting if is_active(snapshot, d.entity_id) == off and not _critical(d)]
        chosen = [d for d in moving if cover_verb or kind_of(d) not in _NOT_EVERYTHING]
        verb = ("close" if off else "open") if cover_verb else "turn off"
        return Referent(kind, _ids(chosen), "" if chosen else f"There is nothing here to {verb}.")
    if intent in {"LightBrighter", "HassLightSet"}:
        lit = [d for d in fitting if is_active(snapshot, d.entity_id)]
        candidates = lit or fitting
    else:
        candidates = [d for d in fitting if is_active(snapshot, d.entity_id) == off]
    if kind == "one":
        recent = just_changed(
            snapshot, [d for d in snapshot.devices.values() if _actionable(d, intent, cover_verb)]
        )
        if recent is not None and (
            recent in candidates or (not candidates and _fits_state(recent, snapshot, off, intent))
        ):
            return Referent(kind, (recent.entity_id,))
    if not candidates:
        what = "close" if cover_verb and off else "open" if cover_verb else "turn off" if off else "turn on"
        return Referent(kind, (), f"There is nothing here to {what}.")
    return Referent(kind, _ids(candidates))


def _locks(kind: Reference, verb: str, local: Sequence[Device], snapshot: ContextSnapshot) -> Referent:
    """ "lock it", "unlock them": the locks here that the verb would change (never another device; the
    safety gate still asks before any of them moves)."""
    want = "unlocked" if verb == "lock" else "locked"
    locks = [d for d in local if kind_of(d) is Kind.LOCK]
    fitting = [d for d in locks if snapshot.state_of(d.entity_id).lower() == want] or locks
    return Referent(kind, _ids(fitting), "" if fitting else f"There is no lock here to {verb}.")


def _fits_state(device: Device, snapshot: ContextSnapshot, off: bool, intent: str) -> bool:
    if intent in {"LightBrighter", "HassLightSet"}:
        return True
    return is_active(snapshot, device.entity_id) == off


def _ids(devices: Sequence[Device]) -> tuple[str, ...]:
    return tuple(sorted(d.entity_id for d in devices))
