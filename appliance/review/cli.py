"""``python -m appliance review TRANSCRIPT.json --format json|html [--out FILE]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from appliance.errors import ApplianceError
from appliance.review.html import render_html
from appliance.review.report import review_transcript
from appliance.transcript import MAX_BYTES, load_transcript_text


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print one line and exit 2 (argparse's own behaviour prints usage first)."""
        print(f"review: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="codeblu review", description="Score a session transcript and write its review."
    )
    p.add_argument("transcript", help="transcript JSON file ('-' for stdin)")
    p.add_argument("--format", choices=("json", "html"), default="json")
    p.add_argument("--out", help="write here instead of stdout")
    p.add_argument("--weights", help="JSON object of per-competency weights (from a scenario card)")
    return p


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1)
    p = Path(path)
    if not p.is_file():
        raise ApplianceError(f"transcript file not found: {path}", code="transcript_invalid")
    if p.stat().st_size > MAX_BYTES:
        raise ApplianceError(
            f"transcript is too large: {p.stat().st_size / 1048576:.1f} MB "
            f"(limit {MAX_BYTES // 1048576} MB)",
            code="transcript_invalid",
        )
    return p.read_bytes()


def main(argv: list[str]) -> int:
    """Run the review command; 0 on success, 2 with one line on stderr on any error."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        weights = json.loads(args.weights) if args.weights else None
        if weights is not None and not isinstance(weights, dict):
            raise ApplianceError("--weights must be a JSON object", code="transcript_invalid")
        review = review_transcript(load_transcript_text(_read(args.transcript)), weights=weights)
        text = (
            json.dumps(review.to_json(), indent=2, ensure_ascii=False) + "\n"
            if args.format == "json"
            else render_html(review)
        )
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    except ApplianceError as exc:
        print(f"review: {exc.message}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"review: --weights is not valid JSON: {exc.msg}", file=sys.stderr)
        return 2
    except RecursionError:
        print("review: --weights is nested too deeply: expected a JSON object", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"review: cannot read or write a file: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
