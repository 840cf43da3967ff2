"""Context features: the state of the home that changes what a sentence means, as the model's second input.

The model reads these numbers next to the words (it is trained on sentences whose meaning depends on
them), so "what's the temperature" can mean the oven while the oven is on. Nothing after the model switches
intents on context; the parser only uses the snapshot again to pick targets.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from edge.context.kinds import Kind, kind_of
from edge.context.model import ContextSnapshot, Device

__all__ = ["CONTEXT_FEATURES", "context_facts", "context_vector", "facts_vector"]

CONTEXT_FEATURES: tuple[str, ...] = (
    "oven_present",
    "oven_on",
    "media_playing",
    "media_playing_audio",
    "media_playing_video",
    "media_paused",
    "tv_on",
    "satellite_screen",
    "area_lights_present",
    "area_lights_on",
    "any_light_on",
    "thermostat_present",
    "climate_on",
    "vacuum_present",
    "vacuum_running",
    "cover_present",
    "coffee_maker_present",
    "fan_on",
    "switch_on",
    "area_known",
    "time_night",
    "time_morning",
    "time_afternoon",
    "time_evening",
)

_VIDEO_TYPES = {"movie", "tvshow", "tv_show", "video", "episode", "channel"}


def _is_oven(d: Device) -> bool:
    return kind_of(d) is Kind.OVEN  # an oven domain, a climate of class oven, or ``switch.oven``


def _is_light(d: Device) -> bool:
    return kind_of(d) is Kind.LIGHT and d.domain not in {"sensor", "binary_sensor"}


def _has_screen(d: Device) -> bool:
    return d.domain == "media_player" and kind_of(d) is Kind.TV


def context_facts(snapshot: ContextSnapshot) -> dict[str, float]:
    """The named context features of one snapshot (1.0 true, 0.0 false)."""
    devices = list(snapshot.devices.values())
    area = snapshot.satellite.area.strip().lower()
    lights = [d for d in devices if _is_light(d)]  # a relay called "hallway lights" too
    area_lights = [d for d in lights if area and d.area.lower() == area]
    media = snapshot.media
    playing = [m for m in media if m.state == "playing"]
    facts: dict[str, bool] = {
        "oven_present": any(_is_oven(d) for d in devices),
        "oven_on": any(_is_oven(d) and snapshot.is_on(d.entity_id) for d in devices),
        "media_playing": bool(playing),
        "media_playing_audio": any(m.media_type not in _VIDEO_TYPES for m in playing),
        "media_playing_video": any(
            m.media_type in _VIDEO_TYPES
            or (m.entity_id in snapshot.devices and _has_screen(snapshot.devices[m.entity_id]))
            for m in playing
        ),
        "media_paused": any(m.state == "paused" for m in media),
        "tv_on": any(
            kind_of(d) is Kind.TV  # a media player with a screen, or a plug called "TV"
            and snapshot.state_of(d.entity_id) not in {"off", "unknown", "unavailable", "standby"}
            for d in devices
        ),
        "satellite_screen": snapshot.satellite.has_screen,
        "area_lights_present": bool(area_lights),
        "area_lights_on": any(snapshot.is_on(d.entity_id) for d in area_lights),
        "any_light_on": any(snapshot.is_on(d.entity_id) for d in lights),
        "thermostat_present": any(d.domain == "climate" and not _is_oven(d) for d in devices),
        "climate_on": any(
            d.domain == "climate"
            and not _is_oven(d)
            and snapshot.state_of(d.entity_id) in {"heat", "cool", "auto"}
            for d in devices
        ),
        "vacuum_present": any(d.domain == "vacuum" for d in devices),
        "vacuum_running": any(d.domain == "vacuum" and snapshot.is_on(d.entity_id) for d in devices),
        "cover_present": any(d.domain == "cover" for d in devices),
        "coffee_maker_present": any(kind_of(d) is Kind.COFFEE_MAKER for d in devices),
        "fan_on": any(kind_of(d) is Kind.FAN and snapshot.is_on(d.entity_id) for d in devices),
        "switch_on": any(d.domain == "switch" and snapshot.is_on(d.entity_id) for d in devices),
        "area_known": bool(area),
    }
    hour = snapshot.time.hour
    bucket = "night" if hour < 5 else "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
    out = {name: 1.0 if value else 0.0 for name, value in facts.items()}
    for b in ("night", "morning", "afternoon", "evening"):
        out[f"time_{b}"] = 1.0 if b == bucket else 0.0
    return out


def facts_vector(facts: Mapping[str, float]) -> npt.NDArray[np.float32]:
    """The model input vector for named facts (missing names are 0)."""
    return np.asarray([float(facts.get(name, 0.0)) for name in CONTEXT_FEATURES], dtype=np.float32)


def context_vector(snapshot: ContextSnapshot) -> npt.NDArray[np.float32]:
    return facts_vector(context_facts(snapshot))
