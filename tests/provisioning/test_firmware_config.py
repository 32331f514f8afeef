"""firmware_config/: keys documented with defaults, profiles load, units pass systemd-analyze."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from appliance.provisioning.config_edit import set_keys
from appliance.settings import CONFIG_DIR, Settings, load_settings

UNITS = ("codeblu.service", "codeblu-llm.service")


def documented_keys() -> dict[tuple[str, str], object]:
    """(section, key) → value for every active or commented ``key = value`` line."""
    out: dict[tuple[str, str], object] = {}
    section = ""
    for line in (CONFIG_DIR / "appliance.toml").read_text().splitlines():
        if m := re.match(r"^\[(\w+)\]", line):
            section = m.group(1)
            continue
        m = re.match(r"^#? ?(\w+) = (.*?)(\s+#.*)?$", line)
        if m and section:
            out[(section, m.group(1))] = tomllib.loads(f"v = {m.group(2)}")["v"]
    return out


def test_every_key_is_documented_with_its_default() -> None:
    documented = documented_keys()
    for name, field in Settings.model_fields.items():
        if field.exclude:
            continue
        section = field.default
        assert isinstance(section, BaseModel)
        for key, sub in type(section).model_fields.items():
            toml_key = sub.alias or key
            assert (name, toml_key) in documented, f"[{name}] {toml_key} is not in appliance.toml"
            default = getattr(section, key)
            if default is not None:
                want = str(default) if isinstance(default, Path) else default
                want = list(want) if isinstance(want, tuple) else want
                assert documented[(name, toml_key)] == want, f"[{name}] {toml_key}"


def test_shipped_file_equals_the_defaults() -> None:
    profile_only = load_settings(CONFIG_DIR / "profiles" / "cpu-embedded.toml", environ={})
    assert load_settings(environ={}).model_dump() == profile_only.model_dump()


@pytest.mark.parametrize("profile", ["cpu-embedded", "gpu", "jetson"])
def test_each_profile_loads(profile: str, tmp_path: Path) -> None:
    config = tmp_path / "appliance.toml"
    config.write_text(
        set_keys((CONFIG_DIR / "appliance.toml").read_text(), {"appliance": {"profile": profile}})
    )
    s = load_settings(config, environ={})
    assert s.appliance.profile == profile
    modes = {"cpu-embedded": "llama_cpp", "gpu": "vllm", "jetson": "llama_cpp"}
    assert s.llm.mode == modes[profile]


def test_external_llm_example_from_the_scale_out_note_loads(tmp_path: Path) -> None:
    note = (CONFIG_DIR / "scale-out.md").read_text()
    block = note.split("Then every appliance uses it:\n\n```toml\n", 1)[1].split("```", 1)[0]
    config = tmp_path / "appliance.toml"
    config.write_text(block)
    s = load_settings(config, environ={})
    assert s.llm.mode == "external" and s.llm.url == "http://llm-cluster.training.lan:8000/v1"


def test_systemd_units_pass_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    # verify checks that ExecStart's binary exists: a stand-in tree in place of /opt/codeblu.
    root = tmp_path / "opt"
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to(sys.executable)
    vllm = root / ".venv" / "bin" / "vllm"
    vllm.write_text("#!/bin/sh\n")
    vllm.chmod(0o755)
    for unit in UNITS:
        text = (CONFIG_DIR / "systemd" / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/opt/codeblu", str(root)))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *UNITS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == result.stderr.strip() == "", "warnings: " + result.stderr


def test_units_are_hardened() -> None:
    for unit in UNITS:
        text = (CONFIG_DIR / "systemd" / unit).read_text()
        for line in (
            "User=codeblu",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "CapabilityBoundingSet=\n",
            "Restart=on-failure",
            "ReadWritePaths=/var/lib/",
        ):
            assert line in text, f"{unit}: {line.strip()}"
