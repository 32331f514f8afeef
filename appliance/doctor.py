"""``python -m appliance doctor``: check the appliance end to end and report one table."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from appliance.checks.gpu_use import gpu_use_row
from appliance.checks.host import (
    disk_row,
    folder_rows,
    gpu_row,
    packages_row,
    port_rows,
    python_row,
    running_appliance,
)
from appliance.checks.mdns import mdns_row
from appliance.checks.model_stages import (
    llm_answer_row,
    model_files_row,
    remote_stage_rows,
    stage_rows,
    voice_turn_row,
)
from appliance.checks.rows import Row, any_failed, fail, ok, render_json, render_table, skip
from appliance.checks.storage import backup_row, database_row, running_storage_row
from appliance.checks.tls import tls_row
from appliance.engine import Engine
from appliance.errors import ApplianceError
from appliance.settings import Settings, load_settings


def config_row(path: Path | None) -> tuple[Row, Settings | None]:
    """Load the config; a bad one fails naming file, key and reason."""
    try:
        settings = load_settings(path)
    except ApplianceError as exc:
        return fail(
            "config",
            exc.message,
            "fix that key in the file (every key is documented in firmware_config/appliance.toml)",
        ), None
    return ok(
        "config",
        f"{settings.source} (profile {settings.appliance.profile},"
        f" room {settings.appliance.room!r})",
    ), settings


async def model_rows(
    settings: Settings, running: dict[str, object] | None, ready: bool
) -> list[Row]:
    """Load every stage, ask the LLM, time one voice turn (or read a running appliance's health)."""
    if running is not None:
        return [
            ok("subject's voice", str(running.get("voice", "unknown"))),
            *remote_stage_rows(running),
            skip(
                "voice turn",
                "the appliance is running and holds the models: stop it"
                " (systemctl stop codeblu) to time a synthetic turn",
            ),
        ]
    if not ready:
        return [skip("models load", "not attempted: fix the failures above first")]
    engine = Engine(settings)
    try:
        await engine.start()
    except ApplianceError as exc:
        rows = stage_rows(engine, exc.message)  # before close: it resets the LLM server's state
        await engine.close()
        return rows
    try:
        return [
            ok("subject's voice", engine.voice_detail),
            *stage_rows(engine),
            await llm_answer_row(engine),
            await voice_turn_row(engine, settings),
        ]
    finally:
        await engine.close()


async def run_checks(settings: Settings, *, quick: bool = False) -> list[Row]:
    """Every check for these settings, in table order."""
    running = await asyncio.to_thread(running_appliance, settings)
    rows = [
        python_row(),
        packages_row(settings),
        gpu_row(settings),
        await asyncio.to_thread(gpu_use_row, settings),
        await asyncio.to_thread(model_files_row, settings),
        *port_rows(settings, running is not None),
        *folder_rows(settings),
        disk_row(settings),
        running_storage_row(running),
        database_row(settings),
        backup_row(settings),
    ]
    tls, fingerprint = tls_row(settings)
    rows += [tls, await mdns_row(settings, fingerprint)]
    if quick:
        return [*rows, skip("models load", "--quick: models not loaded")]
    return rows + await model_rows(settings, running, ready=not any_failed(rows))


def main(argv: list[str]) -> int:
    """Run the checks; exit status 1 when any fails."""
    parser = argparse.ArgumentParser(prog="python -m appliance doctor", description=__doc__)
    parser.add_argument(
        "--config",
        type=Path,
        help="config file (default: $CODEBLU_CONFIG or firmware_config/appliance.toml)",
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument(
        "--quick", action="store_true", help="skip loading models and the voice turn"
    )
    args = parser.parse_args(argv)
    if args.config is not None:
        os.environ["CODEBLU_CONFIG"] = str(args.config)
    first, settings = config_row(args.config)
    rows = [first]
    if settings is not None:
        rows += asyncio.run(run_checks(settings, quick=args.quick))
    print(render_json(rows) if args.json else render_table(rows))
    return 1 if any_failed(rows) else 0
