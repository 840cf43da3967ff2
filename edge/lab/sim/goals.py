"""What a simulated user wants and how to tell, from device states alone, whether they got it.

A goal is met when the goal device reports the goal state (and brightness, or the right music) and no
other device changed on the way; music is met by any speaker playing the asked-for artist. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from edge.actions.effects import apply_action
from edge.context.model import Device, DeviceState
from edge.lang import fold

__all__ = ["SimGoal", "changed", "goal_met", "moved", "predicted_states"]

_STATE = {"on": "on", "off": "off", "open": "open", "close": "closed", "unlock": "unlocked"}
_INTENT = {
    "on": "HassTurnOn",
    "off": "HassTurnOff",
    "set": "HassLightSet",
    "play": "HassMediaSearchAndPlay",
    "unlock": "HassUnlock",
    "open": "HassOpenCover",
    "close": "HassCloseCover",
}


@dataclass(frozen=True, slots=True)
class SimGoal:
    action: str  # on | off | set | play | open | close | unlock
    entity_id: str  # the device (for play: the speaker the user has in mind; any speaker will do)
    value: str = ""  # brightness percent or artist

    @property
    def intent(self) -> str:
        """The intended intent, named as Home Assistant would (the truth label, not the NLU's catalogue)."""
        return _INTENT[self.action]

    def reached(self, device: Device, state: DeviceState) -> bool:
        if self.action == "play":
            title = fold(str(state.attributes.get("media_title", "")))
            return device.domain == "media_player" and state.state == "playing" and title == self.value
        if self.action == "set":
            want = round(float(self.value) * 255 / 100)
            got = state.attributes.get("brightness")
            return state.state == "on" and isinstance(got, int | float) and abs(float(got) - want) <= 6
        return state.state == _STATE[self.action]


def changed(a: DeviceState | None, b: DeviceState | None) -> bool:
    """State or attributes differ (the report time does not count)."""
    if a is None or b is None:
        return a is not b
    return a.state != b.state or dict(a.attributes) != dict(b.attributes)


def moved(before: Mapping[str, DeviceState], after: Mapping[str, DeviceState]) -> list[str]:
    return [e for e in after if changed(before.get(e), after[e])]


def goal_met(
    goal: SimGoal,
    devices: Mapping[str, Device],
    before: Mapping[str, DeviceState],
    after: Mapping[str, DeviceState],
) -> bool:
    """The goal holds in ``after`` and nothing else moved between ``before`` and ``after``."""
    if goal.action == "play":
        hits = [
            e
            for e, d in devices.items()
            if e in after and changed(before.get(e), after[e]) and goal.reached(d, after[e])
        ]
        if not hits:
            return False
        allowed = set(hits)
    else:
        state = after.get(goal.entity_id)
        if state is None or not goal.reached(devices[goal.entity_id], state):
            return False
        allowed = {goal.entity_id}
    return not any(changed(before.get(e), after.get(e)) for e in devices if e not in allowed)


def predicted_states(
    commands: Iterable[tuple[str, str, object]],
    devices: Mapping[str, Device],
    before: Mapping[str, DeviceState],
) -> dict[str, DeviceState]:
    """The states after ``(entity_id, action, value)`` commands, as the devices' own model computes them."""
    after = dict(before)
    for entity_id, action, value in commands:
        device = devices.get(entity_id)
        if device is not None:
            after[entity_id] = apply_action(
                device, after.get(entity_id, DeviceState("unknown")), action, value
            )
    return after
