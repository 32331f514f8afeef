// One call to the subject: microphone, non-trickle WebRTC offer, the "events" data channel.
"use strict";

class Call {
  constructor({ onEvent, onState, audio, onStream }) {
    this.onEvent = onEvent;
    this.onStream = onStream || (() => {});
    this.channel = null;
    this.onState = onState;
    this.audio = audio;
    this.pc = null;
    this.stream = null;
    this.session = null;
  }

  /** Open the microphone, create the session with ``create()`` and connect. */
  async start(create) {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      video: false,
    });
    this.session = await create();
    const pc = (this.pc = new RTCPeerConnection({ iceServers: [] })); // LAN only: host candidates
    const channel = (this.channel = pc.createDataChannel("events", { ordered: true })); // before the offer
    channel.onmessage = (m) => {
      let event;
      try { event = JSON.parse(m.data); } catch { return; }
      if (event && typeof event.type === "string") this.onEvent(event);
    };
    pc.addTransceiver(this.stream.getAudioTracks()[0], { direction: "sendrecv", streams: [this.stream] });
    pc.ontrack = (e) => {
      this.audio.srcObject = e.streams[0] || new MediaStream([e.track]);
      this.audio.play().catch(() => this.onState("muted"));
      this.onStream(this.audio.srcObject);
    };
    pc.onconnectionstatechange = () => this.onState(pc.connectionState);
    await pc.setLocalDescription(await pc.createOffer());
    await Call.gathered(pc);
    const answer = await Api.call("POST", this.session.offer_url, { sdp: pc.localDescription.sdp, type: "offer" });
    await pc.setRemoteDescription(answer);
    return this.session;
  }

  /** Send one event to the appliance on the data channel (a headset's pose samples); dropped if closed. */
  send(event) {
    if (this.channel && this.channel.readyState === "open") this.channel.send(JSON.stringify(event));
  }

  /** Non-trickle: wait until ICE gathering is complete, so the offer carries every candidate. */
  static gathered(pc) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (pc.iceGatheringState === "complete") {
          pc.removeEventListener("icegatheringstatechange", check);
          resolve();
        }
      };
      pc.addEventListener("icegatheringstatechange", check);
    });
  }

  /** A 0–1 level of the officer's microphone, for the level bar. */
  meter(onLevel) {
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    ctx.createMediaStreamSource(this.stream).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    const tick = () => {
      if (!this.stream) { ctx.close(); return; }
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += v * v;
      onLevel(Math.min(1, Math.sqrt(sum / data.length) * 6));
      requestAnimationFrame(tick);
    };
    tick();
  }

  /** Ask the appliance to end the call (it answers with session.ended on the channel). */
  async end() {
    if (!this.session) return null;
    try {
      return await Api.call("DELETE", `/api/sessions/${encodeURIComponent(this.session.session_id)}`);
    } catch (err) {
      if (err.status === 404) return null; // already over
      throw err;
    }
  }

  /** Release the microphone and the peer connection. */
  close() {
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.stream = null;
    if (this.pc) this.pc.close();
    this.pc = null;
    this.audio.srcObject = null;
  }
}
