"""The package layout holds: layers import one way, the live path never imports the review."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "appliance"
MAX_LINES = 400


def _unit(path: Path) -> str:
    """Top-level sub-package or module of ``appliance`` a file belongs to."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports() -> dict[Path, set[str]]:
    """Every ``appliance.X`` a file imports (top level or inside functions), as X."""
    found: dict[Path, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
                if node.module == "appliance":
                    modules = [f"appliance.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            names |= {m.split(".")[1] for m in modules if m.startswith("appliance.")}
        found[path] = names
    return found


def test_the_live_path_never_imports_the_review() -> None:
    offenders = [
        f"{p.relative_to(REPO)} imports appliance.review"
        for p, names in _imports().items()
        if _unit(p) in {"persona", "sessions", "turn", "dialogue"} and "review" in names
    ]
    assert not offenders, offenders


def test_no_two_top_level_units_import_each_other() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for path, names in _imports().items():
        edges[_unit(path)] |= names - {_unit(path)}
    loops = sorted(f"{a} <-> {b}" for a in edges for b in edges[a] if a < b and a in edges[b])
    assert not loops, loops


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(REPO)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long
