""" "What's playing?": the media a player here plays, asked as a question the model reads as out of its
domain ("what's playing in the kitchen", "what song is this", "what's on the bedroom speaker"). A
``HassGetState`` of the players asked about, its ``attribute`` slot ``media`` (the answer names the title
and artist when the player reports them: :mod:`edge.actions.attribute_answers`): the player named, else the
players of the room said, else those of the satellite's room that are playing or paused, else the one
player of the home that is; "what song is this" only of a player that reports a title (else it asks to
recognize a song, which the home cannot). Never acts. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from edge.context.model import ContextSnapshot, Device
from edge.lang import model_tokens, name_key
from edge.nlu.types import Intent

__all__ = ["now_playing"]

_ASKED = (
    ("whats", "playing"),
    ("what", "is", "playing"),
    ("what", "song", "is"),
    ("what", "song", "is", "this"),
    ("whats", "this", "song"),
    ("what", "is", "this", "song"),
    ("whats", "on", "the"),
)
_BUSY = frozenset({"playing", "paused"})
_TAIL = frozenset({"in", "on", "the", "my", "now", "right", "please", "here", "this", "room"})
"""Words around a room or player ("in the kitchen right now"); anything else is asked of something else."""


def now_playing(text: str, snapshot: ContextSnapshot) -> Intent | None:
    """The "what's playing" question ``text`` asks, on its players; None when it asks none or none is here."""
    tokens = model_tokens(text)
    asked = next((p for p in _ASKED if tuple(tokens[: len(p)]) == p), None)
    if asked is None:
        return None
    players = [d for d in snapshot.devices.values() if d.domain == "media_player"]
    said = f" {' '.join(tokens)} "
    named = [d for d in players if any(f" {k} " in said for k in _keys(d))]
    rest = [w for w in tokens[len(asked) :] if w not in _TAIL]
    places = {k for d in players for k in _keys(d)} | {" ".join(model_tokens(a)) for a in snapshot.areas}
    if rest and " ".join(rest) not in places:
        return None  # "what's on the calendar", "what's playing on netflix": not a player of this home
    targets = named or _here(players, tokens, snapshot)
    if not targets:
        return None
    if "song" in asked and not any(_title(snapshot, d) for d in targets):
        return None  # "what song is this" with no title reported: a song to recognize, not a state to read
    slots = {"domain": "media_player", "attribute": "media"}
    ids = tuple(sorted(d.entity_id for d in targets))
    return Intent("HassGetState", slots, 1.0, text, ids, source="text")


def _title(snapshot: ContextSnapshot, device: Device) -> bool:
    state = snapshot.states.get(device.entity_id)
    return state is not None and bool(str(state.attributes.get("media_title") or "").strip())


def _keys(device: Device) -> list[str]:
    return [k for k in (" ".join(model_tokens(n)) for n in (device.name, *device.aliases)) if k]


def _here(players: Sequence[Device], tokens: Sequence[str], snapshot: ContextSnapshot) -> list[Device]:
    said = f" {' '.join(tokens)} "
    rooms = [a for a in snapshot.areas if f" {' '.join(model_tokens(a))} " in said]
    if rooms:
        keys = {name_key(a) for a in rooms}
        return [d for d in players if name_key(d.area) in keys]

    def busy(d: Device) -> bool:
        state = snapshot.states.get(d.entity_id)
        return state is not None and state.state in _BUSY

    here = [d for d in players if name_key(d.area) == name_key(snapshot.satellite.area) and busy(d)]
    if here:
        return here
    playing = [d for d in players if busy(d)]
    return playing if len(playing) == 1 else []
