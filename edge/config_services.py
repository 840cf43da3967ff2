"""The settings sections of the device's services beside the voice path (safety gate, services without a
device, Wyoming server, household page), each checking its own values; :mod:`edge.config` composes them
into the settings tree and re-exports them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SafetySettings", "ServicesSettings", "WebSettings", "WyomingSettings"]


@dataclass(frozen=True, slots=True)
class SafetySettings:
    """The safety gate (docs/safety.md). ``confirm_window_s``: how long after "Do you want me to unlock
    ...?" a spoken yes counts; ``max_token_age_s``: how long an executor accepts a confirmation after it was
    issued; ``remember_nonces``: how many used confirmations each gate remembers (single use)."""

    confirm_window_s: float = 15.0
    max_token_age_s: float = 30.0
    remember_nonces: int = 1024

    def __post_init__(self) -> None:
        if not (0 < self.confirm_window_s <= 300 and 0 < self.max_token_age_s <= 600):
            raise ValueError("confirm_window_s must be in (0, 300] and max_token_age_s in (0, 600]")
        if self.remember_nonces < 1:
            raise ValueError("remember_nonces must be at least 1")


@dataclass(frozen=True, slots=True)
class ServicesSettings:
    """The intents that need no device (docs/services.md)."""

    lists: tuple[str, ...] = ("shopping", "to do")  # the device's lists (each todo.* entity adds its own)


@dataclass(frozen=True, slots=True)
class WyomingSettings:
    """The Wyoming server (docs/wyoming.md): Home Assistant adds the device at ``uri`` (off by default)."""

    enabled: bool = False
    uri: str = "tcp://0.0.0.0:10700"
    max_connections: int = 4
    timeout_s: float = 30.0  # a connection idle this long (no event) is closed
    max_audio_s: float = 30.0  # audio of one request beyond this is refused with an error event
    max_text_chars: int = 1000  # text of one request (recognize, transcript, synthesize)
    # the satellite role beside the microphone: "ha" (advertised; while Home Assistant runs the satellite,
    # the audio after the wake word goes to its pipeline and the device's own turn engine leaves that
    # utterance alone) or "local" (not advertised: the device's own turn engine answers everything)
    satellite_mode: str = "ha"

    def __post_init__(self) -> None:
        if self.satellite_mode not in ("ha", "local"):
            raise ValueError(f'satellite_mode {self.satellite_mode!r} must be "ha" or "local"')
        if not self.uri.startswith(("tcp://", "unix://", "stdio://")):
            raise ValueError(f"uri {self.uri!r} must be tcp://HOST:PORT, unix://PATH or stdio://")
        if (
            self.max_connections < 1
            or self.timeout_s <= 0
            or self.max_audio_s <= 0
            or self.max_text_chars < 1
        ):
            raise ValueError("max_connections, timeout_s, max_audio_s and max_text_chars must be positive")


@dataclass(frozen=True, slots=True)
class WebSettings:  # issue 19: the household page (docs/web.md); token "" creates <state_dir>/web/token
    enabled: bool = False
    host: str = "127.0.0.1"  # this machine only, unless the LAN is named here
    port: int = 8780
    token: str = ""
    turns_shown: int = 100

    def __post_init__(self) -> None:
        if not self.host or not 0 <= self.port <= 65535 or not 1 <= self.turns_shown <= 1000:
            raise ValueError("host must be set, port in 0..65535 and turns_shown in 1..1000")
        if self.token and len(self.token) < 8:
            raise ValueError("token must be at least 8 characters (or empty: one is created)")
