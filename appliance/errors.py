"""One error type per stage, each with a stable code and a message meant for a person."""

from __future__ import annotations


class ApplianceError(Exception):
    """Base error: a machine-readable ``code`` and a one-line human ``message``."""

    code = "appliance_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message

    def as_event(self) -> dict[str, str]:
        """The ``error`` event sent to clients for this failure."""
        return {"type": "error", "code": self.code, "message": self.message}


class ConfigError(ApplianceError):
    """The configuration file or an override is invalid."""

    code = "config_invalid"


class ModelError(ApplianceError):
    """A model's files are missing, corrupt or fail to load."""

    code = "model_unavailable"


class AudioInputError(ApplianceError):
    """Audio given to the appliance cannot be used (not audio, empty, silent)."""

    code = "audio_invalid"


class ASRError(ApplianceError):
    """Speech recognition failed for this turn."""

    code = "asr_failed"


class LLMError(ApplianceError):
    """The language model server failed or could not be reached."""

    code = "llm_failed"


class TTSError(ApplianceError):
    """Speech synthesis failed for this turn."""

    code = "tts_failed"


class ScenarioError(ApplianceError):
    """A scenario card is malformed or unknown."""

    code = "scenario_invalid"


class TranscriptError(ApplianceError):
    """A transcript handed to the review engine is malformed."""

    code = "transcript_invalid"


class SessionError(ApplianceError):
    """A live-session request that cannot be honoured; ``status`` is the HTTP status to answer."""

    code = "session_error"
    status = 400


class SessionNotFound(SessionError):
    """No session with that id."""

    code = "session_not_found"
    status = 404


class SessionsFull(SessionError):
    """Every session slot is in use."""

    code = "sessions_full"
    status = 503


class SessionConflict(SessionError):
    """The request does not fit the session's state (e.g. a second offer)."""

    code = "session_conflict"
    status = 409


class SignallingError(SessionError):
    """The SDP offer is malformed or unusable."""

    code = "sdp_invalid"
    status = 400
