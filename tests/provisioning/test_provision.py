"""`provision`: non-interactive set-up into a temporary folder, idempotent, refusing bad input."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import pytest

from appliance.certificates import generate
from appliance.provisioning.cli import build_plan, main, parser

from .conftest import PASSWORD, isolated_env, provision_args


def admins(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT username FROM users WHERE role = 'admin'")]


def test_provision_writes_config_certificate_and_admin(
    tmp_path: Path, test_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    env = isolated_env(test_env)
    assert main(provision_args(tmp_path), environ=env) == 0
    out = capsys.readouterr().out
    config = tmp_path / "etc" / "appliance.toml"
    data = tomllib.loads(config.read_text())
    assert data["appliance"] == {
        "room": "Bay 2",
        "profile": "cpu-embedded",
        "data_dir": str(tmp_path / "data"),
    }
    assert data["records"]["path"] == str(tmp_path / "data" / "records.sqlite3")
    assert "# shown to officers" in config.read_text(), "the documentation comments are kept"
    assert (tmp_path / "data" / "tls" / "cert.pem").is_file()
    assert (tmp_path / "data" / "tls" / "key.pem").stat().st_mode & 0o077 == 0
    assert admins(tmp_path / "data" / "records.sqlite3") == ["sgt.miller"]
    assert "created admin 'sgt.miller'" in out and "generated (self-signed)" in out
    assert PASSWORD not in out


def test_rerun_is_idempotent_and_keeps_records(
    tmp_path: Path, test_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    env = isolated_env(test_env)
    assert main(provision_args(tmp_path), environ=env) == 0
    config = tmp_path / "etc" / "appliance.toml"
    first, cert = config.read_text(), (tmp_path / "data" / "tls" / "cert.pem").read_bytes()
    capsys.readouterr()
    again = provision_args(tmp_path)
    again[again.index("--admin-user") + 1] = "someone.else"
    assert main(again, environ=env) == 0
    out = capsys.readouterr().out
    assert config.read_text() == first and "unchanged" in out
    assert (tmp_path / "data" / "tls" / "cert.pem").read_bytes() == cert
    assert "kept existing records" in out and "no account created" in out
    assert admins(tmp_path / "data" / "records.sqlite3") == ["sgt.miller"]


@pytest.mark.parametrize("password", ["short1A!", "password1234", "aaaaaaaaaaaaaaaa"])
def test_weak_password_is_refused_and_nothing_written(
    tmp_path: Path, test_env: dict[str, str], password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = provision_args(tmp_path)
    (tmp_path / "admin-password").write_text(password)
    assert main(args, environ=isolated_env(test_env)) == 2
    assert "password" in capsys.readouterr().err
    assert not (tmp_path / "etc").exists() and not (tmp_path / "data" / "records.sqlite3").exists()


def test_no_default_password(
    tmp_path: Path, test_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = provision_args(tmp_path)
    i = args.index("--admin-password-file")
    del args[i : i + 2]
    assert main(args, environ=isolated_env(test_env)) == 2
    assert "there is no default password" in capsys.readouterr().err
    assert not (tmp_path / "etc").exists()


def test_password_from_the_environment(tmp_path: Path, test_env: dict[str, str]) -> None:
    args = provision_args(tmp_path)
    i = args.index("--admin-password-file")
    del args[i : i + 2]
    env = {**isolated_env(test_env), "CODEBLU_ADMIN_PASSWORD": PASSWORD}
    assert main(args, environ=env) == 0
    assert admins(tmp_path / "data" / "records.sqlite3") == ["sgt.miller"]


def test_it_certificate_is_installed_and_a_mismatched_key_refused(
    tmp_path: Path, test_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    it = tmp_path / "it"
    it.mkdir()
    generate(it / "a.pem", it / "a.key", ["bay2.training.lan"], ["127.0.0.1"])
    generate(it / "b.pem", it / "b.key", ["bay2.training.lan"], ["127.0.0.1"])
    env = isolated_env(test_env)
    bad = provision_args(tmp_path, "--tls-cert", str(it / "a.pem"), "--tls-key", str(it / "b.key"))
    assert main(bad, environ=env) == 2
    err = capsys.readouterr().err
    assert f"certificate {it / 'a.pem'} does not match key {it / 'b.key'}" in err
    assert not (tmp_path / "etc").exists()
    good = provision_args(tmp_path, "--tls-cert", str(it / "a.pem"), "--tls-key", str(it / "a.key"))
    assert main(good, environ=env) == 0
    tls = tomllib.loads((tmp_path / "etc" / "appliance.toml").read_text())["tls"]
    assert Path(tls["cert"]).read_bytes() == (it / "a.pem").read_bytes()
    assert Path(tls["key"]).stat().st_mode & 0o077 == 0
    assert "installed" in capsys.readouterr().out


def test_missing_or_wrong_model_folder_names_the_key(
    tmp_path: Path, test_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    env = isolated_env(test_env)
    assert main(provision_args(tmp_path, "--asr-model", str(tmp_path / "nope")), environ=env) == 2
    assert f"models.asr: folder {tmp_path / 'nope'} does not exist" in capsys.readouterr().err
    empty = tmp_path / "whisper"
    empty.mkdir()
    assert main(provision_args(tmp_path, "--asr-model", str(empty)), environ=env) == 2
    assert "holds no CTranslate2 model.bin" in capsys.readouterr().err
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"not a gguf")
    assert main(provision_args(tmp_path, "--llm-model", str(gguf)), environ=env) == 2
    assert f"llm.model: {gguf} is not a GGUF file" in capsys.readouterr().err
    assert not (tmp_path / "etc").exists()


def test_a_broken_existing_config_is_named(
    tmp_path: Path, test_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "etc" / "appliance.toml"
    config.parent.mkdir()
    config.write_text("[server]\nprot = 8080\n")
    assert main(provision_args(tmp_path), environ=isolated_env(test_env)) == 2
    assert f"{config}: server.prot: unknown key" in capsys.readouterr().err
    assert config.read_text() == "[server]\nprot = 8080\n"


def test_unwritable_data_folder_is_named(
    tmp_path: Path, test_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    assert main(provision_args(tmp_path), environ=isolated_env(test_env)) == 2
    assert f"--data-dir {blocker}" in capsys.readouterr().err


def test_interactive_answers_fill_the_plan(tmp_path: Path) -> None:
    answers = {
        "Room name": "Bay 7",
        "Hardware profile": "gpu",
        "Data folder": str(tmp_path / "d"),
        "TLS certificate": "",
        "Whisper": str(tmp_path / "asr"),
        "LLM model": "",
    }
    asked: list[str] = []

    def ask(question: str, default: str) -> str:
        asked.append(question)
        return next(v for k, v in answers.items() if question.startswith(k))

    args = parser().parse_args(["--config-out", str(tmp_path / "a.toml")])
    plan = build_plan(args, {}, ask)
    assert (plan.room, plan.profile, plan.data_dir) == ("Bay 7", "gpu", tmp_path / "d")
    assert plan.asr_model == tmp_path / "asr" and plan.llm_model is None and plan.tls_cert is None
    assert len(asked) == 6
