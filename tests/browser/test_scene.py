"""The scene in a real browser: every card's place renders (WebGL, software GL), the subject's
figure takes each stage's pose from ``persona.state``, and the officer's call page shows it.

Screenshots go to ``$CODEBLU_SCREENSHOTS/xr/`` (set CODEBLU_SCREENSHOTS=docs/screenshots to
refresh the committed ones), else to a temporary folder.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
from fastapi import FastAPI

from appliance.audio.frames import write_wav
from appliance.persona.scenario import Scenario, list_scenarios, load_scenario
from appliance.persona.vocabulary import STAGES

from ..live_app import pair_device
from .chromium import chromium, need_chromium, viewport, wait_for

WEBGL = ("--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--enable-webgl")
POSTURES = {"standing", "climbing", "sitting", "crouching", "leaning", "confronting", "pacing"}
GESTURES = {
    "neutral",
    "stop",
    "hands_to_head",
    "rocking",
    "flailing",
    "arms_crossed",
    "pointing",
    "holding",
}


def state_event(card: Scenario, stage: str) -> dict[str, Any]:
    """A ``persona.state`` event of one stage of a card, as the appliance sends it."""
    vr = card.stages.get(stage).vr
    cue = {"posture": vr.posture, "gesture": vr.gesture, "distance_m": vr.distance_m}
    return {"type": "persona.state", "t": 1.0, "agitation": 50.0, "stage": stage, "cue": cue}


def shots_dir(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("CODEBLU_SCREENSHOTS") or tmp_path / "shots") / "xr"
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def silence(tmp_path: Path) -> Path:
    path = tmp_path / "silence.wav"
    write_wav(path, np.zeros(48_000 * 30, np.float32), 48_000)
    return path


def snapshot(driver: Any) -> dict[str, Any]:
    found: dict[str, Any] = driver.execute_script("return window.CodeBluScene.preview.snapshot()")
    return found


def drawn(driver: Any) -> int:
    """Distinct colours in a sample of the canvas: a blank (or failed) WebGL canvas has one."""
    colours: int = driver.execute_script(
        """
        const c = document.querySelector('#scene canvas');
        const g = document.createElement('canvas');
        g.width = 64; g.height = 48;
        const x = g.getContext('2d');
        x.drawImage(c, 0, 0, 64, 48);
        const d = x.getImageData(0, 0, 64, 48).data, seen = new Set();
        for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return seen.size;
        """
    )
    return colours


def preview_every_card(url: str, tmp_path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    shots = shots_dir(tmp_path)
    seen: dict[str, dict[str, dict[str, Any]]] = {}
    with chromium(tmp_path / "profile", silence(tmp_path), WEBGL) as driver:
        viewport(driver, 1024, 640)
        for card in list_scenarios():
            query = {"kind": card.scene.kind, "characters": ",".join(c.id for c in card.characters)}
            driver.get(f"{url}/app/scene.html?{urlencode(query)}")
            wait_for(
                driver,
                "the scene page",
                30,
                lambda d: d.execute_script("return document.body.dataset.ready === 'yes'"),
            )
            seen[card.id] = {}
            for stage in STAGES:
                event = state_event(card, stage)
                driver.execute_script("window.CodeBluScene.preview.state(arguments[0])", event)
                target = event["cue"]["distance_m"]
                wait_for(
                    driver,
                    f"{card.id} to stand at {stage}'s distance",
                    20,
                    lambda d, t=target: abs(snapshot(d)["distance_m"] - t) < 0.05,
                )
                time.sleep(0.2)
                shown = snapshot(driver)
                shown["attributes"] = driver.execute_script(
                    "return Object.assign({}, document.getElementById('scene').dataset)"
                )
                shown["colours"] = drawn(driver)
                seen[card.id][stage] = shown
                if stage == "agitated":
                    driver.save_screenshot(str(shots / f"{card.id}.png"))
    return seen


async def test_every_card_renders_and_the_figure_takes_each_stages_pose(
    tls_app: FastAPI, tmp_path: Path
) -> None:
    need_chromium()
    started = time.time()
    seen = await asyncio.to_thread(preview_every_card, tls_app.state.test_url, tmp_path)
    assert set(seen) == {c.id for c in list_scenarios()}
    # Every card, the demo's bus shelter too, has a fresh screenshot of its agitated stage.
    assert seen["demo_bus_shelter"]["calm"]["attributes"]["kind"] == "bus_shelter"
    for card_id in seen:
        shot = shots_dir(tmp_path) / f"{card_id}.png"
        assert shot.is_file() and shot.stat().st_mtime >= started - 1, shot
    for card_id, stages in seen.items():
        card = load_scenario(card_id)
        for stage, shown in stages.items():
            vr = card.stages.get(stage).vr
            posture, gesture = shown["pose"].split("/")
            assert posture in POSTURES and gesture in GESTURES, (card_id, stage, shown)
            assert shown["attributes"]["posture"] == vr.posture
            assert shown["attributes"]["stage"] == stage
            assert shown["attributes"]["kind"] == card.scene.kind
            assert shown["colours"] > 8, f"{card_id} {stage}: the WebGL canvas is blank"
            beside = [
                f"{c.id}:{'officer' if c.id == 'clinician' else 'subject'}" for c in card.characters
            ]
            assert shown["others"] == beside
        # The figure follows the state: different cues, different limbs.
        assert len({json.dumps([s["arms"], s["legs"], s["body_y"]]) for s in stages.values()}) > 1
    overpass = {stage: shown["pose"] for stage, shown in seen["overpass_voices"].items()}
    assert overpass == {
        "calm": "standing/neutral",
        "guarded": "leaning/neutral",
        "agitated": "leaning/hands_to_head",
        "hostile": "climbing/stop",
        "peak": "climbing/flailing",
    }
    sitting = seen["traffic_stop_filming"]["calm"]
    assert sitting["pose"].startswith("sitting/") and sitting["body_y"] < -0.3
    pacing = {json.dumps(s["arms"]) for s in seen["bar_intoxicated"].values()}
    assert len(pacing) > 1


def call_page(url: str, token: str, officer: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    shots = shots_dir(tmp_path)
    with chromium(tmp_path / "call-profile", silence(tmp_path), WEBGL) as driver:
        viewport(driver, 1024, 768)
        driver.get(f"{url}/app/")
        device = json.dumps({"token": token, "officer": officer})
        driver.execute_script("sessionStorage.setItem('codeblu.device', arguments[0])", device)
        driver.get(f"{url}/app/")
        title = load_scenario("overpass_voices").title
        button = wait_for(
            driver,
            "the scenario list",
            60,
            lambda d: next(
                (
                    b
                    for b in d.find_elements("css selector", "#scenarios button")
                    if title in b.text
                ),
                None,
            ),
        )
        button.click()
        wait_for(driver, "the dispatch card", 30, lambda d: d.find_element("id", "start"))
        driver.find_element("id", "start").click()
        wait_for(
            driver,
            "the scene on the call page",
            90,
            lambda d: d.execute_script(
                "const s = document.getElementById('scene');"
                "return !s.hidden && s.dataset.stage && s.querySelector('canvas')"
            ),
        )
        time.sleep(1.0)
        shown = dict(
            driver.execute_script(
                "return Object.assign({}, document.getElementById('scene').dataset)"
            )
        )
        shown["vr_button_hidden"] = driver.execute_script(
            "return document.getElementById('enter-vr').hidden"
        )
        driver.save_screenshot(str(shots / "officer-tablet-call-scene.png"))
        driver.find_element("id", "end").click()
        wait_for(
            driver,
            "the review screen",
            60,
            lambda d: d.execute_script("return document.body.dataset.screen === 'review'"),
        )
        shown["scene_after"] = driver.execute_script(
            "return document.getElementById('scene').hidden"
        )
        return shown


async def test_the_call_page_shows_the_scene_of_the_card(tls_app: FastAPI, tmp_path: Path) -> None:
    need_chromium()
    paired = await pair_device(tls_app.state.records, "Officer Scene", "S-9")
    officer = {"name": paired.officer["name"], "id": paired.officer["id"]}
    shown = await asyncio.to_thread(
        call_page, tls_app.state.test_url, paired.token, officer, tmp_path
    )
    card = load_scenario("overpass_voices")
    start_stage = shown["stage"]
    assert start_stage in STAGES and shown["kind"] == card.scene.kind
    assert shown["posture"] == card.stages.get(start_stage).vr.posture
    assert shown["pose"].split("/")[0] in POSTURES
    assert shown["vr_button_hidden"] is True  # headless Chromium offers no immersive VR
    assert shown["scene_after"] is True


VOICE = """
const s = window.CodeBluScene.preview;
const ac = new AudioContext(), dest = ac.createMediaStreamDestination();
const tone = ac.createOscillator();
tone.connect(dest);
tone.start();
const element = new Audio();
element.srcObject = dest.stream;
element.play().catch(() => {});
s.voice(dest.stream, element);
"""

HEADSET = """
const s = window.CodeBluScene.preview, xr = s.renderer.xr, [x, y, z, turn] = arguments[0];
const orientation = {x: 0, y: Math.sin(turn / 2), z: 0, w: Math.cos(turn / 2)};
const viewer = {transform: {position: {x, y, z}, orientation}};
xr.getReferenceSpace = () => ({});
xr.getFrame = () => ({getViewerPose: () => viewer});
s.render = s.renderer.render;
s.renderer.render = () => {};  // no XR session to draw into; the pose is what is tested
s.sent = [];
s.onPose = (distance, rate) => s.sent.push([distance, rate, performance.now() / 1000]);
xr.isPresenting = true;
"""


def hears(driver: Any, listener: list[float], forward: list[float]) -> bool:
    heard = snapshot(driver)["hearing"]
    if not heard or None in heard["listener"] or None in heard["forward"]:
        return False
    close = [
        abs(a - b) < 0.02
        for a, b in zip(heard["listener"] + heard["forward"], listener + forward, strict=True)
    ]
    return all(close) and abs(heard["up"][1] - 1) < 0.02


def listen_in_the_preview(url: str, tmp_path: Path) -> dict[str, Any]:
    with chromium(tmp_path / "voice-profile", silence(tmp_path), WEBGL) as driver:
        viewport(driver, 640, 400)
        driver.get(f"{url}/app/scene.html?kind=overpass")
        wait_for(
            driver,
            "the scene page",
            30,
            lambda d: d.execute_script("return document.body.dataset.ready === 'yes'"),
        )
        driver.execute_script(VOICE)
        heard: dict[str, Any] = {}
        # A tablet: the fixed inline camera at eye height, looking ahead (-z) and down at him
        # (his chest, 1.1 m up, at the default 4 m).
        tilt = math.atan2(1.6 - 1.1, 4.0)
        ahead = [0, -math.sin(tilt), -math.cos(tilt)]
        wait_for(
            driver,
            "the listener at the inline camera",
            20,
            lambda d: hears(d, [0, 1.6, 0], ahead),
        )
        heard["tablet"] = snapshot(driver)["hearing"]
        # The inline camera moved and turned left: the listener goes with it.
        driver.execute_script(
            "const c = window.CodeBluScene.preview.camera;"
            "c.position.set(0.5, 1.6, -1); c.rotation.set(0, Math.PI / 2, 0);"
        )
        wait_for(
            driver, "the listener to turn left", 20, lambda d: hears(d, [0.5, 1.6, -1], [-1, 0, 0])
        )
        # A headset: the viewer pose of each XR frame, turned to the right, two metres closer.
        driver.execute_script(HEADSET, [0.2, 1.7, -1.5, -math.pi / 2])
        wait_for(
            driver,
            "the listener at the headset",
            20,
            lambda d: hears(d, [0.2, 1.7, -1.5], [1, 0, 0]),
        )
        heard["headset"] = snapshot(driver)["hearing"]
        time.sleep(1.0)
        heard["sent"] = driver.execute_script("return window.CodeBluScene.preview.sent")
        return heard


async def test_the_voice_follows_the_officers_head(tls_app: FastAPI, tmp_path: Path) -> None:
    need_chromium()
    heard = await asyncio.to_thread(listen_in_the_preview, tls_app.state.test_url, tmp_path)
    # His voice comes from his head, four metres ahead (the default distance), wherever one stands.
    for where in ("tablet", "headset"):
        x, y, z = heard[where]["voice"]
        assert abs(x) < 0.1 and 1.4 < y < 1.8 and abs(z + 4) < 0.1, heard
    # The headset's distance went out at about five a second: 2.5 m, standing still.
    sent = heard["sent"]
    assert len(sent) >= 2, sent
    assert all(abs(d - math.hypot(0.2, 2.5)) < 0.05 and abs(r) < 0.05 for d, r, _ in sent), sent
    gaps = [b[2] - a[2] for a, b in zip(sent, sent[1:], strict=False)]
    assert min(gaps) >= 0.19 and max(gaps) < 1.0, gaps
