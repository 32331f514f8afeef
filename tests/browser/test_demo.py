"""A real browser tries the demo: no pairing, the demo card, a spoken line, the subject's reply
as a caption, then the review of the call. Demo mode is on from the appliance's config.

Set CODEBLU_SCREENSHOTS=docs/screenshots to refresh docs/screenshots/demo.png.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from fastapi import FastAPI

from appliance.app import create_app
from appliance.certificates import uvicorn_ssl_kwargs
from appliance.engine import Engine
from appliance.records.sessions import get_session
from appliance.settings import Settings
from appliance.web.demo import DEMO_OFFICER, DEMO_SCENARIO

from ..live_app import served
from .chromium import chromium, need_chromium, policy_violations, viewport, wait_for

LINES = [
    "Hi, I'm Officer Daniels with the city police. What's your name?",
    "It sounds like tonight has been really hard. What happened?",
]
TURN_S = 420.0  # a reply on a shared 2-core machine can be slow: wait generously, assert no time
DISCLAIMER = "Practice feedback, not a fitness-for-duty determination."

pytestmark = pytest.mark.slow


@pytest_asyncio.fixture(scope="module")
async def demo_app(
    settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    """The appliance over HTTPS with ``[server] demo_mode = true``, on records of its own."""
    records = tmp_path_factory.mktemp("demo-records") / "records.sqlite3"
    update = {
        "server": settings.server.model_copy(update={"demo_mode": True}),
        "records": settings.records.model_copy(update={"path": records}),
    }
    app = create_app(settings.model_copy(update=update), engine, advertise=False)
    async with served(app, **uvicorn_ssl_kwargs(settings)) as url:
        app.state.test_url = url
        yield app


def _text(driver: Any, css: str) -> str:
    return " ".join(e.text for e in driver.find_elements("css selector", css)).lower()


def _visible(css: str) -> Callable[[Any], Any]:
    def check(driver: Any) -> Any:
        found = [e for e in driver.find_elements("css selector", css) if e.is_displayed()]
        return found[0] if found else False

    return check


def try_the_demo(url: str, wav: Path, profile: Path, shots: Path) -> dict[str, Any]:
    """From the start page through the demo call to its review; what the test asserts on."""
    seen: dict[str, Any] = {"csp": []}
    with chromium(profile, wav) as driver:
        viewport(driver, 1024, 768)
        driver.get(f"{url}/")  # the appliance's address opens the officer's start page
        button = wait_for(driver, "the demo offer", 60, _visible("#try-demo"))
        seen["start_page"] = driver.find_element("css selector", "main").text.lower()
        button.click()
        wait_for(driver, "the demo's dispatch card", 60, _visible("#dispatch"))
        seen["dispatch"] = _text(driver, "#dispatch")
        seen["limit"] = _text(driver, "#brief-limit")
        driver.find_element("css selector", "#start").click()
        wait_for(
            driver, "the call to connect", 120, lambda d: "on the call" in _text(d, "#call-status")
        )
        seen["session_id"] = driver.execute_script("return document.body.dataset.session")
        wait_for(
            driver,
            "the officer's line as a caption",
            TURN_S,
            lambda d: "daniels" in _text(d, ".captions .officer"),
        )
        wait_for(
            driver,
            "the subject's reply as a caption",
            TURN_S,
            lambda d: _text(d, ".captions .subject"),
        )
        seen["captions"] = _text(driver, ".captions")
        seen["header"] = _text(driver, "#who")
        driver.save_screenshot(str(shots / "demo.png"))
        seen["csp"] += policy_violations(driver)
        driver.find_element("css selector", "#end").click()
        wait_for(
            driver,
            "the demo's review",
            TURN_S,
            lambda d: d.execute_script("return document.body.dataset.review") == "shown",
        )
        seen["review_html"] = driver.find_element("css selector", "#review-frame").get_attribute(
            "srcdoc"
        )
        seen["done"] = _text(driver, "#done")
        seen["csp"] += policy_violations(driver)
        driver.find_element("css selector", "#done").click()
        wait_for(driver, "the start page again", 60, _visible("#try-demo"))
    return seen


async def test_a_visitor_tries_the_demo_from_the_start_page_and_reads_its_review(
    demo_app: FastAPI,
    officer_wav: Callable[[list[str], float, float], Path],
    tmp_path: Path,
) -> None:
    need_chromium()
    wav = officer_wav(LINES, 5.0, 30.0)
    shots = Path(os.environ.get("CODEBLU_SCREENSHOTS") or tmp_path / "shots")
    await asyncio.to_thread(shots.mkdir, parents=True, exist_ok=True)

    seen = await asyncio.to_thread(
        try_the_demo, demo_app.state.test_url, wav, tmp_path / "profile", shots
    )

    assert "room code" in seen["start_page"] and "try the demo" in seen["start_page"]
    assert "bus shelter" in seen["dispatch"] and "not counted as training" in seen["limit"]
    assert "you:" in seen["captions"] and "subject:" in seen["captions"]
    assert seen["header"] == "demo call"
    assert DISCLAIMER in seen["review_html"]
    assert seen["done"] == "back to the start page"
    assert seen["csp"] == []  # the start page, the call and the review under the strict policy
    transcript = demo_app.state.sessions.transcript(seen["session_id"])
    assert transcript["demo"] is True and transcript["scenario_id"] == DEMO_SCENARIO
    assert transcript["officer"] == DEMO_OFFICER  # nobody paired, nobody registered
    said = [t["text"].lower() for t in transcript["turns"] if t["speaker"] == "officer"]
    assert said and "daniels" in said[0]
    row = await demo_app.state.records.run(get_session, seen["session_id"])
    assert row["demo"] is True and row["status"] == "finished"
