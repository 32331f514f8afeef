"""The review CLI: formats, --out, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.dialogue.analysis import UtteranceAnalyzer
from appliance.review.cli import main

from .conftest import TRANSCRIPTS

PAIR = str(TRANSCRIPTS / "store_disorderly.skilled.json")


def test_json_and_html_to_file(tmp_path: Path, analyzer: UtteranceAnalyzer) -> None:
    out = tmp_path / "r.json"
    assert main([PAIR, "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["scenario_id"] == "store_disorderly" and len(data["competencies"]) == 8
    html = tmp_path / "r.html"
    assert main([PAIR, "--format", "html", "--out", str(html)]) == 0
    assert "<svg" in html.read_text(encoding="utf-8")


def test_weights_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], analyzer: UtteranceAnalyzer
) -> None:
    assert main([PAIR, "--weights", '{"empathy": 3}']) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["weights"]["empathy"] == 3.0
    assert main([PAIR, "--weights", "[1]"]) == 2
    assert main([PAIR, "--weights", '{"nope": 1}']) == 2


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("this is not json", "not valid JSON"),
        ('{"scenario_id": "x", "turns": []}', "no turns"),
        ('{"scenario_id": "x"}', "missing the field 'turns'"),
        (
            '{"scenario_id": "x", "turns": '
            '[{"speaker": "subject", "start": 0, "end": 1, "text": "hi"}]}',
            "no officer turns",
        ),
    ],
)
def test_errors_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main([str(bad), "--format", "html"]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/no/such/file.json"]) == 2
    assert "not found" in capsys.readouterr().err
    assert main([PAIR, "--format", "pdf"]) == 2
    assert main([]) == 2


def test_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "appliance.review.cli", "/no/such.json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("review:")


LONE = '{"speaker": "officer", "start": 0, "end": 1, "text": "Hello, how are you?"}'


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        (
            '{"scenario_id": "x", "turns": [' + "[" * 50_000 + "]" * 50_000 + "]}",
            "nested too deeply",
        ),
        (
            '{"scenario_id": "x", "turns": '
            '[{"speaker": "officer", "start": 0, "end": 1, "text": "hi \\ud800 there"}]}',
            "turns[0].text is not valid Unicode text",
        ),
        (
            '{"scenario_id": "x", "officer": {"id": "a", "name": "\\udfff"}, "turns": ['
            + LONE
            + "]}",
            "officer.name is not valid Unicode text",
        ),
        (
            '{"scenario_id": "x\\ud83d", "turns": [' + LONE + "]}",
            "scenario_id is not valid Unicode text",
        ),
    ],
)
def test_hostile_json_is_a_clean_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    bad = tmp_path / "hostile.json"
    bad.write_text(content, encoding="utf-8")
    for fmt in ("json", "html"):
        assert main([str(bad), "--format", fmt]) == 2
        err = capsys.readouterr().err
        assert needle in err and err.count("\n") == 1 and "Traceback" not in err, err[:300]


def test_hostile_json_through_the_appliance_command(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "review", str(deep)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("review: transcript is nested too deeply")
