"""``python -m appliance serve``: start the models, then the HTTP API; shut both down cleanly."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from typing import Any

import uvicorn

from appliance.allocator import map_large_buffers
from appliance.app import create_app
from appliance.certificates import server_tls
from appliance.checks.preflight import preflight
from appliance.collector import freeze_startup_objects
from appliance.engine import Engine
from appliance.errors import ApplianceError
from appliance.logs import setup_logging
from appliance.records.lock import hold_records
from appliance.settings import Settings, load_settings

log = logging.getLogger("appliance")
# The declared WebSocket library (the console's live feed); the console sends nothing large.
WEBSOCKETS: dict[str, Any] = {"ws": "wsproto", "ws_max_size": 64 * 1024}


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to ``serve``: uvicorn re-raises a captured SIGTERM
    after shutdown, which would kill the process before the engine stops the LLM server."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(settings: Settings) -> None:
    """Run until interrupted; raise ``ApplianceError`` if anything cannot start."""
    preflight(settings)  # ports free, data and records folders writable: key, path and fix
    with hold_records(settings.resolve(settings.records.path)):  # `restore` checks it
        await _serve(settings)


async def _serve(settings: Settings) -> None:
    tls = server_tls(settings)
    s = settings.server
    async with Engine(settings) as engine:
        app = create_app(settings, engine, tls_fingerprint=tls.fingerprint if tls else "")
        freeze_startup_objects()  # a full collection would otherwise stall the audio ~50 ms
        main = _Server(
            uvicorn.Config(
                app,
                host=s.host,
                port=s.port,
                log_config=None,
                access_log=False,
                **WEBSOCKETS,
                **(tls.uvicorn_kwargs() if tls else {}),
            )
        )
        local = None
        if s.local_port:
            local = _Server(
                uvicorn.Config(
                    app,
                    host="127.0.0.1",
                    port=s.local_port,
                    lifespan="off",
                    log_config=None,
                    access_log=False,
                    **WEBSOCKETS,
                )
            )
        scheme = "https" if tls else "http"
        log.info(
            "appliance on %s://%s:%d (room %r)", scheme, s.host, s.port, settings.appliance.room
        )
        servers = [main, *([local] if local else [])]

        def stop() -> None:
            for server in servers:
                server.should_exit = True

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
        try:
            await asyncio.gather(*(server.serve() for server in servers))
        finally:
            stop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


def main(argv: list[str]) -> int:
    """Serve the appliance with the configured settings."""
    parser = argparse.ArgumentParser(prog="python -m appliance serve", description=__doc__)
    parser.add_argument("--port", type=int, help="override server.port")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.port is not None:
            server = settings.server.model_copy(update={"port": args.port})
            settings = settings.model_copy(update={"server": server})
        setup_logging(settings.logging)
        map_large_buffers()  # before any model loads: their big buffers go back after use
        asyncio.run(serve(settings))
    except ApplianceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0
