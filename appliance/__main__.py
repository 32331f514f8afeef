"""``python -m appliance COMMAND``: the appliance's command line."""

from __future__ import annotations

import importlib
import sys

# command → (module with ``main(argv) -> int``, one-line help). Modules load only when chosen.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("appliance.serve", "run the appliance (API, sessions, models)"),
    "provision": (
        "appliance.provisioning.cli",
        "first-boot set-up: room, admin, TLS, profile, models, config",
    ),
    "doctor": ("appliance.doctor", "check the appliance end to end and report one table"),
    "converse": ("appliance.converse", "one voice turn from a WAV file"),
    "chat": ("appliance.chat", "text mode on a scenario card: officer lines in, replies out"),
    "review": ("appliance.review.cli", "score a session transcript (JSON or HTML)"),
    "prepare-models": ("appliance.inference.prepare", "locate and prepare the bundled models"),
    "backup": ("appliance.records.backup", "copy the records database while running (--out FILE)"),
    "restore": (
        "appliance.records.restore",
        "restore records from a backup (stop the appliance first)",
    ),
}


def _usage() -> str:
    rows = "\n".join(f"  {name:<15} {help_}" for name, (_, help_) in COMMANDS.items())
    return f"usage: python -m appliance COMMAND [ARGS]\n\ncommands:\n{rows}\n"


def main(argv: list[str] | None = None) -> int:
    """Dispatch to a command's ``main``."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"error: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return int(module.main(rest))


if __name__ == "__main__":
    sys.exit(main())
