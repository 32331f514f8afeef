"""`doctor` on a provisioned appliance (one full run, real models), and bad input at start-up."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from appliance.certificates import generate
from appliance.provisioning.config_edit import set_keys

from .conftest import DOCTOR, SERVE, run_module

EXPECTED_OK = (
    "config",
    "python",
    "packages",
    "gpu",
    "model files",
    "server port",
    "local port",
    "llm port",
    "data folder",
    "records folder",
    "disk",
    "database",
    "tls",
    "mdns",
    "vad model",
    "asr model",
    "llm model",
    "tts model",
    "turn_end model",
    "llm answers",
)


@pytest.mark.slow
def test_doctor_after_provision_reports_every_row(provisioned: tuple[Path, dict[str, str]]) -> None:
    config, env = provisioned
    result = run_module(DOCTOR, env, "--config", str(config), "--json", timeout=600)
    doc = json.loads(result.stdout)
    rows = {r["check"]: r for r in doc["rows"]}
    for check in EXPECTED_OK:
        assert rows[check]["status"] == "ok", rows[check]
    assert rows["last backup"]["status"] == "skip"
    assert "admin account present" in rows["database"]["detail"]
    assert "SHA-256" in rows["tls"]["detail"] and "generated" in rows["tls"]["detail"]
    turn = rows["voice turn"]
    assert turn["status"] in ("ok", "warn"), turn  # over budget is a warning, never a failure
    for stage in ("asr", "reply_text", "tts_first_audio", "to_first_audio"):
        assert f"{stage} " in turn["detail"]
    failed = [r for r in doc["rows"] if r["status"] == "fail"]
    assert result.returncode == (1 if failed else 0) and doc["ok"] is (not failed)
    assert all(r["fix"] for r in failed)


def flat(text: str) -> str:
    """The table with its line wrapping undone."""
    return " ".join(text.split())


def broken(config: Path, tmp_path: Path, values: dict[str, dict[str, object]]) -> Path:
    out = tmp_path / "appliance.toml"
    out.write_text(set_keys(config.read_text(), values))  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("[server]\n", "[server]\nprot = 8080\n", "server.prot: unknown key"),
        ("min_silence_ms = 1000", 'min_silence_ms = "long"', "turn.min_silence_ms:"),
    ],
)
def test_a_broken_config_fails_both_doctor_and_serve_naming_the_key(
    provisioned: tuple[Path, dict[str, str]], tmp_path: Path, old: str, new: str, needle: str
) -> None:
    config, env = provisioned
    bad = tmp_path / "appliance.toml"
    bad.write_text(config.read_text().replace(old, new, 1))
    doctor = run_module(DOCTOR, env, "--config", str(bad), "--quick")
    assert doctor.returncode == 1
    assert f"{bad}: {needle}" in flat(doctor.stdout) and "fix:" in doctor.stdout
    assert doctor.stdout.splitlines()[1].startswith("config  FAIL")
    serve = run_module(SERVE, {**env, "CODEBLU_CONFIG": str(bad)})
    assert serve.returncode == 2 and f"{bad}: {needle}" in serve.stderr


def test_start_up_names_an_unwritable_records_folder(
    provisioned: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    config, env = provisioned
    blocker = tmp_path / "records"
    blocker.write_text("a file where the records folder should be")
    bad = broken(config, tmp_path, {"records": {"path": str(blocker / "records.sqlite3")}})
    serve = run_module(SERVE, {**env, "CODEBLU_CONFIG": str(bad)})
    assert serve.returncode == 2
    assert f"records.path: {blocker}" in serve.stderr and "set records.path" in serve.stderr
    doctor = run_module(DOCTOR, env, "--config", str(bad), "--quick")
    assert doctor.returncode == 1 and f"records.path: {blocker}" in flat(doctor.stdout)


def test_start_up_names_a_certificate_that_does_not_match_its_key(
    provisioned: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    config, env = provisioned
    generate(tmp_path / "a.pem", tmp_path / "a.key", ["x.lan"], ["127.0.0.1"])
    generate(tmp_path / "b.pem", tmp_path / "b.key", ["x.lan"], ["127.0.0.1"])
    bad = broken(
        config, tmp_path, {"tls": {"cert": str(tmp_path / "a.pem"), "key": str(tmp_path / "b.key")}}
    )
    serve = run_module(SERVE, {**env, "CODEBLU_CONFIG": str(bad)})
    assert serve.returncode == 2
    pair = f"certificate {tmp_path / 'a.pem'} does not match key {tmp_path / 'b.key'}"
    assert pair in serve.stderr
    doctor = run_module(DOCTOR, env, "--config", str(bad), "--quick")
    assert doctor.returncode == 1 and "does not match key" in flat(doctor.stdout)


def test_start_up_names_a_missing_model_folder(
    provisioned: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    config, env = provisioned
    missing = tmp_path / "whisper-large"
    bad = broken(config, tmp_path, {"models": {"asr": str(missing)}})
    serve = run_module(SERVE, {**env, "CODEBLU_CONFIG": str(bad)})
    assert serve.returncode == 2 and f"models.asr: folder {missing} does not exist" in serve.stderr
    doctor = run_module(DOCTOR, env, "--config", str(bad), "--quick")
    assert doctor.returncode == 1 and f"models.asr: folder {missing} does not exist" in flat(
        doctor.stdout
    )


def test_doctor_names_a_taken_port(provisioned: tuple[Path, dict[str, str]]) -> None:
    config, env = provisioned
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        taken = {**env, "CODEBLU_LLM__PORT": str(port)}
        doctor = run_module(DOCTOR, taken, "--config", str(config), "--quick", "--json")
    rows = {r["check"]: r for r in json.loads(doctor.stdout)["rows"]}
    assert doctor.returncode == 1
    assert rows["llm port"]["status"] == "fail" and f"llm.port {port}" in rows["llm port"]["detail"]
    assert "set llm.port" in rows["llm port"]["fix"]
