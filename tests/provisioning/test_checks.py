"""Doctor's checks one by one, cheaply: each bad input fails naming key or path and the fix."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest

from appliance.certificates import generate
from appliance.checks.host import folder_row, gpu_row, port_rows, unwritable
from appliance.checks.model_stages import budget_detail, load_budget, model_files_row
from appliance.checks.rows import Row, fail, ok, render_json, render_table
from appliance.checks.storage import backup_row, database_row
from appliance.checks.tls import tls_row
from appliance.settings import Settings, load_settings


def settings_with(base: Settings, **sections: dict[str, object]) -> Settings:
    update = {
        name: getattr(base, name).model_copy(update=values) for name, values in sections.items()
    }
    return base.model_copy(update=update)


def test_a_taken_port_fails_naming_the_key(settings: Settings) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        s = settings_with(settings, server={"port": port})
        row = port_rows(s, running=False)[0]
        assert row.failed and f"server.port {port} on 127.0.0.1 is already in use" in row.detail
        assert "set server.port" in row.fix
        assert port_rows(s, running=True)[0].status == "ok"  # held by this appliance: fine


def test_external_llm_has_no_local_port(settings: Settings) -> None:
    s = settings_with(settings, llm={"mode": "external", "url": "http://10.0.0.9:8000/v1"})
    rows = port_rows(s, running=False)
    assert [r.check for r in rows] == ["server port", "local port", "llm port"]
    assert rows[2].status == "skip"


def test_a_file_in_place_of_the_records_folder_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "records"
    blocker.write_text("")
    row = folder_row("records folder", "records.path", blocker / "db")
    assert row.failed and "records.path" in row.detail and str(blocker) in row.detail
    assert "set records.path" in row.fix


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file modes")
def test_a_read_only_records_folder_fails(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    assert unwritable(folder) is not None


def test_a_missing_folder_is_fine_when_its_parent_is_writable(tmp_path: Path) -> None:
    assert unwritable(tmp_path / "a" / "b") is None


def test_a_certificate_that_does_not_match_its_key(settings: Settings, tmp_path: Path) -> None:
    generate(tmp_path / "a.pem", tmp_path / "a.key", ["x.lan"], ["127.0.0.1"])
    generate(tmp_path / "b.pem", tmp_path / "b.key", ["x.lan"], ["127.0.0.1"])
    bad = settings_with(settings, tls={"cert": tmp_path / "a.pem", "key": tmp_path / "b.key"})
    row, fingerprint = tls_row(bad)
    assert row.failed and fingerprint == ""
    assert f"certificate {tmp_path / 'a.pem'} does not match key {tmp_path / 'b.key'}" in row.detail
    assert "tls.cert" in row.fix
    good = settings_with(settings, tls={"cert": tmp_path / "a.pem", "key": tmp_path / "a.key"})
    row, fingerprint = tls_row(good)
    assert row.status == "ok" and fingerprint in row.detail and len(fingerprint) == 95


def test_tls_off_is_a_warning(settings: Settings) -> None:
    row, _ = tls_row(settings_with(settings, tls={"enabled": False}))
    assert row.status == "warn" and "tls.enabled" in row.fix


def test_a_missing_model_folder_names_the_key(settings: Settings, tmp_path: Path) -> None:
    row = model_files_row(settings_with(settings, models={"asr": str(tmp_path / "whisper")}))
    assert row.failed and f"models.asr: folder {tmp_path / 'whisper'} does not exist" in row.detail
    assert row.fix


def test_gpu_profile_without_cuda_fails_with_the_fix(tmp_path: Path) -> None:
    config = tmp_path / "a.toml"
    config.write_text('[appliance]\nprofile = "gpu"\n')
    gpu = load_settings(config, environ={})
    row = gpu_row(gpu, seen={"onnxruntime": False, "ctranslate2": False, "vllm": False})
    assert row.failed and "models.asr_device" in row.detail and "nvidia-smi" in row.fix
    every = {"onnxruntime": True, "ctranslate2": True, "vllm": True}
    assert gpu_row(gpu, seen=every).status == "ok"


def test_a_corrupt_database_fails_integrity(settings: Settings, tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite3"
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    row = database_row(settings_with(settings, records={"path": db}))
    assert row.failed and str(db) in row.detail and "restore" in row.fix
    missing = settings_with(settings, records={"path": tmp_path / "none"})
    assert database_row(missing).status == "skip"


def test_the_newest_backup_is_reported(settings: Settings, tmp_path: Path) -> None:
    s = settings_with(settings, appliance={"data_dir": tmp_path})
    assert backup_row(s).status == "skip"
    (tmp_path / "backups").mkdir()
    old, new = (tmp_path / "backups" / f"records-{n}.sqlite3" for n in (1, 2))
    old.write_bytes(b"")
    new.write_bytes(b"")
    os.utime(old, (time.time() - 30 * 86400,) * 2)
    row = backup_row(s)
    assert row.status == "ok" and str(new) in row.detail
    os.utime(new, (time.time() - 30 * 86400,) * 2)
    assert backup_row(s).status == "warn"


def test_budgets_cover_every_profile_and_flag_slow_stages() -> None:
    for profile in ("cpu-embedded", "gpu", "jetson"):
        assert load_budget(profile)["to_first_audio"] > 0
    assert load_budget("gpu")["to_first_audio"] == 500
    detail, over = budget_detail({"asr": 90.0, "to_first_audio": 700.0}, load_budget("gpu"))
    assert over == ["to_first_audio"] and "asr 90/100" in detail


def test_table_and_json_carry_the_fix() -> None:
    rows = [
        ok("python", "Python 3.11"),
        fail("server port", "server.port 80 is in use", "set server.port"),
    ]
    table = render_table(rows)
    assert "server port" in table and "FAIL" in table and "fix: set server.port" in table
    doc = json.loads(render_json(rows))
    assert doc["ok"] is False and doc["rows"][1] == {
        "check": "server port",
        "status": "fail",
        "detail": "server.port 80 is in use",
        "fix": "set server.port",
    }
    assert Row("x", "warn", "slow").failed is False
