"""Short reply text for every outcome of a turn. Pure: intent, snapshot and preferences in, text out."""

from __future__ import annotations

from collections.abc import Sequence

from edge.actions.gate import CommandKey
from edge.actions.safety import describe_commands, refusal_text
from edge.context.model import ContextSnapshot, Device
from edge.dialog.profile import Preferences
from edge.nlu.types import Intent

__all__ = [
    "CHECK_QUESTION",
    "NOTHING_ASKED",
    "NOT_UNDERSTOOD",
    "OUTSIDE_GRAMMAR",
    "TEACH_REFUSED",
    "confirm_again",
    "confirm_question",
    "describe_state",
    "done_text",
    "error_text",
    "names_of",
    "no_device_text",
    "refused_text",
    "teach_offer",
    "temperature_text",
    "verb_for",
    "which_question",
]

NOT_UNDERSTOOD = "Sorry, I didn't understand that."
# a grammar-only satellite (asr.engine = "grammar") heard speech that is none of the home's commands
OUTSIDE_GRAMMAR = "Sorry, this satellite only knows commands for the home."
CHECK_QUESTION = "Did I get that right?"
# "Did you mean: ...?" (edge.turns.did_you_mean): a no to it, and a yes when the request no longer works
OFFER_REFUSED = "OK. Sorry, I didn't understand that."
OFFER_GONE = "Sorry, I can't do that now."
NOTHING_ASKED = "There's nothing waiting for an answer."
TEACH_REFUSED = (
    "locks, garage doors and alarms (and undo, which can reach them) are never taught: "
    "ask for those yourself each time"
)

_VERBS = {
    ("HassTurnOn", "lock"): "lock",
    ("HassTurnOff", "lock"): "unlock",
    ("HassTurnOn", "cover"): "open",
    ("HassTurnOff", "cover"): "close",
    ("HassTurnOn", "alarm_control_panel"): "arm",
    ("HassTurnOff", "alarm_control_panel"): "disarm",
    ("HassTurnOn", "vacuum"): "start",
    ("HassTurnOff", "vacuum"): "stop",
    ("HassVacuumStart", ""): "start",
    ("HassMediaPause", ""): "pause",
    ("HassMediaUnpause", ""): "resume",
    ("HassTurnOn", ""): "turn on",
    ("HassTurnOff", ""): "turn off",
    ("HassMediaNext", ""): "skip the track on",
    ("HassMediaPrevious", ""): "go back a track on",
    ("HassMediaPlayerMute", ""): "mute",
    ("HassMediaPlayerUnmute", ""): "unmute",
    ("HassMediaSearchAndPlay", ""): "play something on",
    ("HassVacuumReturnToBase", ""): "send home",
    ("LightBrighter", ""): "brighten",
    ("LightDimmer", ""): "dim",
    ("HassSetVolumeRelative", ""): "change the volume of",
    ("ClimateWarmer", ""): "warm up",
    ("ClimateCooler", ""): "cool down",
    ("HassLightSet", ""): "change",
    ("HassSetPosition", ""): "move",
    ("HassSetVolume", ""): "set the volume of",
    ("HassClimateSetTemperature", ""): "set",
    ("CoffeeBrew", ""): "start",
}


def _name(device: Device | None, fallback: str) -> str:
    return f"the {device.name.lower()}" if device else f"the {fallback}"


def names_of(entity_ids: Sequence[str], snapshot: ContextSnapshot) -> str:
    """ "the fan", "the kitchen light and the oven": the devices as a reply names them."""
    return _names(entity_ids, snapshot)


def _names(entity_ids: Sequence[str], snapshot: ContextSnapshot) -> str:
    names = [_name(snapshot.devices.get(e), e.split(".", 1)[-1].replace("_", " ")) for e in entity_ids]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def verb_for(intent: Intent, snapshot: ContextSnapshot) -> str:
    domain = ""
    if intent.targets and (dev := snapshot.devices.get(intent.targets[0])):
        domain = dev.domain
    return _VERBS.get((intent.name, domain)) or _VERBS.get((intent.name, ""), "do that to")


def confirm_question(commands: Sequence[CommandKey], snapshot: ContextSnapshot) -> str:
    """ "Do you want me to unlock the front door and open the garage door?": every device it will touch."""
    return f"Do you want me to {describe_commands(commands, snapshot.devices)}?"


def confirm_again(commands: Sequence[CommandKey], snapshot: ContextSnapshot) -> str:
    """The home changed between the question and the yes, so the commands would differ: ask again."""
    return f"Things changed since I asked. {confirm_question(commands, snapshot)}"


