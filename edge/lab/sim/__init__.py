"""Simulators: the device simulator over MQTT (``edge simulate``), the in-process simulated home used by
sessions and the household simulator, and the pure device behaviour model both share."""

__all__: list[str] = []
