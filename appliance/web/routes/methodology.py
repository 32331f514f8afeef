"""The methodology page: ``docs/methodology.md`` rendered on the appliance (no network needed)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from appliance.errors import ApplianceError

METHODOLOGY = Path(__file__).resolve().parents[3] / "docs" / "methodology.md"
_COMMENT = re.compile(r"^<!--.*-->\s*$", re.MULTILINE)
router = APIRouter(include_in_schema=False)

STYLE = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dee7;--accent:#1f4e8c}
*{box-sizing:border-box}body{margin:0;background:#f6f7f9;color:var(--ink);
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
nav{background:#fff;border-bottom:3px solid var(--accent);padding:10px 24px;display:flex;gap:18px}
nav a{color:var(--accent);font-weight:600;text-decoration:none}
main{max-width:980px;margin:0 auto;padding:8px 24px 48px;background:#fff}
h1{font-size:28px;margin:18px 0 8px}h2{font-size:21px;margin:30px 0 8px;color:var(--accent)}
table{border-collapse:collapse;width:100%;margin:10px 0;font-size:14px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f6}code{font-size:.9em;background:#eef1f6;padding:0 3px;border-radius:3px}
li{margin:4px 0}@media print{nav{display:none}main{max-width:none;padding:0}}
"""


class DocumentMissing(ApplianceError):
    """A page's source document is not installed with this appliance."""

    code = "document_missing"


@functools.cache
def _render(path: Path, mtime: float) -> str:
    """The page for one version of the document (cached until the file changes)."""
    text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    body = md.render(text)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>CodeBlu methodology</title><style>{STYLE}</style></head><body>
<nav><a href="/app/">Officer app</a><a href="/console/">Console</a></nav>
<main id="methodology">{body}</main></body></html>
"""


def render_methodology(path: Path = METHODOLOGY) -> str:
    """The methodology page as HTML; DocumentMissing when the file is not there."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise DocumentMissing(
            f"{path}: the methodology document is missing from this installation;"
            " reinstall the appliance from its release"
        ) from None
    return _render(path, mtime)


@router.get("/methodology", response_class=HTMLResponse)
async def methodology() -> HTMLResponse:
    """How the practice and the feedback are built, with the sources credited."""
    return HTMLResponse(render_methodology())
