"""What the appliance needs at run time is declared, not borrowed from a test extra."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_websocket_library_is_a_runtime_dependency() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _names(project["dependencies"])
    assert "wsproto" in runtime  # the console's live feed is a WebSocket served by uvicorn
    import wsproto  # noqa: F401  (installed with the appliance, so serve can use it)
