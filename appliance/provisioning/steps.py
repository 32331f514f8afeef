"""First-boot provisioning: check everything, then write config, certificate and first admin."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.certificates import check_pair, ensure_certificate
from appliance.checks.host import unwritable
from appliance.checks.model_folders import asr_folder, check_models
from appliance.checks.rows import Row, ok
from appliance.errors import ConfigError
from appliance.provisioning.config_edit import Value, set_keys
from appliance.records.db import open_db
from appliance.records.passwords import check_strength
from appliance.records.users import create_admin, has_admin
from appliance.settings import DEFAULT_CONFIG, Settings, load_settings

INSTALLED_CERT, INSTALLED_KEY = "installed-cert.pem", "installed-key.pem"
NO_ADMIN = (
    "no admin account yet: give --admin-user and --admin-password-file (or"
    " CODEBLU_ADMIN_PASSWORD); there is no default password"
)


@dataclass(frozen=True)
class Plan:
    """What IT asked for; ``None`` keeps what the existing config says (or the default)."""

    config_out: Path
    data_dir: Path
    room: str | None = None
    profile: str | None = None
    admin_user: str | None = None
    admin_password: str | None = field(default=None, repr=False)
    tls_cert: Path | None = None
    tls_key: Path | None = None
    asr_model: Path | None = None
    llm_model: Path | None = None


def existing_config(path: Path) -> dict[str, Any]:
    """The config already at ``path`` (empty when there is none)."""
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML: {exc} (fix or move the file, then re-run)"
        ) from None


def config_values(plan: Plan, current: Mapping[str, Any]) -> dict[str, dict[str, Value]]:
    """The keys provisioning sets; records already configured elsewhere are kept where they are."""
    data = plan.data_dir.resolve()
    appliance: dict[str, Value] = {"data_dir": data}
    if plan.room is not None:
        appliance["room"] = plan.room
    if plan.profile is not None:
        appliance["profile"] = plan.profile
    values: dict[str, dict[str, Value]] = {
        "appliance": appliance,
        "models": {"cache_dir": data / "models"},
    }
    records = current.get("records", {}).get("path")
    if records is None or not Path(records).is_file():
        values["records"] = {"path": data / "records.sqlite3"}
    if plan.asr_model is not None:
        values["models"]["asr"] = plan.asr_model.resolve()
    if plan.llm_model is not None:
        values["llm"] = {"model": plan.llm_model.resolve()}
    if plan.tls_cert is not None:
        values["tls"] = {
            "enabled": True,
            "cert": data / "tls" / INSTALLED_CERT,
            "key": data / "tls" / INSTALLED_KEY,
        }
    return values


def candidate_settings(text: str, config_out: Path, environ: Mapping[str, str]) -> Settings:
    """Validate the new config text as the appliance will load it; errors name ``config_out``."""
    env = {k: v for k, v in environ.items() if k != "CODEBLU_CONFIG"}
    with tempfile.TemporaryDirectory(prefix="codeblu-provision-") as tmp:
        trial = Path(tmp) / "appliance.toml"
        trial.write_text(text)
        try:
            settings = load_settings(trial, environ=env)
        except ConfigError as exc:
            raise ConfigError(exc.message.replace(str(trial), str(config_out))) from None
    return settings.model_copy(update={"source": str(config_out)})


def needs_admin(settings: Settings) -> bool:
    """Whether the records hold no active admin account yet (read-only; nothing is created)."""
    path = settings.resolve(settings.records.path)
    if not path.is_file():
        return True
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return not has_admin(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return True


def _check_inputs(plan: Plan, settings: Settings) -> list[Row]:
    """Everything that can be refused before a file is written."""
    problem = unwritable(plan.data_dir)
    if problem:
        raise ConfigError(
            f"--data-dir {plan.data_dir}: {problem} (create it for the appliance's"
            " user: sudo install -d -o codeblu /var/lib/codeblu)"
        )
    if plan.asr_model is not None:
        asr_folder(plan.asr_model)
    if needs_admin(settings) and (not plan.admin_user or plan.admin_password is None):
        raise ConfigError(NO_ADMIN)
    if plan.admin_password is not None:
        check_strength(plan.admin_password, plan.admin_user or "")
    if (plan.tls_cert is None) != (plan.tls_key is None):
        raise ConfigError("give both --tls-cert and --tls-key, or neither (to generate one)")
    if plan.tls_cert is not None and plan.tls_key is not None:
        check_pair(plan.tls_cert, plan.tls_key)
    return [ok("models", check_models(settings).describe())]


def _write_config(path: Path, text: str) -> str:
    if path.is_file() and path.read_text() == text:
        return f"{path} unchanged"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
    return f"{path} written"


def _install_tls(plan: Plan, settings: Settings) -> str:
    if plan.tls_cert is not None and plan.tls_key is not None:
        assert settings.tls.cert is not None and settings.tls.key is not None
        cert, key = settings.resolve(settings.tls.cert), settings.resolve(settings.tls.key)
        cert.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(plan.tls_cert, cert)
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, plan.tls_key.open("rb") as src:
            shutil.copyfileobj(src, out)
    if not settings.tls.enabled:
        return "tls.enabled = false: no certificate"
    files = ensure_certificate(settings)  # checks an installed pair; makes or keeps a generated one
    kind = "generated (self-signed)" if files.generated else "installed"
    return f"{kind} {files.cert}, SHA-256 {files.fingerprint}"


def _admin(plan: Plan, settings: Settings) -> str:
    path = settings.resolve(settings.records.path)
    existed = path.is_file()
    with open_db(path) as conn:
        if has_admin(conn):
            sessions = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
            return (
                f"kept existing records {path} ({sessions} sessions) and its admin account(s);"
                " no account created"
            )
        if not plan.admin_user or plan.admin_password is None:
            raise ConfigError(NO_ADMIN)
        user = create_admin(conn, plan.admin_user, plan.admin_password)
    where = "existing" if existed else "new"
    return f"created admin {user.username!r} in {where} records {path}"


def provision(plan: Plan, environ: Mapping[str, str]) -> list[Row]:
    """Provision the appliance; every check runs before anything is written. Safe to re-run."""
    current = existing_config(plan.config_out)
    base = plan.config_out.read_text() if plan.config_out.is_file() else DEFAULT_CONFIG.read_text()
    text = set_keys(base, config_values(plan, current))
    settings = candidate_settings(text, plan.config_out, environ)
    rows = [
        ok(
            "settings",
            f"room {settings.appliance.room!r}, profile"
            f" {settings.appliance.profile}, data {settings.appliance.data_dir}",
        )
    ]
    rows += _check_inputs(plan, settings)
    rows.append(ok("config", _write_config(plan.config_out, text)))
    rows.append(ok("tls", _install_tls(plan, settings)))
    rows.append(ok("admin", _admin(plan, settings)))
    return rows
