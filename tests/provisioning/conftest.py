"""Fixtures: a provisioned appliance in a temporary folder, and helpers to run the commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.provisioning.cli import main as provision_main

from ..conftest import REPO, free_port

PASSWORD = "Correct-Horse-Battery-42"


def isolated_env(test_env: dict[str, str]) -> dict[str, str]:
    """Test ports and the shared model cache; the data folder comes from the provisioned config."""
    keep = ("CODEBLU_MODELS__CACHE_DIR", "CODEBLU_SERVER__HOST")
    env = {k: v for k, v in test_env.items() if k in keep}
    return {**env, "CODEBLU_SERVER__PORT": str(free_port()), "CODEBLU_LLM__PORT": str(free_port())}


def provision_args(tmp: Path, *extra: str) -> list[str]:
    """Non-interactive provisioning into ``tmp``."""
    pw = tmp / "admin-password"
    pw.write_text(PASSWORD + "\n")
    return [
        "--non-interactive",
        "--room",
        "Bay 2",
        "--profile",
        "cpu-embedded",
        "--admin-user",
        "sgt.miller",
        "--admin-password-file",
        str(pw),
        "--config-out",
        str(tmp / "etc" / "appliance.toml"),
        "--data-dir",
        str(tmp / "data"),
        *extra,
    ]


def run_module(
    code: str, env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code args`` in the repo with ``env`` added (no CODEBLU_* leaking in)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CODEBLU_")}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


DOCTOR = "import sys; from appliance.doctor import main; sys.exit(main(sys.argv[1:]))"
SERVE = "import sys; from appliance.serve import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(scope="module")
def provisioned(
    tmp_path_factory: pytest.TempPathFactory,
    test_env: dict[str, str],
) -> tuple[Path, dict[str, str]]:
    """A provisioned appliance: its config path and the environment to run it with."""
    tmp = tmp_path_factory.mktemp("provisioned")
    env = isolated_env(test_env)
    assert provision_main(provision_args(tmp), environ=env) == 0
    return tmp / "etc" / "appliance.toml", env
