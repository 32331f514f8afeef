"""Reference client pieces: microphone pacing, recorder, latency detection, signalling errors."""

from __future__ import annotations

import json
from fractions import Fraction

import httpx
import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame

from appliance.audio.frames import rms_dbfs
from headset_client import HeadsetClient, SignallingError
from headset_client.latency import (
    FrameLevel,
    first_voiced_after,
    last_voiced_after,
    stop_before_gap,
    trailing_silence_s,
    voiced_end,
)
from headset_client.mic_track import FRAME_SAMPLES, MIC_RATE, MicTrack
from headset_client.recorder import Recorder, frame_to_mono
from headset_client.signalling import create_session, send_offer
from tests.conftest import free_port


def tone(seconds: float, rate: int = MIC_RATE, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)


def levels(dbfs: list[float], step: float = 0.02) -> list[FrameLevel]:
    return [FrameLevel(at=i * step, dbfs=d, offset=i * 960, length=960) for i, d in enumerate(dbfs)]


# --- microphone ---------------------------------------------------------------------------------


async def test_mic_sends_silence_when_idle_and_the_utterance_in_order() -> None:
    mic = MicTrack()
    idle = mic.next_frame(now=0.0)
    assert idle.samples == FRAME_SAMPLES and idle.sample_rate == MIC_RATE
    assert idle.format.name == "s16" and idle.layout.name == "mono"
    assert not idle.to_ndarray().any()

    clip = np.concatenate([tone(0.1), np.zeros(MIC_RATE // 20, np.float32)])  # 5 voiced + 2.5 quiet
    playback = mic.play(clip, MIC_RATE)
    sent = [mic.next_frame(now=float(i)) for i in range(1, 11)]
    pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in sent])
    assert np.array_equal(pcm[: len(clip)], (np.clip(clip, -1, 1) * 32767).astype(np.int16))
    assert not pcm[len(clip) :].any()  # silence pads the last frame and follows
    utterance = await playback.done
    assert utterance.started_at == 1.0
    assert utterance.voiced_end_at == 5.0  # the frame holding the last voiced sample
    assert utterance.ended_at == 8.0  # 7.5 frames of audio: the 8th frame finishes it
    assert utterance.duration_s == pytest.approx(0.15)
    assert not mic.busy


async def test_mic_resamples_to_48k_and_queues_utterances_back_to_back() -> None:
    mic = MicTrack()
    first = mic.play(tone(0.1, rate=16_000), 16_000)
    second = mic.play(tone(0.05), MIC_RATE)
    for i in range(8):
        mic.next_frame(now=float(i))
    assert (await first.done).duration_s == pytest.approx(0.1)
    assert (await first.done).ended_at == 4.0  # 4800 samples at 48 kHz: exactly five frames
    assert (await second.done).started_at == 5.0


async def test_mic_paces_by_timestamp() -> None:
    mic = MicTrack()
    frames = [await mic.recv() for _ in range(4)]
    assert [f.pts for f in frames] == [0, 960, 1920, 2880]
    assert all(f.time_base == Fraction(1, MIC_RATE) for f in frames)


async def test_stopping_the_mic_fails_what_was_not_sent() -> None:
    mic = MicTrack()
    playback = mic.play(tone(1.0), MIC_RATE)
    mic.stop()
    with pytest.raises(MediaStreamError):
        await playback.done
    with pytest.raises(MediaStreamError):
        await mic.recv()
    with pytest.raises(MediaStreamError):
        mic.play(tone(0.1), MIC_RATE)


async def test_an_empty_utterance_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one sample"):
        MicTrack().play(np.zeros(0, np.float32), MIC_RATE)


# --- latency detection --------------------------------------------------------------------------


def test_voiced_end_finds_the_last_loud_frame() -> None:
    clip = np.concatenate([np.zeros(960, np.float32), tone(0.04), np.zeros(4800, np.float32)])
    assert voiced_end(clip, MIC_RATE) == 960 * 3
    assert voiced_end(np.zeros(4800, np.float32), MIC_RATE) is None
    quiet = tone(0.1, amplitude=0.001)  # about -63 dBFS: below the -45 dBFS threshold
    assert voiced_end(quiet, MIC_RATE) is None
    assert voiced_end(quiet, MIC_RATE, threshold_dbfs=-70.0) == len(quiet)


def test_reply_onset_and_trailing_silence() -> None:
    frames = levels([-80, -30, -80, -80, -20, -25, -90, -90, -90])
    assert first_voiced_after(frames, 0.0) == frames[1]
    assert first_voiced_after(frames, 0.03) == frames[4]  # arrivals at/after t only
    assert first_voiced_after(frames, 0.11) is None
    assert last_voiced_after(frames, 0.0) == frames[5]
    assert trailing_silence_s(frames, 0.0) == pytest.approx(0.06)
    assert trailing_silence_s(frames, 0.14) == pytest.approx(0.02)


def test_barge_in_stop_ignores_pauses_before_the_event() -> None:
    #        speech starts at 0.02; a pause in the reply at 0.06-0.10; barge_in event at 0.14
    frames = levels([-20, -20, -20, -90, -90, -90, -20, -20, -20, -90, -90, -90, -90, -90])
    stop = stop_before_gap(frames, since=0.02, not_before=0.14, gap_s=0.06)
    assert stop.settled and stop.last_voiced == frames[8]
    early = stop_before_gap(frames, since=0.02, not_before=0.14, gap_s=0.2)
    assert not early.settled and early.last_voiced == frames[8]
    quiet = stop_before_gap(frames, since=0.18, not_before=0.18, gap_s=0.06)
    assert quiet.settled and quiet.last_voiced is None


# --- recorder -----------------------------------------------------------------------------------


def stereo_frame(samples: np.ndarray) -> AudioFrame:
    """An s16 stereo 48 kHz frame, as aiortc's Opus decoder hands them out."""
    pcm = (samples * 32767).astype(np.int16)
    interleaved = np.stack([pcm, pcm], axis=1).reshape(1, -1)
    frame = AudioFrame.from_ndarray(interleaved, format="s16", layout="stereo")
    frame.sample_rate = MIC_RATE
    return frame


def test_recorder_keeps_audio_levels_and_arrival_times() -> None:
    seen: list[FrameLevel] = []
    recorder = Recorder(on_frame=seen.append)
    loud, quiet = tone(0.02), np.zeros(960, np.float32)
    recorder.add(stereo_frame(quiet), at=1.0)
    level = recorder.add(stereo_frame(loud), at=1.02)
    assert seen == recorder.frames and len(seen) == 2
    assert seen[0].dbfs == -120.0 and seen[0].offset == 0
    assert level.offset == 960 and level.length == 960 and level.at == 1.02
    assert level.dbfs == pytest.approx(rms_dbfs(loud), abs=0.1)
    audio = recorder.audio()
    assert audio.sample_rate == MIC_RATE and len(audio.samples) == 1920
    assert np.allclose(audio.samples[960:], loud, atol=1e-3)
    assert len(recorder.audio(960, 1920).samples) == 960


def test_planar_float_frames_become_mono() -> None:
    left, right = tone(0.02), np.zeros(960, np.float32)
    frame = AudioFrame.from_ndarray(np.stack([left, right]), format="fltp", layout="stereo")
    frame.sample_rate = MIC_RATE
    assert np.allclose(frame_to_mono(frame), left / 2, atol=1e-6)


async def test_recorder_consumes_a_live_track_until_it_ends() -> None:
    mic = MicTrack()
    recorder = Recorder()
    playback = mic.play(tone(0.06), MIC_RATE)
    recorder.start(mic)
    await playback.done
    mic.stop()
    await recorder.ended.wait()
    voiced = [f for f in recorder.frames if f.voiced()]
    assert len(voiced) == 3
    assert [f.offset for f in recorder.frames] == [960 * i for i in range(len(recorder.frames))]


# --- signalling errors --------------------------------------------------------------------------


def stub(status: int, body: object) -> httpx.AsyncClient:
    def handle(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body)
        return httpx.Response(status, json=body)

    return httpx.AsyncClient(base_url="http://appliance", transport=httpx.MockTransport(handle))


@pytest.mark.parametrize(
    ("status", "body", "code", "message", "error_status"),
    [
        (503, {"detail": "all 4 slots are busy"}, "appliance_full", "all 4 slots are busy", 503),
        (404, {"detail": "unknown scenario 'nope'"}, "not_found", "unknown scenario 'nope'", 404),
        (
            422,
            {"detail": [{"loc": ["body", "officer", "id"], "msg": "Field required"}]},
            "bad_request",
            "body.officer.id: Field required",
            422,
        ),
        (500, "Internal Server Error", "signalling_failed", "500 Internal Server Error", 500),
        (201, {"offer_url": "/x/offer"}, "bad_response", "lacks 'session_id'", None),
        (201, "not json", "bad_response", "without a JSON object", 201),
    ],
)
async def test_create_session_errors_carry_status_code_and_detail(
    status: int, body: object, code: str, message: str, error_status: int | None
) -> None:
    async with stub(status, body) as http:
        with pytest.raises(SignallingError, match="POST /api/sessions") as caught:
            await create_session(http, {"id": "o1", "name": "Daniels"}, "nope")
    assert caught.value.code == code
    assert message in caught.value.message
    assert caught.value.status == error_status


async def test_offer_errors_and_a_non_answer() -> None:
    async with stub(409, {"detail": "session s1 already has a peer connection"}) as http:
        with pytest.raises(SignallingError, match="409 session s1 already") as caught:
            await send_offer(http, "/api/sessions/s1/offer", "v=0")
    assert caught.value.code == "conflict" and caught.value.status == 409
    async with stub(200, {"sdp": "v=0", "type": "offer"}) as http:
        with pytest.raises(SignallingError, match="expected an SDP answer"):
            await send_offer(http, "/api/sessions/s1/offer", "v=0")


async def test_client_reports_an_unreachable_appliance() -> None:
    client = HeadsetClient(f"http://127.0.0.1:{free_port()}", connect_timeout_s=5.0)
    with pytest.raises(SignallingError, match="unreachable") as caught:
        async with client:
            pass
    assert caught.value.code == "unreachable"
    assert client.session is None and client.events == []


async def test_client_full_appliance_is_a_clear_error() -> None:
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(503, json={"detail": "appliance full: 4 of 4 sessions live"})

    client = HeadsetClient(
        "http://appliance",
        transport=httpx.MockTransport(handle),
        officer={"id": "o7", "name": "Rivera"},
        scenario_id="bar_intoxicated",
    )
    with pytest.raises(SignallingError, match="appliance full") as caught:
        async with client:
            pass
    assert caught.value.status == 503
    assert [(r.method, r.url.path) for r in requests] == [("POST", "/api/sessions")]
    assert json.loads(requests[0].content) == {
        "officer": {"id": "o7", "name": "Rivera"},
        "scenario_id": "bar_intoxicated",
    }