def refused_text(commands: Sequence[CommandKey], snapshot: ContextSnapshot, hijack: bool) -> str:
    """ "I only unlock the front door when you ask me yourself." """
    return refusal_text(commands, snapshot.devices, hijack)


def done_text(intent: Intent, snapshot: ContextSnapshot) -> str:
    if not intent.targets:
        return "Done."
    verb = verb_for(intent, snapshot)
    if verb == "do that to":
        return "Done."
    past = {"turn on": "Turned on", "turn off": "Turned off", "stop": "Stopped", "arm": "Armed"}
    word = past.get(verb, verb.capitalize() + ("d" if verb.endswith("e") else "ed"))
    return f"{word} {_names(intent.targets, snapshot)}."


def temperature_text(value: float, unit: str, prefs: Preferences) -> str:
    """Convert to the user's unit; whole degrees are said without decimals."""
    celsius_unit = unit in {"°C", "C", "celsius", ""}
    if prefs.fahrenheit and celsius_unit:
        value, label = value * 9 / 5 + 32, " degrees Fahrenheit"
    elif not prefs.fahrenheit and unit in {"°F", "F", "fahrenheit"}:
        value, label = (value - 32) * 5 / 9, " degrees"
    else:
        label = " degrees Fahrenheit" if unit in {"°F", "F"} else " degrees"
    shown = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    return shown + label


def describe_state(entity_id: str, snapshot: ContextSnapshot, prefs: Preferences) -> str:
    """ "The oven is at 180 degrees.", "The kitchen light is on." """
    device = snapshot.devices.get(entity_id)
    name = _name(device, entity_id.split(".", 1)[-1].replace("_", " "))
    state = snapshot.states.get(entity_id)
    if state is None:
        return f"I don't know the state of {name}."
    temp = state.attributes.get("current_temperature", state.attributes.get("temperature"))
    if temp is None:
        try:
            temp = float(state.state)
        except ValueError:
            temp = None
    if temp is not None:
        unit = device.unit if device else ""
        return f"{name.capitalize()} is at {temperature_text(float(temp), unit, prefs)}."
    return f"{name.capitalize()} is {state.state.replace('_', ' ')}."


def error_text(entity_ids: Sequence[str], snapshot: ContextSnapshot, error: str = "") -> str:
    if error == "broker-unavailable":
        return "I can't reach the home hub right now. Please try again in a moment."
    if not entity_ids:
        return "Sorry, something went wrong."
    names = _names(entity_ids, snapshot)
    if error in {"not-supported"}:
        return f"{names.capitalize()} can't do that."
    if error == "needs-confirmation":
        return f"I need you to confirm that first, so I left {names} alone."
    if error == "safety-refused":
        return f"I won't do that to {names} unless you ask me yourself."
    unavailable = [e for e in entity_ids if snapshot.state_of(e) == "unavailable"]
    if unavailable:  # its availability topic says it is offline (HA's "unavailable")
        verb = "is" if len(unavailable) == 1 else "are"
        return f"{_names(unavailable, snapshot).capitalize()} {verb} unavailable right now."
    return f"I couldn't reach {names}."


WHICH_NAMED_AT_MOST = 4


def which_question(candidates: Sequence[str], snapshot: ContextSnapshot) -> str:
    """ "Which one: the front door lock or the back door lock?" (more than four: "Which one? I know 5 of
    them.")."""
    if len(candidates) > WHICH_NAMED_AT_MOST:
        return f"Which one? I know {len(candidates)} of them."
    names = [_name(snapshot.devices.get(e), e.split(".", 1)[-1].replace("_", " ")) for e in candidates]
    return f"Which one: {', '.join(names[:-1])} or {names[-1]}?"


def no_device_text(name: str) -> str:
    return f"I don't know a device called {name}."


def teach_offer(phrase: str) -> str:
    return f"I don't know what {phrase} is. Want to teach me?"


def domain_text(intent: Intent) -> str:
    """The reply to a custom-domain request: what was understood (the domain's automations act on it)."""
    details = ", ".join(f"{_spaced(k)} {v}" for k, v in intent.slots.items())
    return f"OK, {_spaced(intent.name)}" + (f": {details}." if details else ".")


def _spaced(name: str) -> str:
    """``orderDrink`` / ``coffee_drink`` -> "order drink" / "coffee drink"."""
    out = "".join(" " + ch.lower() if ch.isupper() else ch for ch in name).replace("_", " ")
    return " ".join(out.split())


def did_you_mean(request: str) -> str:
    """The question for a request not understood, near in sound to one of the household's own."""
    return f"Did you mean: {request}?"
