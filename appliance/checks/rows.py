"""One row of the health report, and the report as a table or JSON."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail", "skip"]
_SHOWN = {"ok": "ok", "warn": "WARN", "fail": "FAIL", "skip": "skip"}
_DETAIL_WIDTH = 100


@dataclass(frozen=True)
class Row:
    """A check's outcome: what was checked, its status, what was found and the fix to try."""

    check: str
    status: Status
    detail: str
    fix: str = ""

    @property
    def failed(self) -> bool:
        """Whether this row makes the report fail."""
        return self.status == "fail"


def ok(check: str, detail: str) -> Row:
    """A passing row."""
    return Row(check, "ok", detail)


def fail(check: str, detail: str, fix: str) -> Row:
    """A failing row; every failure names the fix to try."""
    return Row(check, "fail", detail, fix)


def warn(check: str, detail: str, fix: str) -> Row:
    """Works, but not as it should; does not fail the report."""
    return Row(check, "warn", detail, fix)


def skip(check: str, reason: str) -> Row:
    """A check that does not apply here, with why."""
    return Row(check, "skip", reason)


def any_failed(rows: Sequence[Row]) -> bool:
    """Whether any row failed."""
    return any(r.failed for r in rows)


def _wrap(text: str) -> list[str]:
    # Paths stay whole so they can be copied from the terminal.
    return textwrap.wrap(text, _DETAIL_WIDTH, break_long_words=False, break_on_hyphens=False)


def render_table(rows: Sequence[Row]) -> str:
    """The rows as one aligned text table; a fix goes on the line under its row."""
    width = max([len("CHECK"), *(len(r.check) for r in rows)])
    indent = " " * (width + 2 + 6 + 2)
    lines = [f"{'CHECK':<{width}}  {'STATUS':<6}  DETAIL"]
    for r in rows:
        detail = _wrap(r.detail) or [""]
        lines.append(f"{r.check:<{width}}  {_SHOWN[r.status]:<6}  {detail[0]}")
        lines += [indent + more for more in detail[1:]]
        if r.fix:
            fix = _wrap(f"fix: {r.fix}")
            lines += [indent + part for part in fix]
    failed = sum(r.failed for r in rows)
    warned = sum(r.status == "warn" for r in rows)
    lines.append(f"\n{failed} failed, {warned} warnings, {len(rows)} checks")
    return "\n".join(lines)


def render_json(rows: Sequence[Row]) -> str:
    """The rows as a JSON document for scripts."""
    return json.dumps({"ok": not any_failed(rows), "rows": [asdict(r) for r in rows]}, indent=2)
