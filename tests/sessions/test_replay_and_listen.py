"""Recording, replay and listen-in on loopback: real models, real WebRTC, real records.

With ``[records] keep_audio`` on, a session is recorded as Ogg/Opus (officer left, subject right,
on the transcript's clock); a console peer hears both sides live over a receive-only connection;
each replay and listen-in is in the access audit; bad requests are refused and write nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import time
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import pytest
import pytest_asyncio
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from fastapi import FastAPI

from appliance.app import create_app
from appliance.audio.frames import SAMPLE_RATE
from appliance.engine import Engine
from appliance.records.hours import SUPERVISED
from appliance.records.sessions import get_session, save_session
from appliance.settings import Settings
from headset_client import HeadsetClient
from tests.records.helpers import transcript as stored_transcript

from ..live_app import pair_device, served, staff_user

Speak = Callable[[str], np.ndarray]
STAFF = {
    "instructor": ("sgt.replay", "Replay-Instructor-2026"),
    "training_officer": ("to.replay", "Replay-Training-2026"),
    "admin": ("admin.replay", "Replay-Admin-Pass-2026"),
}
LINE = "Hi, I'm Officer Daniels with the police department. Can you tell me your name?"


@pytest_asyncio.fixture(scope="module")
async def audio_app(
    settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    """An appliance that keeps audio, on its own records (other apps sweep theirs away)."""
    data = tmp_path_factory.mktemp("audio-appliance")
    kept = settings.model_copy(
        update={
            "appliance": settings.appliance.model_copy(update={"data_dir": data}),
            "records": settings.records.model_copy(
                update={"path": data / "records.sqlite3", "keep_audio": True}
            ),
            "tls": settings.tls.model_copy(update={"enabled": False}),  # plain HTTP cookies
        }
    )
    app = create_app(kept, engine, advertise=False)
    async with served(app) as url:
        app.state.test_url = url
        for role, (user, password) in STAFF.items():
            await staff_user(app.state.records, user, password, role)
        yield app


@contextlib.asynccontextmanager
async def logged_in(url: str, role: str) -> AsyncIterator[httpx.AsyncClient]:
    """A console client (cookie and CSRF header) of the staff account of ``role``."""
    user, password = STAFF[role]
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        r = await client.post("/api/auth/login", json={"username": user, "password": password})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield client


class Listener:
    """The console's side of a listen-in: a receive-only peer that keeps what it hears."""

    def __init__(self) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTransceiver("audio", direction="recvonly")
        self.samples: list[np.ndarray] = []
        self._reader: asyncio.Task[None] | None = None
        self.pc.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        async def read() -> None:
            with contextlib.suppress(MediaStreamError):
                while True:
                    frame = await track.recv()
                    self.samples.append(frame.to_ndarray().reshape(-1).astype(np.float32))

        self._reader = asyncio.ensure_future(read())

    async def offer(self) -> str:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return str(self.pc.localDescription.sdp)

    async def accept(self, answer: dict[str, str]) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))

    def loudest_dbfs(self) -> float:
        peak = max((float(np.sqrt(np.mean(s**2))) for s in self.samples if len(s)), default=0.0)
        return 20 * np.log10(max(peak, 1e-9) / 32768.0)

    async def close(self) -> None:
        await self.pc.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


async def _audit_count(app: FastAPI) -> int:
    return int(
        await app.state.records.run(
            lambda c: c.execute("SELECT COUNT(*) FROM access_audit").fetchone()[0]
        )
    )


def _dbfs(channel: np.ndarray, start: float, end: float, rate: int) -> float:
    part = channel[int(start * rate) : int(end * rate)]
    rms = float(np.sqrt(np.mean(part.astype(np.float64) ** 2))) if len(part) else 0.0
    return 20 * np.log10(max(rms, 1e-9))


def _decode(data: bytes) -> tuple[np.ndarray, int]:
    """An Ogg/Opus file as a (channels, samples) float array in [-1, 1] and its rate."""
    with av.open(io.BytesIO(data), format="ogg") as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus" and stream.codec_context.channels == 2
        parts = [f.to_ndarray() for f in container.decode(audio=0)]
        return np.concatenate(parts, axis=1), int(stream.codec_context.sample_rate)


