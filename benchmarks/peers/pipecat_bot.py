"""The Pipecat peer: the appliance's bundled models in a Pipecat 1.14 pipeline over SmallWebRTC.

Runs in the peer's own environment (``var/peers-venv``, see ``requirements.txt``): it imports
Pipecat and the standard library only, never ``appliance``. The benchmark passes every model
path, the LLM server's URL and the persona prompt in a JSON file::

    var/peers-venv/bin/python -m benchmarks.peers.pipecat_bot --config peer.json --port 8765
    var/peers-venv/bin/python -m benchmarks.peers.pipecat_bot --config peer.json --build-only

``POST /offer`` takes ``{"sdp", "type": "offer"}`` and answers with every ICE candidate in the
SDP (aiortc gathers before answering), as Pipecat's own SmallWebRTC runner does; each offer
starts one pipeline (transport in → Whisper → user aggregator with Silero VAD and Smart Turn v3.2
→ OpenAI-compatible LLM → Piper → transport out → assistant aggregator).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3
from pipecat.audio.vad.silero import SileroOnnxModel, SileroVADAnalyzer
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.runner import PipelineRunner
from pipecat.pipeline.task import PipelineParams, PipelineTask
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import (
    LLMContextAggregatorPair,
    LLMUserAggregatorParams,
)
from pipecat.services.openai.llm import OpenAILLMService
from pipecat.services.piper.tts import PiperTTSService
from pipecat.services.whisper.stt import WhisperSTTService
from pipecat.transports.base_transport import BaseTransport, TransportParams
from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection
from pipecat.transports.smallwebrtc.transport import SmallWebRTCTransport
from pipecat.turns.user_stop import TurnAnalyzerUserTurnStopStrategy
from pipecat.turns.user_turn_strategies import UserTurnStrategies

READY_LINE = "pipecat peer ready"


@dataclass(frozen=True)
class PeerConfig:
    """Everything the peer needs, resolved by the benchmark from the appliance's settings."""

    vad_onnx: str
    smart_turn_onnx: str
    whisper_dir: str
    whisper_compute_type: str
    piper_onnx: str
    llm_base_url: str
    llm_model: str
    temperature: float
    max_tokens: int
    seed: int
    system_prompt: str

    @classmethod
    def load(cls, path: Path) -> PeerConfig:
        """Read the JSON file the benchmark wrote."""
        return cls(**json.loads(path.read_text()))


class BundledSileroVAD(SileroVADAnalyzer):
    """Pipecat's Silero analyzer on the appliance's bundled ONNX file (not Pipecat's copy)."""

    def __init__(self, model_path: str) -> None:
        super().__init__()
        self._model = SileroOnnxModel(model_path, force_onnx_cpu=True)


@dataclass
class Services:
    """The loaded models of one session (Pipecat processors belong to one pipeline each)."""

    stt: WhisperSTTService
    tts: PiperTTSService
    smart_turn: LocalSmartTurnAnalyzerV3


def load_services(cfg: PeerConfig) -> Services:
    """Load Whisper, Piper and Smart Turn from the bundled files (no download: local paths)."""
    voice = Path(cfg.piper_onnx)
    return Services(
        stt=WhisperSTTService(
            settings=WhisperSTTService.Settings(model=cfg.whisper_dir),
            device="cpu",
            compute_type=cfg.whisper_compute_type,
        ),
        tts=PiperTTSService(
            settings=PiperTTSService.Settings(voice=voice.name.removesuffix(".onnx")),
            download_dir=voice.parent,  # the voice is there already: Pipecat only loads it
        ),
        smart_turn=LocalSmartTurnAnalyzerV3(smart_turn_model_path=cfg.smart_turn_onnx),
    )


def build_task(cfg: PeerConfig, services: Services, transport: BaseTransport) -> PipelineTask:
    """One session's pipeline, with Pipecat's own turn handling (Silero VAD + Smart Turn)."""
    llm = OpenAILLMService(
        api_key="not-needed",
        base_url=cfg.llm_base_url,
        settings=OpenAILLMService.Settings(
            model=cfg.llm_model,
            temperature=cfg.temperature,
            max_tokens=cfg.max_tokens,
            seed=cfg.seed,
        ),
    )
    context = LLMContext(messages=[{"role": "system", "content": cfg.system_prompt}])
    pair = LLMContextAggregatorPair(
        context,
        user_params=LLMUserAggregatorParams(
            vad_analyzer=BundledSileroVAD(cfg.vad_onnx),
            user_turn_strategies=UserTurnStrategies(
                stop=[TurnAnalyzerUserTurnStopStrategy(turn_analyzer=services.smart_turn)]
            ),
        ),
    )
    pipeline = Pipeline(
        [
            transport.input(),
            services.stt,
            pair.user(),
            llm,
            services.tts,
            transport.output(),
            pair.assistant(),
        ]
    )
    return PipelineTask(pipeline, params=PipelineParams(), idle_timeout_secs=None)


def transport_for(connection: SmallWebRTCConnection) -> SmallWebRTCTransport:
    """Pipecat's aiortc transport, audio in and out."""
    return SmallWebRTCTransport(
        webrtc_connection=connection,
        params=TransportParams(audio_in_enabled=True, audio_out_enabled=True),
    )


class PeerServer:
    """``POST /offer`` → one pipeline per peer connection; ``GET /health``."""

    def __init__(self, cfg: PeerConfig) -> None:
        self.cfg = cfg
        self.tasks: set[asyncio.Task[None]] = set()

    async def offer(self, request: web.Request) -> web.Response:
        """Answer an SDP offer (non-trickle) and start that connection's pipeline."""
        body: dict[str, Any] = await request.json()
        services = await asyncio.to_thread(load_services, self.cfg)  # before the call starts
        connection = SmallWebRTCConnection(ice_servers=[])  # host candidates only, as ours
        await connection.initialize(sdp=body["sdp"], type=body["type"])
        transport = transport_for(connection)
        task = build_task(self.cfg, services, transport)

        @transport.event_handler("on_client_disconnected")
        async def _gone(_transport: BaseTransport, _client: Any) -> None:
            await task.cancel()

        runner = PipelineRunner(handle_sigint=False)
        job = asyncio.get_running_loop().create_task(runner.run(task))
        self.tasks.add(job)
        job.add_done_callback(self.tasks.discard)
        return web.json_response(connection.get_answer())

    async def health(self, _request: web.Request) -> web.Response:
        """Up once the models are loaded."""
        return web.json_response({"status": "ok"})


async def serve(cfg: PeerConfig, port: int) -> None:
    """Load the models, listen on loopback, run until cancelled."""
    await asyncio.to_thread(load_services, cfg)  # fail early on a bad path; warms the file cache
    server = PeerServer(cfg)
    app = web.Application()
    app.router.add_post("/offer", server.offer)
    app.router.add_get("/health", server.health)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(READY_LINE, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        for job in list(server.tasks):
            job.cancel()
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.peers.pipecat_bot")
    p.add_argument("--config", type=Path, required=True, help="JSON written by the benchmark")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument(
        "--build-only", action="store_true", help="load the models, build one pipeline, exit"
    )
    args = p.parse_args(argv)
    cfg = PeerConfig.load(args.config)
    if args.build_only:
        services = load_services(cfg)
        task = build_task(cfg, services, transport_for(SmallWebRTCConnection(ice_servers=[])))
        print(f"built {task}", flush=True)
        return 0
    try:
        asyncio.run(serve(cfg, args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
