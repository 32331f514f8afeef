"""The agitation weights of every card as one Markdown table (``docs/methodology.md`` holds it).

``python -m appliance.persona.weights_table`` prints it; a test keeps the page equal to it.
"""

from __future__ import annotations

from pathlib import Path

from appliance.persona.scenario import SCENARIO_DIR, list_scenarios
from appliance.persona.vocabulary import DIALOGUE_ACTS


def _num(value: float) -> str:
    return f"{value:+g}" if value else "0"


def markdown_table(directory: Path = SCENARIO_DIR) -> str:
    """Rows: each dialogue act, then interruption; columns: each card (by id)."""
    cards = list_scenarios(directory)
    head = "| act | " + " | ".join(f"`{c.id}`" for c in cards) + " |"
    rule = "| --- |" + " ---: |" * len(cards)
    rows = [
        f"| `{act}` | " + " | ".join(_num(c.agitation.weights.get(act, 0.0)) for c in cards) + " |"
        for act in DIALOGUE_ACTS
    ]
    rows.append(
        "| talking over the subject | "
        + " | ".join(_num(c.agitation.interruption) for c in cards)
        + " |"
    )
    return "\n".join([head, rule, *rows])


if __name__ == "__main__":
    print(markdown_table())
