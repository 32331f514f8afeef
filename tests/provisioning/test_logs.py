"""Logs: JSON lines with session ids; transcript text only at DEBUG; never audio."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import numpy as np
import pytest

from appliance.logs import setup_logging
from appliance.settings import LoggingSection


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_json_lines_carry_the_session_id(restore_root: None) -> None:
    out = io.StringIO()
    setup_logging(LoggingSection(level="INFO", json=True), out)
    logging.getLogger("appliance.sessions").info("session created", extra={"session": "s-42"})
    record = json.loads(lines(out)[0])
    assert record["message"] == "session created" and record["session"] == "s-42"
    assert record["level"] == "INFO" and record["logger"] == "appliance.sessions"


def test_transcripts_only_at_debug_and_audio_never(restore_root: None) -> None:
    out = io.StringIO()
    setup_logging(LoggingSection(level="DEBUG", json=True), out)
    log = logging.getLogger("appliance.test")
    said = "my name is Alex and I hear voices"
    log.info("turn", extra={"session": "s1", "text": said, "pcm": np.zeros(4, np.int16)})
    log.debug("turn", extra={"session": "s1", "transcript": said, "audio": b"\x00\x01"})
    info, debug = (json.loads(line) for line in lines(out))
    assert info == {**info, "session": "s1"} and "text" not in info and "pcm" not in info
    assert debug["transcript"] == said and "audio" not in debug
    assert said not in lines(out)[0]


def test_plain_format_and_level(restore_root: None) -> None:
    out = io.StringIO()
    setup_logging(LoggingSection(level="WARNING"), out)
    log = logging.getLogger("appliance.test")
    log.info("hidden")
    log.warning("turn failed", extra={"session": "s9", "code": "asr_failed"})
    assert lines(out) == [lines(out)[0]] and lines(out)[0].endswith(
        "WARNING appliance.test: turn failed [session=s9 code=asr_failed]"
    )
