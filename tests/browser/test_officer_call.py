"""A real browser end to end: an officer pairs and runs a call; an instructor watches it live.

Two headless Chromiums, as two devices: the instructor's console (cookie log-in) and the officer's
client (bearer token from a room code the console shows). The officer's microphone is a WAV of
three lines spoken by the bundled voice; the appliance answers with the real bundled models.
The instructor listens in while the call runs (WebRTC stats show audio arriving), then replays
the recording of the finished call (the transcript follows it, a quote of the review seeks it),
exports the hours roster and opens the methodology page the review links to.
Set CODEBLU_SCREENSHOTS=docs/screenshots to refresh the committed screenshots.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from appliance.records.access_audit import access_log
from appliance.records.assignments import create_assignment
from appliance.records.officers import create_officer

from ..live_app import staff_user
from .chromium import chromium, need_chromium, policy_violations, viewport, wait_for

LINES = [
    "Hi, I'm Officer Daniels with the police department. What's your name?",
    "I can see you're really upset. Can you tell me what's going on tonight?",
    "Take your time. I'm staying right here with you.",
]
INSTRUCTOR = ("sgt.morgan", "Console-Instructor-2026")
TRAINER = ("lt.ortiz", "Console-Training-Officer-2026")
TURN_S = 420.0  # a reply on a shared 2-core machine can be slow: wait generously, assert no time
DISCLAIMER = "Practice feedback, not a fitness-for-duty determination."

pytestmark = pytest.mark.slow


def _text(driver: Any, css: str) -> str:
    from selenium.webdriver.common.by import By

    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, css)).lower()


def _click(driver: Any, css: str) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    for _ in range(5):  # a live page re-renders while it is read: click the element anew
        try:
            driver.find_element(By.CSS_SELECTOR, css).click()
            return
        except StaleElementReferenceException:
            continue
    driver.find_element(By.CSS_SELECTOR, css).click()


def _type(driver: Any, css: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.CSS_SELECTOR, css)
    field.clear()
    field.send_keys(text)


def _visible(css: str) -> Callable[[Any], Any]:
    from selenium.webdriver.common.by import By

    def check(driver: Any) -> Any:
        found = [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
        return found[0] if found else False

    return check


def run_browsers(
    url: str, officer: dict[str, Any], wav: Path, profile: Path, shots: Path
) -> dict[str, Any]:
    """Drive both windows through the whole call; returns what the test asserts on."""
    seen: dict[str, Any] = {"csp": []}
    # Two browsers, as two devices: one browser's echo canceller takes everything that browser
    # plays as echo, so the console's listen-in (the officer's own voice among it) played in a
    # window of the officer's browser would be cancelled out of the officer's microphone.
    with chromium(profile / "console", wav) as console, chromium(profile / "officer", wav) as app:
        driver = console
        viewport(driver, 1440, 900)
        driver.get(f"{url}/console/")
        wait_for(driver, "the console's log-in form", 60, _visible("#username"))
        _type(driver, "#username", INSTRUCTOR[0])
        _type(driver, "#password", INSTRUCTOR[1])
        _click(driver, "#login-form button")
        wait_for(driver, "the live tab", 60, _visible("#live"))
        _click(driver, "[data-tab=officers]")
        wait_for(driver, "the officer in the list", 60, _visible("#officer-list button"))
        _click(driver, "#officer-list button")
        _click(driver, "#pair-code")
        code = wait_for(driver, "a pairing code", 60, lambda d: _text(d, "#pairing-code").strip())
        _click(driver, "[data-tab=live]")

        seen["csp"] += policy_violations(driver)
        driver = app
        viewport(driver, 1024, 768)
        driver.get(f"{url}/app/")
        wait_for(driver, "the pairing form", 60, _visible("#code"))
        _type(driver, "#code", code.upper())
        driver.save_screenshot(str(shots / "officer-tablet-pair.png"))
        _click(driver, "#pair-form button")
        assignment = wait_for(
            driver, "the officer's assignment", 60, _visible("#assignments button")
        )
        seen["assignment"] = assignment.text
        driver.save_screenshot(str(shots / "officer-tablet-assignments.png"))
        assignment.click()
        wait_for(driver, "the dispatch card", 60, _visible("#dispatch"))
        seen["dispatch"] = _text(driver, "#dispatch")
        driver.save_screenshot(str(shots / "officer-tablet-dispatch.png"))
        _click(driver, "#start")
        wait_for(
            driver, "the call to connect", 120, lambda d: "on the call" in _text(d, "#call-status")
        )
        seen["session_id"] = driver.execute_script("return document.body.dataset.session")

        seen["csp"] += policy_violations(driver)
        driver = console
        card = wait_for(driver, "the live session card", 120, _visible(".live-card"))
        seen["card"] = card.text.lower()
        card.click()
        wait_for(
            driver,
            "the officer's first line on the console",
            TURN_S,
            lambda d: "daniels" in _text(d, "#session-transcript .officer"),
        )
        seen["csp"] += policy_violations(driver)
        _click(driver, "#listen-toggle")  # listen in for the rest of the call
        driver = app
        wait_for(
            driver,
            "the subject's reply as a caption",
            TURN_S,
            lambda d: _text(d, ".captions .subject"),
        )
        seen["captions"] = _text(driver, ".captions")
        seen["officer_page"] = driver.find_element("css selector", "main").text.lower()
        driver.save_screenshot(str(shots / "officer-tablet-call.png"))
        viewport(driver, 1832, 1920)
        driver.save_screenshot(str(shots / "officer-headset-call.png"))
        viewport(driver, 1024, 768)

        seen["csp"] += policy_violations(driver)
        driver = console
        wait_for(
            driver,
            "the officer's second line on the console",
            TURN_S,
            lambda d: "upset" in _text(d, "#session-transcript .officer"),
        )
        seen["console_transcript"] = _text(driver, "#session-transcript")
        seen["console_agitation"] = _text(driver, "#session-agitation")
        wait_for(
            driver,
            "listen-in audio on the console",
            60,
            lambda d: "receiving audio" in _text(d, "#listen-state"),
        )
        seen["listen_stats"] = driver.execute_script("return Listen.lastStats")
        driver.save_screenshot(str(shots / "console-live-session.png"))
        driver.save_screenshot(str(shots / "console-listen-in.png"))
        _click(driver, "#session-back")
        wait_for(driver, "the grid", 30, _visible(".live-card"))
        driver.save_screenshot(str(shots / "console-live-grid.png"))

        seen["csp"] += policy_violations(driver)
        driver = app
        _click(driver, "#end")
        wait_for(
            driver,
            "the review page",
            TURN_S,
            lambda d: d.execute_script("return document.body.dataset.review") == "shown",
        )
        frame = driver.find_element("css selector", "#review-frame")
        seen["review_html"] = frame.get_attribute("srcdoc")
        driver.save_screenshot(str(shots / "officer-tablet-review.png"))
        viewport(driver, 1832, 1920)
        driver.save_screenshot(str(shots / "officer-headset-review.png"))

        seen["csp"] += policy_violations(driver)
        driver = console
        wait_for(
            driver,
            "the session to leave the live grid",
            60,
            lambda d: not d.find_elements("css selector", ".live-card"),
        )
        _click(driver, "[data-tab=sessions]")
        wait_for(
            driver,
            "the finished session's review",
            120,
            lambda d: "open review" in _text(d, "#sessions-body"),
        )
        seen["finished"] = _text(driver, "#sessions-body")
        _click(driver, "#sessions-body button")
        frame = wait_for(driver, "the review on the console", 60, _visible("#review-frame"))
        driver.switch_to.frame(frame)
        seen["console_review"] = wait_for(
            driver, "the review's page in its frame", 60, lambda d: _text(d, "footer")
        )
        driver.switch_to.default_content()
        _click(driver, "[data-tab=officers]")
        wait_for(driver, "the officer in the list", 60, _visible("#officer-list button"))
        _click(driver, "#officer-list button")
        wait_for(driver, "the progress chart", 60, _visible("#progress-chart svg"))
        seen["hours"] = _text(driver, "#hours-body")
        driver.save_screenshot(str(shots / "console-officer-progress.png"))
        seen["csp"] += policy_violations(driver)
        seen.update(replay_and_records(driver, url, shots))
    return seen


def _reload_sessions_until(text: str) -> Callable[[Any], Any]:
    def check(driver: Any) -> Any:
        if text in _text(driver, "#sessions-body"):
            return True
        _click(driver, "[data-tab=sessions]")  # the recording is registered just after the review
        return False

    return check


def replay_and_records(driver: Any, url: str, shots: Path) -> dict[str, Any]:
    """The console replays the finished call, then the hours roster and the methodology page."""
    seen: dict[str, Any] = {}
    _click(driver, "[data-tab=sessions]")
    wait_for(driver, "the call's recording", 120, _reload_sessions_until("recorded"))
    _click(driver, "#sessions-body button")
    play = wait_for(driver, "the replay button", 60, _visible("#replay-play"))
    wait_for(
        driver,
        "the review in its frame",
        60,
        lambda d: d.execute_script(
            "const f = document.getElementById('review-frame').contentDocument;"
            " return f && f.querySelectorAll('.ev a.ts[data-t]').length > 0"
        ),
    )
    play.click()
    audio = "document.getElementById('replay-audio')"
    wait_for(
        driver,
        "the recording to play",
        60,
        lambda d: d.execute_script(f"return !{audio}.paused && {audio}.currentTime > 1.5"),
    )
    line = wait_for(driver, "the transcript to follow", 30, _visible(".replay-line.current"))
    seen["replay_line"] = (line.text, line.get_attribute("data-t"))
    seen["replay_time"] = driver.execute_script(f"return {audio}.currentTime")
    driver.save_screenshot(str(shots / "console-replay.png"))

    frame = driver.find_element("css selector", "#review-frame")
    driver.switch_to.frame(frame)
    quotes = driver.find_elements("css selector", ".ev a.ts[data-t]")
    quote = max(quotes, key=lambda a: float(a.get_attribute("data-t")))
    seen["quote_t"] = float(quote.get_attribute("data-t"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", quote)
    quote.click()
    seen["methodology_link"] = driver.find_element("css selector", "a.methodology").get_attribute(
        "href"
    )
    driver.switch_to.default_content()
    target = seen["quote_t"]
    seen["seeked_to"] = wait_for(
        driver,
        "the quote's link to seek the recording",
        30,
        lambda d: (t := d.execute_script(f"return {audio}.currentTime")) is not None
        and target - 1.0 <= t <= target + 3.0
        and t,
    )
    driver.execute_script(f"{audio}.pause()")

    _click(driver, "#logout")  # hours are the training officer's
    wait_for(driver, "the console's log-in form", 60, _visible("#username"))
    _type(driver, "#username", TRAINER[0])
    _type(driver, "#password", TRAINER[1])
    _click(driver, "#login-form button")
    wait_for(driver, "the hours tab", 60, _visible("[data-tab=hours]"))
    _click(driver, "[data-tab=hours]")
    wait_for(driver, "the roster export", 30, _visible("#roster-csv"))
    driver.save_screenshot(str(shots / "console-hours.png"))
    roster = driver.find_element("css selector", "#roster-html").get_attribute("href")
    driver.get(roster)
    wait_for(driver, "the printable roster", 30, _visible(".officer"))
    seen["roster_page"] = driver.find_element("css selector", "body").text
    driver.save_screenshot(str(shots / "hours-roster.png"))

    driver.get(f"{url}/methodology")
    heading = wait_for(driver, "the methodology page", 30, _visible("#methodology h1"))
    seen["methodology_title"] = heading.text
    seen["methodology_resources"] = driver.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name)"
    )
    driver.save_screenshot(str(shots / "methodology.png"))
    return seen


async def test_officer_pairs_calls_and_sees_the_review_while_the_console_watches(
    tls_app: FastAPI,
    officer_wav: Callable[[list[str], float, float], Path],
    tmp_path: Path,
) -> None:
    need_chromium()
    db = tls_app.state.records
    instructor = await staff_user(db, *INSTRUCTOR, "instructor")
    await staff_user(db, *TRAINER, "training_officer")
    officer = await db.run(create_officer, "Dana Daniels", "B-2041", "Mesa PD")
    await db.run(
        create_assignment,
        officer["id"],
        "overpass_voices",
        "2026-12-01",
        "Practise your opening",
        instructor,
    )
    wav = officer_wav(LINES, 5.0, 35.0)
    shots = Path(os.environ.get("CODEBLU_SCREENSHOTS") or tmp_path / "shots")
    await asyncio.to_thread(shots.mkdir, parents=True, exist_ok=True)

    seen = await asyncio.to_thread(
        run_browsers, tls_app.state.test_url, officer, wav, tmp_path / "profile", shots
    )

    assert "overpass" in seen["assignment"].lower() or "voices" in seen["assignment"].lower()
    assert "overpass" in seen["dispatch"]
    assert "dana daniels" in seen["card"] and "agitation" in seen["card"]
    assert "subject:" in seen["captions"] and "you:" in seen["captions"]
    assert "agitation" not in seen["officer_page"]  # the officer never sees the gauge
    assert "daniels" in seen["console_transcript"] and "subject" in seen["console_transcript"]
    assert seen["console_agitation"].strip().isdigit()
    assert DISCLAIMER in seen["review_html"]
    assert DISCLAIMER.lower() in seen["console_review"]
    assert seen["csp"] == []  # both pages and the review work under the strict policy
    assert "dana daniels" in seen["finished"] and "no review" not in seen["finished"]
    assert "1" in seen["hours"]  # one session this month
    assert seen["listen_stats"]["packetsReceived"] > 0  # listen-in: audio frames arrived
    assert seen["listen_stats"]["totalSamplesReceived"] > 0
    line_text, line_t = seen["replay_line"]
    assert float(line_t) <= seen["replay_time"] + 0.1 and ":" in line_text  # it follows along
    assert seen["quote_t"] - 1.0 <= seen["seeked_to"] <= seen["quote_t"] + 3.0
    assert seen["methodology_link"].endswith("/methodology")  # linked from the review
    assert seen["methodology_title"] == "How CodeBlu's practice and feedback are built"
    assert all(r.startswith(tls_app.state.test_url) for r in seen["methodology_resources"])
    assert "Dana Daniels" in seen["roster_page"] and "Signature:" in seen["roster_page"]
    assert "instructor-supervised" in seen["roster_page"]  # the instructor watched and listened
    audit = await db.run(access_log, seen["session_id"])
    assert {a["action"] for a in audit} == {"watch", "listen", "replay"}
    assert {a["username"] for a in audit} == {INSTRUCTOR[0]}
    transcript = tls_app.state.sessions.transcript(seen["session_id"])
    assert transcript["officer"]["id"] == officer["id"]  # taken from the device's token
    assert transcript["outcome"] is not None
    officer_turns = [t["text"].lower() for t in transcript["turns"] if t["speaker"] == "officer"]
    assert len(officer_turns) >= 2 and "daniels" in officer_turns[0]
