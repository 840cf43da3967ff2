"""The Wyoming protocol server (docs/wyoming.md): the device's wake word, ASR, intent recognition, the turn
engine (handle) and its voice as Wyoming services, so Home Assistant's voice stack can add it."""

from edge.wyoming.backend import Backend, Limits
from edge.wyoming.satellite import Satellite, satellite_for
from edge.wyoming.server import serve

__all__ = ["Backend", "Limits", "Satellite", "satellite_for", "serve"]
