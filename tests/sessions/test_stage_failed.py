"""While a model stage is failed, /healthz says so and new sessions are refused with the reason."""

from __future__ import annotations

import httpx
import pytest

from appliance.engine import Engine


async def test_no_new_session_while_the_llm_is_failed(
    api: httpx.AsyncClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert engine.llm_server is not None
    with monkeypatch.context() as m:  # as LLMServer leaves it after too many restarts
        m.setattr(engine.llm_server, "state", "failed")
        m.setattr(engine.llm_server, "detail", "exited with -9; 3 restarts in the last 600 s")
        health = await api.get("/healthz")
        refused = await api.post("/api/sessions", json={"scenario_id": "overpass_voices"})
    assert health.status_code == 503 and health.json()["stages"]["llm"]["state"] == "failed"
    assert refused.status_code == 503, refused.text
    body = refused.json()
    assert body["code"] == "stage_unavailable"
    assert "llm" in body["detail"] and "3 restarts in the last 600 s" in body["detail"]
    made = await api.post("/api/sessions", json={"scenario_id": "overpass_voices"})
    assert made.status_code == 201  # recovered: sessions start again
    await api.delete(f"/api/sessions/{made.json()['session_id']}")
