// Listen-in: a receive-only WebRTC connection that plays both sides of a live session.
"use strict";

const Listen = {
  pc: null,
  session: null,
  timer: null,
  lastStats: null, // {packetsReceived, bytesReceived, totalSamplesReceived} of the audio track

  async start(sessionId) {
    this.stop();
    this.session = sessionId;
    $("listen-state").textContent = "Connecting…";
    const pc = (this.pc = new RTCPeerConnection({ iceServers: [] })); // the LAN only
    pc.addTransceiver("audio", { direction: "recvonly" });
    pc.ontrack = (e) => { $("listen-audio").srcObject = e.streams[0] || new MediaStream([e.track]); };
    pc.onconnectionstatechange = () => {
      if (["failed", "closed"].includes(pc.connectionState) && this.pc === pc) this.stop("The listen-in connection dropped.");
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const answer = await api("POST", `/api/sessions/${encodeURIComponent(sessionId)}/listen`,
        { sdp: pc.localDescription.sdp, type: "offer" });
      if (this.pc !== pc) return;
      await pc.setRemoteDescription(answer);
    } catch (err) {
      this.stop(err.message);
      return;
    }
    $("listen-toggle").textContent = "Stop listening";
    this.timer = setInterval(() => this.poll(), 1000);
  },

  async poll() {
    if (!this.pc) return;
    const report = await this.pc.getStats();
    report.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") {
        this.lastStats = { packetsReceived: s.packetsReceived, bytesReceived: s.bytesReceived,
                           totalSamplesReceived: s.totalSamplesReceived || 0 };
      }
    });
    const st = this.lastStats;
    $("listen-state").textContent = st && st.packetsReceived > 0
      ? `Listening: receiving audio (${st.packetsReceived} packets)` : "Connected, waiting for audio…";
  },

  stop(why) {
    clearInterval(this.timer);
    this.timer = null;
    if (this.pc) this.pc.close();
    this.pc = null;
    this.session = null;
    $("listen-audio").srcObject = null;
    $("listen-toggle").textContent = "Listen in (both sides)";
    $("listen-state").textContent = why || "Not listening.";
  },

  toggle() { if (this.pc) this.stop(); else if (Live.open) this.start(Live.open); },
};

/** Resolve once ICE gathering is complete (the appliance takes non-trickle offers). */
function gathered(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === "complete") { pc.removeEventListener("icegatheringstatechange", done); resolve(); } };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 3000); // host candidates come at once on a LAN
  });
}

$("listen-toggle").addEventListener("click", () => Listen.toggle());
