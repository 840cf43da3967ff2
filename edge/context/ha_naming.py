"""Home Assistant's naming rules for discovered entities.

The friendly name is the device name and the entity name together (``has_entity_name``): ``"name":
"Temperature"`` on device "Weather Station" is "Weather Station Temperature"; ``"name": null`` means the
device's own name (its main entity); a name that already starts with the device name is not doubled.
The entity_id's object part is ``default_entity_id`` (HA 2025.10+), else ``object_id``, else the slug of
the composed name (so two devices' "Temperature" sensors never both become ``sensor.temperature``), else
the discovery topic's object id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from edge.context.validate import PayloadError

__all__ = ["MAX_NAME", "compose_name", "entity_object_id", "slug"]

MAX_NAME = 128
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("_", text.lower()).strip("_")[:MAX_NAME]


def compose_name(device_name: str, own: str, *, explicit_null: bool) -> str:
    """The friendly name HA shows for an entity named ``own`` on a device named ``device_name``."""
    if explicit_null or not own:
        return device_name
    if not device_name or own.lower().startswith(device_name.lower()):
        return own
    return f"{device_name} {own}"


def entity_object_id(component: str, cfg: Mapping[str, Any], name: str, fallback: str, where: str) -> str:
    """The object part of the entity_id HA would give this config (see the module docstring)."""
    default = cfg.get("default_entity_id")
    if isinstance(default, str) and default.startswith(component + ".") and slug(default.split(".", 1)[1]):
        return slug(default.split(".", 1)[1])
    object_id = cfg.get("object_id")
    if isinstance(object_id, str | int) and not isinstance(object_id, bool) and slug(str(object_id)):
        return slug(str(object_id))
    found = slug(name) or slug(fallback)
    if not found:
        raise PayloadError(f"{where[:100]}: no usable object_id or name")
    return found
