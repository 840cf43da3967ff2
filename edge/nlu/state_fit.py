"""Readings a device's live state rules out, as Home Assistant's intents do: it resumes only a paused media
player and pauses only a playing one. So "turn on the tv" with the TV off cannot mean "resume the TV", and
when the model is torn between the two (HassTurnOn / HassMediaUnpause at about one half each), the reading
the state rules out gives its weight to the other instead of a question ("turn on or resume the tv?")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from edge.context.model import ContextSnapshot

__all__ = ["NEEDS_STATE", "ruled_out"]

NEEDS_STATE: Mapping[str, frozenset[str]] = {
    "HassMediaUnpause": frozenset({"paused"}),
    "HassMediaPause": frozenset({"playing"}),
}
"""The states a target must be in for the intent to apply (Home Assistant's ``required_states``)."""


def ruled_out(intent: str, targets: Sequence[str], snapshot: ContextSnapshot) -> bool:
    """True when every target's known state rules ``intent`` out; False when a state is unknown."""
    needs = NEEDS_STATE.get(intent)
    if needs is None or not targets:
        return False
    states = [snapshot.states.get(t) for t in targets]
    return all(s is not None and s.state.lower() not in needs for s in states)
