"""Evaluation homes that arrive the way real ones do: a capture of what a broker holds (Zigbee2MQTT's
``bridge/devices``, Home Assistant MQTT discovery configs, retained states), read through the runtime's own
discovery code (:class:`edge.context.store.ContextStore`), never a hand-written registry.

A capture (``tests/data/context_home_*.json``) is one JSON object:

- ``name``; ``areas``: the home's areas in order (rooms a device names arrive anyway);
- ``z2m_devices``: ``bridge/devices`` entries as ``{"friendly_name", "ieee_address", "model"}``; the
  ``definition`` of each model (its whole ``exposes`` tree) is taken from the Zigbee2MQTT conformance
  corpus (``tests/conformance/z2m/devices.json``, where each definition cites its source), so the list
  published is what Zigbee2MQTT publishes for those devices;
- ``messages``: ``{"topic", "payload", "source"}`` in the order a broker hands retained messages out
  (discovery configs, then states); a JSON payload is given as JSON, anything else as a string.

Every row may carry ``source``: where its shape comes from (read by people, ignored here).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from edge.config import Settings, project_root
from edge.context.homes import Home
from edge.context.mqtt import Message
from edge.context.store import ContextStore
from edge.errors import ConfigError

__all__ = ["Z2M_CORPUS", "capture_messages", "load_capture"]

Z2M_CORPUS = project_root() / "tests" / "conformance" / "z2m" / "devices.json"


def _definitions() -> dict[str, dict[str, Any]]:
    rows = json.loads(Z2M_CORPUS.read_text("utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        definition = row["entry"].get("definition")
        if isinstance(definition, dict) and definition.get("model"):
            out.setdefault(str(definition["model"]), definition)
    return out


def _payload(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


def capture_messages(raw: dict[str, Any], z2m_prefix: str = "zigbee2mqtt") -> list[Message]:
    """The messages a broker holding this capture would hand out, in order (``bridge/devices`` first)."""
    out: list[Message] = []
    listed = raw.get("z2m_devices") or []
    if listed:
        known = _definitions()
        entries = []
        for item in listed:
            model = str(item["model"])
            if model not in known:
                raise ConfigError(f"capture device {item.get('friendly_name')!r}: no definition of {model!r}",
                                  hint=f"use a model of {Z2M_CORPUS}")  # fmt: skip
            entries.append({"friendly_name": item["friendly_name"], "ieee_address": item["ieee_address"],
                            "type": item.get("type", "Router"), "supported": True,
                            "definition": known[model]})  # fmt: skip
        out.append(Message(f"{z2m_prefix}/bridge/devices", json.dumps(entries).encode(), retain=True))
    for message in raw.get("messages") or []:
        out.append(Message(str(message["topic"]), _payload(message["payload"]), retain=True))
    return out


def load_capture(path: Path, settings: Settings | None = None) -> Home:
    """The home a capture describes, as the runtime's context store sees it once every message is in.
    Every message must be accepted: one the runtime refuses is a :class:`ConfigError` naming it."""
    raw = json.loads(path.read_text("utf-8"))
    settings = settings or Settings()
    store = ContextStore(settings, None, clock=lambda: 0.0)  # every state reported long before a case
    for message in capture_messages(raw, settings.mqtt.z2m_prefix):
        before = store.rejected
        store.handle(message)
        if store.rejected != before:
            raise ConfigError(f"{path.name}: the runtime refused the message on {message.topic}",
                              hint="its log line above says why")  # fmt: skip
    snap = store.snapshot()
    areas = tuple(dict.fromkeys([*(str(a).lower() for a in raw.get("areas") or ()), *snap.areas]))
    return Home(str(raw.get("name", path.stem)), snap.devices, snap.states, areas)
