"""The shared model stages of one appliance: VAD, ASR, LLM (server + client) and TTS."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from appliance.audio.pacing import RATE as PLAYBACK_RATE
from appliance.audio.turn_end import TurnEndModel
from appliance.audio.vad import SileroVAD
from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.errors import ApplianceError
from appliance.inference.asr import WhisperASR
from appliance.inference.executor import ModelThread
from appliance.inference.llm_client import LLMClient
from appliance.inference.llm_server import LLMServer
from appliance.inference.models import ModelPaths, resolve_models
from appliance.inference.speech_cache import SpeechCache
from appliance.inference.tts import PiperTTS
from appliance.persona.lines import prepare as prepare_lines
from appliance.persona.lines import speakable
from appliance.persona.scenario import list_scenarios
from appliance.settings import Settings

log = logging.getLogger(__name__)
StageState = Literal["loading", "ready", "failed", "restarting", "stopped", "off"]
HEALTHY = frozenset({"ready", "off"})  # "off": a stage this configuration does not use
VOICES = {
    "authored": "authored: lines written for each scenario card, chosen by meaning",
    "llm": "llm: the LLM voices the subject, grounded in the card's lines",
}


@dataclass(frozen=True)
class StageHealth:
    """State of one model stage for ``/healthz`` and ``doctor``."""

    state: str
    detail: str = ""


class Engine:
    """Loads every model stage in ``start()`` and closes them in ``close()``; shared by sessions."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.paths: ModelPaths | None = None
        self.vad: SileroVAD | None = None
        self.asr: WhisperASR | None = None
        self.tts: PiperTTS | None = None
        self.llm_server: LLMServer | None = None
        self.llm: LLMClient | None = None
        self.analyzer: UtteranceAnalyzer | None = None
        self.speech: SpeechCache | None = None  # authored lines' audio, synthesized ahead
        self.turn_end: TurnEndModel | None = None  # None: off, or not loaded yet
        self.voice = settings.persona.voice  # who speaks for the subject: "authored" or "llm"
        self.vad_thread = ModelThread("vad", nice=0)  # every inbound frame: as urgent as the loop
        self.analysis_thread = ModelThread("analysis")
        self.turn_end_thread = ModelThread("turn-end")
        self._errors: dict[str, str] = {}

    async def __aenter__(self) -> Engine:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Resolve and load all models; raise the first stage error with its message."""
        s = self.settings
        self.paths = paths = await asyncio.to_thread(resolve_models, s)
        self.vad = SileroVAD(paths.vad_onnx)
        self.asr = WhisperASR.configured(s.models, paths.asr_dir)
        self.tts = PiperTTS(paths.tts_onnx, paths.tts_config, use_cuda=s.models.tts_cuda)
        log_dir = s.resolve(s.appliance.data_dir) / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        loads = [
            self._load("asr", self.asr.start()),
            self._load("tts", self.tts.start()),
            self._load("analysis", self._load_analyzer()),
        ]
        if paths.turn_end_onnx is not None:
            loads.append(self._load("turn_end", self._load_turn_end(paths.turn_end_onnx)))
        if self.voice == "llm" or s.llm.start == "always":
            self.llm_server = LLMServer(s.llm, paths.llm_gguf, log_dir / "llm-server.log")
            self.llm = LLMClient(
                self.llm_server.base_url,
                s.llm.served_name,
                max_tokens=s.llm.max_tokens,
                temperature=s.llm.temperature,
                seed=s.llm.seed,
                timeout_s=s.llm.request_timeout_s,
            )
            loads.append(self._load("llm", self.llm_server.start()))
        results = await asyncio.gather(*loads, return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                raise r
        folder = s.resolve(s.models.cache_dir) / "speech"
        model = paths.tts_onnx
        model_id = f"{model.name}:{model.stat().st_size}"
        self.speech = SpeechCache(self.tts, folder, model_id, rate=PLAYBACK_RATE)

    @property
    def voice_detail(self) -> str:
        """Which voice speaks for the subject, in words (``/healthz``, ``doctor``)."""
        return VOICES[self.voice]

    async def warm_speech(self, quiet: Callable[[], Awaitable[object]] | None = None) -> int:
        """Synthesize every card's authored lines not cached yet (background, at start-up),
        each once ``quiet`` returns (no call live: a call's own lines come first)."""
        if self.speech is None:
            return 0
        made = 0
        for scenario in list_scenarios():
            made += await self.speech.warm(speakable(scenario), quiet)
        if made:
            log.info("synthesized %d authored lines ahead", made)
        return made

    async def _load(self, stage: str, coro: object) -> None:
        try:
            await coro  # type: ignore[misc]
        except ApplianceError as exc:
            self._errors[stage] = exc.message
            raise

    async def _load_analyzer(self) -> None:
        self.analyzer = analyzer = await self.analysis_thread.call(UtteranceAnalyzer.load)
        folder = self.settings.resolve(self.settings.models.cache_dir) / "cues"
        for scenario in list_scenarios():  # every card's cues embedded (or read back) once
            await self.analysis_thread.call(prepare_lines, scenario, analyzer.encoder, folder)

    async def _load_turn_end(self, path: Path) -> None:
        threads = self.settings.models.turn_end_threads
        self.turn_end = await self.turn_end_thread.call(TurnEndModel, path, threads=threads)

    def health(self) -> dict[str, StageHealth]:
        """Each stage's state."""

        def loaded(stage: str, ok: bool) -> StageHealth:
            if stage in self._errors:
                return StageHealth("failed", self._errors[stage])
            return StageHealth("ready" if ok else "loading")

        llm = self.llm_server
        if llm is not None:
            llm_health = StageHealth(llm.state, llm.detail)
        elif self.voice == "authored" and self.paths is not None:
            llm_health = StageHealth("off", "not started: the authored voice needs no LLM")
        else:
            llm_health = StageHealth("loading")
        return {
            "vad": loaded("vad", self.vad is not None),
            "asr": loaded("asr", self.asr is not None and self.asr.ready),
            "llm": llm_health,
            "tts": loaded("tts", self.tts is not None and self.tts.ready),
            "analysis": loaded("analysis", self.analyzer is not None),
            "turn_end": self._turn_end_health(loaded),
        }

    def _turn_end_health(self, loaded: Callable[[str, bool], StageHealth]) -> StageHealth:
        if self.settings.models.turn_end == "off":
            return StageHealth("off", "off: only the longest silence ends a turn")
        state = loaded("turn_end", self.turn_end is not None)
        if state.state == "ready" and self.turn_end is not None:
            turn = self.settings.turn
            return StageHealth(
                "ready",
                f"{self.turn_end.path.name}: asked {turn.turn_end_listen_ms} ms into a pause;"
                f" ends a turn after {max(turn.turn_end_silence_ms, turn.turn_end_listen_ms)} ms"
                f" of silence when finished, else after {turn.min_silence_ms} ms",
            )
        return state

    @property
    def log_dir(self) -> Path:
        """Where child-process logs go."""
        return self.settings.resolve(self.settings.appliance.data_dir) / "logs"

    async def close(self) -> None:
        """Stop the LLM server and release the model threads."""
        if self.llm is not None:
            await self.llm.aclose()
        if self.llm_server is not None:
            await self.llm_server.stop()
        threads = (self.vad_thread, self.analysis_thread, self.turn_end_thread)
        for stage in (self.asr, self.tts, *threads):
            if stage is not None:
                await asyncio.to_thread(stage.close)
