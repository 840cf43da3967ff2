"""The exception tree. Every error the user can see has a stable code and says how to fix it."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AudioError",
    "ConfigError",
    "EdgeError",
    "ErrorCode",
    "ModelError",
    "StageTimeout",
    "first_edge_error",
]


class ErrorCode(StrEnum):
    """Stable error codes (they appear in events, logs and the turn store)."""

    CONFIG_INVALID = "config-invalid"
    MODEL_MISSING = "model-missing"
    MODEL_CORRUPT = "model-corrupt"
    AUDIO_UNREADABLE = "audio-unreadable"
    AUDIO_FORMAT = "audio-format"
    NO_INPUT_DEVICE = "no-input-device"
    STAGE_TIMEOUT = "stage-timeout"
    NO_SPEECH = "no-speech"
    BROKER_UNAVAILABLE = "broker-unavailable"
    PAYLOAD_INVALID = "payload-invalid"
    DEVICE_TIMEOUT = "device-timeout"
    DEVICE_ERROR = "device-error"
    NOT_UNDERSTOOD = "not-understood"
    NO_SUCH_DEVICE = "no-such-device"
    NOT_SUPPORTED = "not-supported"
    NEEDS_CONFIRMATION = "needs-confirmation"
    SAFETY_REFUSED = "safety-refused"
    STORE_ERROR = "store-error"
    SIGNATURE_INVALID = "signature-invalid"


class EdgeError(Exception):
    """Base of every error raised on purpose by ambient-edge.

    ``hint`` tells the user what to do about it; ``str()`` includes it.
    """

    code: ErrorCode = ErrorCode.CONFIG_INVALID

    def __init__(self, message: str, *, hint: str = "", code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message} (fix: {self.hint})" if self.hint else self.message


class ConfigError(EdgeError):
    code = ErrorCode.CONFIG_INVALID


class ModelError(EdgeError):
    code = ErrorCode.MODEL_MISSING


class AudioError(EdgeError):
    code = ErrorCode.AUDIO_UNREADABLE


class StageTimeout(EdgeError):
    code = ErrorCode.STAGE_TIMEOUT


def first_edge_error(exc: BaseException) -> EdgeError | None:
    """The :class:`EdgeError` behind ``exc``: itself, or the first one inside (nested) exception groups."""
    if isinstance(exc, EdgeError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = first_edge_error(inner)
            if found is not None:
                return found
    return None