async def test_a_recorded_session_is_heard_live_and_replayed_with_every_access_audited(
    audio_app: FastAPI, speak: Speak
) -> None:
    url, db = audio_app.state.test_url, audio_app.state.records
    paired = await pair_device(db, "Officer Daniels", "R-7")
    async with (
        logged_in(url, "instructor") as instructor,
        logged_in(url, "training_officer") as trainer,
        logged_in(url, "admin") as admin,
    ):
        async with HeadsetClient(url, scenario_id="overpass_voices", token=paired.token) as call:
            assert call.session is not None
            sid = call.session.session_id
            r = await instructor.post(f"/api/sessions/{sid}/watch")
            assert r.status_code == 201 and r.json()["action"] == "watch"

            before = await _audit_count(audio_app)
            refused = Listener()
            sdp = await refused.offer()
            r = await admin.post(f"/api/sessions/{sid}/listen", json={"sdp": sdp, "type": "offer"})
            assert r.status_code == 403 and "instructor or a training officer" in r.json()["detail"]
            r = await trainer.post("/api/sessions/nope/listen", json={"sdp": sdp, "type": "offer"})
            assert r.status_code == 404
            bad = {"sdp": "v=0\r\n", "type": "offer"}
            r = await trainer.post(f"/api/sessions/{sid}/listen", json=bad)
            assert r.status_code == 400 and "audio section" in r.json()["detail"]
            await refused.close()
            assert await _audit_count(audio_app) == before  # refused: nothing written

            listener = Listener()
            r = await trainer.post(
                f"/api/sessions/{sid}/listen",
                json={"sdp": await listener.offer(), "type": "offer"},
            )
            assert r.status_code == 200, r.text
            await listener.accept(r.json())
            await call.say(speak(LINE), SAMPLE_RATE)
            reply = await call.wait_reply(timeout_s=180)
            assert reply.text.strip()
            await asyncio.sleep(1.0)
            heard = len(listener.samples)
            assert heard > 100  # 20 ms frames: several seconds of the call
            assert listener.loudest_dbfs() > -40  # voices, not just silence
            await call.end()
            await call.wait_event("session.ended", 30)
        await listener.close()

        deadline = time.monotonic() + 60
        while not (await db.run(get_session, sid))["has_audio"]:
            assert time.monotonic() < deadline, "the recording was not registered"
            await asyncio.sleep(0.5)
        record = await instructor.get(f"/api/records/sessions/{sid}")
        turns = record.json()["transcript"]["turns"]

        before = await _audit_count(audio_app)
        listener = Listener()
        offer = {"sdp": await listener.offer(), "type": "offer"}
        r = await trainer.post(f"/api/sessions/{sid}/listen", json=offer)
        assert r.status_code == 409 and "has ended" in r.json()["detail"]
        await listener.close()
        r = await instructor.post(f"/api/sessions/{sid}/watch")
        assert r.status_code == 409
        r = await admin.post(f"/api/records/sessions/{sid}/replay")
        assert r.status_code == 403
        assert await _audit_count(audio_app) == before

        r = await instructor.post(f"/api/records/sessions/{sid}/replay")
        assert r.status_code == 201, r.text
        audio_url = r.json()["audio_url"]
        head = await instructor.get(audio_url, headers={"Range": "bytes=0-99"})
        assert head.status_code == 206 and len(head.content) == 100  # seekable
        whole = await instructor.get(audio_url)
        assert whole.status_code == 200 and whole.headers["content-type"] == "audio/ogg"
        assert whole.content[:4] == b"OggS"
        stolen = await trainer.get(audio_url)
        assert stolen.status_code == 403  # a ticket is its user's only
        r = await instructor.get(f"/api/records/sessions/{sid}/audio", params={"ticket": "x"})
        assert r.status_code == 403 and "press Play" in r.json()["detail"]

        pcm, rate = _decode(whole.content)
        officer_ch, subject_ch = pcm[0] * 32768, pcm[1] * 32768
        ended = record.json()["active_seconds"]
        assert abs(pcm.shape[1] / rate - ended) < 2.0  # the whole call, on the session clock
        spoke = next(t for t in turns if t["speaker"] == "officer")
        answered = next(t for t in turns if t["speaker"] == "subject")
        mid = (spoke["start"] + spoke["end"]) / 2
        assert _dbfs(officer_ch, mid - 0.5, mid + 0.5, rate) > 40  # the officer's words, left
        mid = (answered["start"] + answered["end"]) / 2
        window = (mid - 0.3, mid + 0.3)
        assert _dbfs(subject_ch, *window, rate) > 40  # the subject's reply, right
        assert _dbfs(officer_ch, *window, rate) < _dbfs(subject_ch, *window, rate) - 20

        log = (await admin.get("/api/audit/access", params={"session_id": sid})).json()
        assert [(e["action"], e["username"]) for e in log] == [
            ("replay", STAFF["instructor"][0]),
            ("listen", STAFF["training_officer"][0]),
            ("watch", STAFF["instructor"][0]),
        ]
        assert log[0]["officer_name"] == "Officer Daniels" and log[0]["ip"] == "127.0.0.1"
        assert (await instructor.get("/api/audit/access")).status_code == 403

        today = date.today().isoformat()
        r = await trainer.get(
            "/api/hours/roster.csv",
            params={"from": today, "to": today, "officer": paired.officer["id"]},
        )
        (line,) = [x for x in csv.DictReader(io.StringIO(r.text)) if x["line"] == "session"]
        assert line["delivery_method"] == SUPERVISED
        assert set(line["supervised_by"].split("; ")) == {"Sgt.Replay", "To.Replay"}


async def test_a_session_without_audio_cannot_be_replayed(audio_app: FastAPI) -> None:
    db = audio_app.state.records
    paired = await pair_device(db, "Officer Quiet", "R-8")
    await save_session(db, stored_transcript("quiet-1", paired.officer["id"]), None)
    async with logged_in(audio_app.state.test_url, "instructor") as instructor:
        before = await _audit_count(audio_app)
        r = await instructor.post("/api/records/sessions/quiet-1/replay")
        assert r.status_code == 404 and "no recorded audio" in r.json()["detail"]
        r = await instructor.post("/api/records/sessions/never-was/replay")
        assert r.status_code == 404
        listed: Any = (await instructor.get("/api/records/sessions")).json()
        assert {s["id"]: s["has_audio"] for s in listed}["quiet-1"] is False
        assert await _audit_count(audio_app) == before


def test_recordings_live_beside_the_records(audio_app: FastAPI) -> None:
    folder = Path(audio_app.state.settings.records.path).parent / "audio"
    assert all(p.suffix == ".ogg" for p in folder.glob("*"))
