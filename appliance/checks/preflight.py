"""Start-up checks of ``serve``: the cheap ones of ``doctor``, failing on the first with its fix."""

from __future__ import annotations

from appliance.checks.host import folder_rows, port_rows
from appliance.checks.rows import Row
from appliance.errors import ConfigError
from appliance.settings import Settings


def preflight_rows(settings: Settings) -> list[Row]:
    """Ports free, data and records folders writable (models and TLS are checked as they load)."""
    return [*port_rows(settings, running=False), *folder_rows(settings)]


def preflight(settings: Settings) -> None:
    """Raise ``ConfigError`` naming the key or path and the fix, before any model loads."""
    for row in preflight_rows(settings):
        if row.failed:
            raise ConfigError(f"{row.detail} ({row.fix})")
