"""One error type per stage, each with a stable code and a message meant for a person.

The HTTP status an API answers each with is the web layer's business:
``appliance.web.http_errors.STATUS``.
"""

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
    """A live-session request that cannot be honoured."""

    code = "session_error"


class SessionNotFound(SessionError):
    """No session with that id."""

    code = "session_not_found"


class SessionsFull(SessionError):
    """Every session slot is in use."""

    code = "sessions_full"


class SessionConflict(SessionError):
    """The request does not fit the session's state (e.g. a second offer)."""

    code = "session_conflict"


class SignallingError(SessionError):
    """The SDP offer is malformed or unusable."""

    code = "sdp_invalid"


class RecordsError(ApplianceError):
    """The records database cannot be opened, migrated, read or written."""

    code = "records_error"


class RecordInvalid(RecordsError):
    """A value given to the records store is unusable (weak password, bad date, bad transcript)."""

    code = "record_invalid"


class RecordNotFound(RecordsError):
    """No record with that id."""

    code = "record_not_found"


class RecordConflict(RecordsError):
    """The write clashes with what is stored (duplicate name, already signed off)."""

    code = "record_conflict"


class StorageFull(RecordsError):
    """The disk under the records or the data folder is full (or failing): nothing new is kept."""

    code = "storage_full"


class StageUnavailable(SessionError):
    """A model stage is failed, so a new session could not hold a conversation."""

    code = "stage_unavailable"
