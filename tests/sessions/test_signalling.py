"""Signalling errors: each gets a clear HTTP error and leaves other sessions alone."""

import httpx
from aiortc import RTCPeerConnection

OFFICER = {"id": "badge-1", "name": "Officer Daniels"}


async def new_session(api: httpx.AsyncClient, scenario: str = "overpass_voices") -> str:
    r = await api.post("/api/sessions", json={"officer": OFFICER, "scenario_id": scenario})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["scenario"]["dispatch"] and body["time_limit_s"] <= 720
    return str(body["session_id"])


async def test_unknown_scenario_is_404_naming_valid_ids(api: httpx.AsyncClient) -> None:
    r = await api.post("/api/sessions", json={"officer": OFFICER, "scenario_id": "moon_base"})
    assert r.status_code == 404
    assert "moon_base" in r.json()["detail"] and "overpass_voices" in r.json()["detail"]


async def test_malformed_body_is_422(api: httpx.AsyncClient) -> None:
    r = await api.post(
        "/api/sessions", json={"officer": {"id": ""}, "scenario_id": "overpass_voices"}
    )
    assert r.status_code == 422


async def test_unknown_session_is_404(api: httpx.AsyncClient) -> None:
    r = await api.post("/api/sessions/nope/offer", json={"sdp": "v=0", "type": "offer"})
    assert r.status_code == 404 and "nope" in r.json()["detail"]
    assert (await api.delete("/api/sessions/nope")).status_code == 404


async def test_malformed_sdp_is_400_and_session_survives(api: httpx.AsyncClient) -> None:
    sid = await new_session(api)
    r = await api.post(
        f"/api/sessions/{sid}/offer", json={"sdp": "v=0\r\nm=audio garbage\r\n", "type": "offer"}
    )
    assert r.status_code == 400 and "malformed SDP" in r.json()["detail"]
    assert (await api.delete(f"/api/sessions/{sid}")).status_code == 200


async def test_offer_without_audio_is_400(api: httpx.AsyncClient) -> None:
    sid = await new_session(api)
    pc = RTCPeerConnection()
    pc.createDataChannel("events")
    await pc.setLocalDescription(await pc.createOffer())
    r = await api.post(
        f"/api/sessions/{sid}/offer", json={"sdp": pc.localDescription.sdp, "type": "offer"}
    )
    await pc.close()
    assert r.status_code == 400 and "no audio track" in r.json()["detail"]
    await api.delete(f"/api/sessions/{sid}")


async def test_second_offer_is_409(api: httpx.AsyncClient) -> None:
    sid = await new_session(api)
    pcs = []
    codes = []
    for _ in range(2):
        pc = RTCPeerConnection()
        pc.addTransceiver("audio", direction="sendrecv")
        await pc.setLocalDescription(await pc.createOffer())
        r = await api.post(
            f"/api/sessions/{sid}/offer", json={"sdp": pc.localDescription.sdp, "type": "offer"}
        )
        codes.append(r.status_code)
        pcs.append(pc)
    assert codes == [200, 409]
    await api.delete(f"/api/sessions/{sid}")
    for pc in pcs:
        await pc.close()


async def test_cap_rejects_with_503_then_frees(api: httpx.AsyncClient) -> None:
    free = (await api.get("/api/sessions")).json()["free"]
    sids = [await new_session(api) for _ in range(free)]
    r = await api.post("/api/sessions", json={"officer": OFFICER, "scenario_id": "overpass_voices"})
    assert r.status_code == 503 and "session slots are in use" in r.json()["detail"]
    for sid in sids:
        assert (await api.delete(f"/api/sessions/{sid}")).status_code == 200
    assert (await api.get("/api/sessions")).json()["free"] == free
    # An ended session's transcript is still there.
    t = (await api.get(f"/api/sessions/{sids[0]}/transcript")).json()
    assert t["session_id"] == sids[0] and t["outcome"] == "ended"
