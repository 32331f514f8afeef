from pathlib import Path

import pytest
from pydantic import ValidationError

from appliance.errors import ConfigError
from appliance.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "appliance.toml"
    path.write_text(text)
    return path


def test_shipped_config_loads_embedded_profile() -> None:
    s = load_settings(environ={})
    assert s.appliance.profile == "cpu-embedded"
    assert s.llm.mode == "llama_cpp" and s.models.asr == "bundled"


def test_gpu_profile_selects_vllm_and_cuda(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, '[appliance]\nprofile = "gpu"\n'), environ={})
    assert s.llm.mode == "vllm" and s.models.asr_device == "cuda"
    assert "--enable-prefix-caching" in s.llm.extra_args


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[server]\nport = 9000\n")
    s = load_settings(
        path, environ={"CODEBLU_SERVER__PORT": "9100", "CODEBLU_APPLIANCE__ROOM": "Bay 2"}
    )
    assert s.server.port == 9100 and s.appliance.room == "Bay 2"


def test_settings_are_immutable() -> None:
    s = load_settings(environ={})
    with pytest.raises(ValidationError):
        s.server.port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[server]\nprot = 80\n", "server.prot: unknown key"),
        ('[server]\nport = "eighty"\n', "server.port:"),
        ("[server]\nport = 70000\n", "server.port:"),
        ("[turn]\nvad_threshold = 1.5\n", "turn.vad_threshold:"),
        ("[turn]\nturn_end_threshold = 1.0\n", "turn.turn_end_threshold:"),
        ("[turn]\nturn_end_silence_ms = 10\n", "turn.turn_end_silence_ms:"),
        ("[turn]\nmin_silence_ms = 300\nturn_end_silence_ms = 400\n", "must not exceed"),
        ("[turn]\nspeculative_asr_ms = 400\n", "turn_end_listen_ms (300) must lie between"),
        ("[models]\nturn_end_threads = 0\n", "models.turn_end_threads:"),
        ('[llm]\nmode = "external"\n', "llm.url"),
        ('[appliance]\nprofile = "quantum"\n', "appliance.profile: unknown profile"),
        ("[server\nport = 1\n", "not valid TOML"),
    ],
)
def test_bad_config_names_file_key_and_reason(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path, environ={})
    assert needle in str(err.value)
    assert str(path) in str(err.value)


def test_bad_environment_override_is_attributed_to_the_environment() -> None:
    with pytest.raises(ConfigError, match=r"environment: server\.max_sessions"):
        load_settings(environ={"CODEBLU_SERVER__MAX_SESSIONS": "0"})


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_turn_end_settings_have_defaults_and_overrides(tmp_path: Path) -> None:
    turn = load_settings(environ={}).turn
    assert turn.turn_end_silence_ms < turn.min_silence_ms and 0 < turn.turn_end_threshold < 1
    s = load_settings(
        write(tmp_path, "[turn]\nturn_end_silence_ms = 150\nturn_end_threshold = 0.7\n"),
        environ={"CODEBLU_MODELS__TURN_END": '"off"'},
    )
    assert s.turn.turn_end_silence_ms == 150 and s.turn.turn_end_threshold == 0.7
    assert s.models.turn_end == "off"
