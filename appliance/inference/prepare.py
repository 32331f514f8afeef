"""``python -m appliance prepare-models``: locate and prepare every stage's model, report where."""

from __future__ import annotations

import argparse
import sys

from appliance.errors import ApplianceError
from appliance.inference.models import resolve_models
from appliance.settings import load_settings


def main(argv: list[str]) -> int:
    """Prepare the configured models (idempotent) and print their locations."""
    argparse.ArgumentParser(
        prog="python -m appliance prepare-models", description=__doc__
    ).parse_args(argv)
    try:
        paths = resolve_models(load_settings())
    except ApplianceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    for stage, path in vars(paths).items():
        print(f"{stage:<13} {path if path is not None else 'off'}")
    return 0
