"""Log set-up for journald: plain or JSON lines on stdout, session ids; no audio or transcripts."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from appliance.settings import LoggingSection

# Extras that hold what an officer said or heard: kept only on DEBUG records.
TRANSCRIPT_KEYS = frozenset(
    {"text", "transcript", "officer_text", "reply_text", "utterance", "prompt"}
)
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}
_PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def record_extras(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra=`` fields of a record (``session``, ``code``, …)."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


def _is_audio(value: object) -> bool:
    return isinstance(value, bytes | bytearray | memoryview) or hasattr(value, "__array__")


class PrivacyFilter(logging.Filter):
    """Drops audio from every record, and transcript text from records above DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the record in place; never drops the record itself."""
        for key, value in record_extras(record).items():
            if _is_audio(value) or (record.levelno > logging.DEBUG and key in TRANSCRIPT_KEYS):
                delattr(record, key)
        return True


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, then the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update(record_extras(record))
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """The classic one-line format, with ``key=value`` extras appended (``session=…``)."""

    def __init__(self) -> None:
        super().__init__(_PLAIN_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """The record as one human-readable line."""
        line = super().format(record)
        extras = " ".join(f"{k}={v}" for k, v in record_extras(record).items())
        return f"{line} [{extras}]" if extras else line


def setup_logging(cfg: LoggingSection, stream: TextIO | None = None) -> logging.Handler:
    """Route every logger to one stdout handler configured by ``[logging]``; returns the handler."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonLinesFormatter() if cfg.json_lines else PlainFormatter())
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(cfg.level)
    return handler
