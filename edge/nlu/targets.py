"""Targets for a parsed intent: named/area/floor entities via :mod:`edge.nlu.resolve`, and context-aware
defaults when the request names nothing ("pause" -> what is playing, "turn on the light" -> lights in the
satellite's area, oven intents -> the oven).

The intent itself is never changed here; only which devices it applies to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from edge.context.model import Capability, ContextSnapshot, Device
from edge.nlu.resolve import resolve

__all__ = ["choose_targets"]

_MEDIA_PLAYING = {
    "HassMediaPause",
    "HassMediaNext",
    "HassMediaPrevious",
    "VolumeUp",
    "VolumeDown",
    "HassSetVolume",
    "HassMediaPlayerMute",
    "HassMediaPlayerUnmute",
}
_INTENT_DOMAIN = {
    "HassLightSet": "light",
    "LightBrighter": "light",
    "LightDimmer": "light",
    "HassClimateGetTemperature": "climate",
    "HassClimateSetTemperature": "climate",
    "ClimateWarmer": "climate",
    "ClimateCooler": "climate",
    "OvenGetTemperature": "oven",
    "OvenSetTemperature": "oven",
    "HassVacuumStart": "vacuum",
    "HassVacuumReturnToBase": "vacuum",
    "CoffeeBrew": "coffee_maker",
    "HassSetPosition": "cover",
    "HassMediaUnpause": "media_player",
    "HassMediaSearchAndPlay": "media_player",
    **dict.fromkeys(_MEDIA_PLAYING, "media_player"),
}
_NO_TARGET = {
    "HassStartTimer",
    "HassCancelTimer",
    "HassTimerStatus",
    "HassNevermind",
    "HassGetCurrentTime",
    "HassGetCurrentDate",
    "HassGetWeather",
    "HassShoppingListAddItem",
    "UndoLast",
    "TeachMacro",
    "TeachPreference",
    "ForgetTaught",
    "Confirm",
    "Deny",
}


def _in_domain(d: Device, domain: str) -> bool:
    if domain == "oven":
        return d.domain == "oven" or d.device_class == "oven"
    if domain == "climate":
        return d.domain == "climate" and d.device_class != "oven"
    return d.domain == domain


def _has_screen(d: Device) -> bool:
    return Capability.SCREEN in d.capabilities or d.device_class == "tv"


def _ids(devices: Iterable[Device]) -> tuple[str, ...]:
    return tuple(sorted(d.entity_id for d in devices))


def _defaults(intent: str, focus: str, media_class: str, snapshot: ContextSnapshot) -> tuple[str, ...]:
    devices = list(snapshot.devices.values())
    area = snapshot.satellite.area.strip().lower()
    domain = _INTENT_DOMAIN.get(intent, focus)
    if not domain:
        return ()
    pool = [d for d in devices if _in_domain(d, domain)]
    local = [d for d in pool if area and d.area.lower() == area]
    if domain == "media_player":
        if intent in _MEDIA_PLAYING or (intent == "HassTurnOff" and snapshot.media):
            playing = [m.entity_id for m in snapshot.media if m.state == "playing"]
            if playing:
                return tuple(playing[:1])
        if intent == "HassMediaUnpause":
            paused = [m.entity_id for m in snapshot.media if m.state == "paused"]
            if paused:
                return tuple(paused[:1])
        if intent == "HassMediaSearchAndPlay":
            want_screen = media_class in {"movie", "tv_show", "video"}
            for group in (local, pool):
                fitting = [d for d in group if _has_screen(d) == want_screen]
                if fitting:
                    return (sorted(fitting, key=lambda d: d.entity_id)[0].entity_id,)
        group = local or pool
        return (group[0].entity_id,) if len(group) >= 1 else ()
    if local:
        return _ids(local)
    if domain in {"oven", "climate", "vacuum", "coffee_maker"} or len(pool) == 1:
        return _ids(pool)
    return ()


def choose_targets(
    intent: str, slots: Mapping[str, str], focus: str, media_class: str, snapshot: ContextSnapshot
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(entity_ids, scores) for the intent; empty when nothing fits (the planner then asks or says so)."""
    if intent in _NO_TARGET:
        return (), ()
    domain = _INTENT_DOMAIN.get(intent, focus)
    if slots.keys() & {"name", "area", "floor"}:
        res = resolve(
            intent, dict(slots), snapshot, domains=(domain,) if domain and "name" not in slots else ()
        )
        return res.targets, res.scores
    targets = _defaults(intent, focus, media_class, snapshot)
    return targets, tuple(1.0 for _ in targets)
