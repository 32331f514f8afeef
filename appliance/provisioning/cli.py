"""``python -m appliance provision``: first-boot set-up (room, admin, TLS, profile, models)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from appliance.checks.rows import render_table
from appliance.errors import ApplianceError, ConfigError
from appliance.provisioning.steps import Plan, existing_config, needs_admin, provision
from appliance.settings import Settings

PROFILES = ("cpu-embedded", "gpu", "jetson")
DEFAULT_CONFIG_OUT = Path("/etc/codeblu/appliance.toml")
DEFAULT_DATA_DIR = Path("/var/lib/codeblu")
PASSWORD_ENV = "CODEBLU_ADMIN_PASSWORD"
Ask = Callable[[str, str], str]


def parser() -> argparse.ArgumentParser:
    """The command's options."""
    p = argparse.ArgumentParser(prog="python -m appliance provision", description=__doc__)
    p.add_argument(
        "--non-interactive",
        action="store_true",
        help="never prompt: flags, the environment or the existing config",
    )
    p.add_argument("--room", help="room name shown to officers and advertised on the LAN")
    p.add_argument("--profile", choices=PROFILES, help="hardware profile")
    p.add_argument(
        "--config-out",
        type=Path,
        help=f"config file to write (default: $CODEBLU_CONFIG or {DEFAULT_CONFIG_OUT})",
    )
    p.add_argument(
        "--data-dir", type=Path, help=f"records, certificate, logs (default: {DEFAULT_DATA_DIR})"
    )
    p.add_argument("--admin-user", help="first admin account (only when the records have none)")
    p.add_argument(
        "--admin-password-file",
        type=Path,
        help=f"file holding the admin's password (or set {PASSWORD_ENV})",
    )
    p.add_argument(
        "--tls-cert", type=Path, help="IT-provided certificate (PEM); omit to generate one"
    )
    p.add_argument("--tls-key", type=Path, help="its private key (PEM)")
    p.add_argument("--asr-model", type=Path, help="CTranslate2 Whisper folder IT copied in")
    p.add_argument("--llm-model", type=Path, help="GGUF file (llama.cpp) or model folder (vLLM)")
    return p


def _read_password(path: Path | None, environ: Mapping[str, str]) -> str | None:
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ConfigError(
                f"--admin-password-file {path}: cannot read ({exc.strerror})"
            ) from None
    return environ.get(PASSWORD_ENV)


def _prompt(question: str, default: str) -> str:
    answer = input(f"{question} [{default}]: " if default else f"{question}: ").strip()
    return answer or default


def _ask_password(user: str) -> str:
    while True:
        first = getpass.getpass(f"Password for {user} (12+ characters, no default): ")
        if first and first == getpass.getpass("Again: "):
            return first
        print("The two entries differ or are empty; try again.", file=sys.stderr)


def _current(config: Mapping[str, Any], section: str, key: str) -> str | None:
    value = config.get(section, {}).get(key)
    return None if value is None else str(value)


def build_plan(args: argparse.Namespace, environ: Mapping[str, str], ask: Ask | None) -> Plan:
    """Flags first, then answers to prompts (when ``ask`` is given), then the existing config."""
    config_out = args.config_out or Path(environ.get("CODEBLU_CONFIG", DEFAULT_CONFIG_OUT))
    current = existing_config(config_out)
    data_dir = args.data_dir or Path(_current(current, "appliance", "data_dir") or DEFAULT_DATA_DIR)
    room, profile = args.room, args.profile
    cert, key, asr, llm = args.tls_cert, args.tls_key, args.asr_model, args.llm_model
    if ask is not None:
        room = room or ask("Room name", _current(current, "appliance", "room") or "Training Room")
        profile = profile or ask(
            f"Hardware profile ({' | '.join(PROFILES)})",
            _current(current, "appliance", "profile") or "cpu-embedded",
        )
        if profile not in PROFILES:
            raise ConfigError(f"profile {profile!r} is not one of {', '.join(PROFILES)}")
        data_dir = args.data_dir or Path(ask("Data folder (records, certificate)", str(data_dir)))
        if cert is None and _current(current, "tls", "cert") is None:
            answer = ask("TLS certificate file (empty: generate a self-signed one)", "")
            cert = Path(answer) if answer else None
            key = Path(ask("Its private key file", "")) if cert else None
        if profile != "cpu-embedded" and asr is None:
            answer = ask("Whisper CTranslate2 folder (empty: the profile's path)", "")
            asr = Path(answer) if answer else None
        if profile != "cpu-embedded" and llm is None:
            answer = ask("LLM model (GGUF file or folder; empty: the profile's path)", "")
            llm = Path(answer) if answer else None
    return Plan(
        config_out=config_out,
        data_dir=data_dir,
        room=room,
        profile=profile,
        admin_user=args.admin_user,
        admin_password=_read_password(args.admin_password_file, environ),
        tls_cert=cert,
        tls_key=key,
        asr_model=asr,
        llm_model=llm,
    )


def _with_admin(plan: Plan, settings_needs_admin: bool, ask: Ask | None) -> Plan:
    """Ask for the first admin interactively when the records have none."""
    if ask is None or not settings_needs_admin or plan.admin_password is not None:
        return plan
    user = plan.admin_user or ask("First admin's user name", "")
    return Plan(**{**vars(plan), "admin_user": user, "admin_password": _ask_password(user)})


def _records_settings(plan: Plan) -> Settings:
    """Just enough settings to look for an existing admin at the records path provisioning uses."""
    current = existing_config(plan.config_out)
    records = _current(current, "records", "path")
    path = plan.data_dir / "records.sqlite3"
    if records and Path(records).is_file():
        path = Path(records)
    return Settings.model_validate({"records": {"path": str(path)}})


def main(argv: list[str], environ: Mapping[str, str] | None = None) -> int:
    """Provision the appliance; prints one row per step, exit status 2 on a refusal."""
    args = parser().parse_args(argv)
    environ = os.environ if environ is None else environ
    ask: Ask | None = None if args.non_interactive or not sys.stdin.isatty() else _prompt
    try:
        plan = build_plan(args, environ, ask)
        plan = _with_admin(plan, needs_admin(_records_settings(plan)), ask)
        rows = provision(plan, environ)
    except ApplianceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(render_table(rows).rsplit("\n\n", 1)[0])
    print(f"\nnext: CODEBLU_CONFIG={plan.config_out} python -m appliance doctor")
    return 0
