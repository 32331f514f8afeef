from __future__ import annotations

import pytest

from appliance.dialogue.analysis import UtteranceAnalyzer, default_analyzer


@pytest.fixture(scope="session")
def analyzer() -> UtteranceAnalyzer:
    """The real MiniLM model and committed classifier, loaded once for the whole session."""
    return default_analyzer()
