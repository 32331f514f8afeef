// Live sessions: the WebSocket feed, the grid of cards and the one-session view with its controls.
"use strict";

const Live = {
  sessions: new Map(), // session_id → {summary fields, turns, states, latency, seenAt}
  socket: null,
  open: null, // session id shown in the session view
  retry: 0,

  connect() {
    if (this.socket) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = (this.socket = new WebSocket(`${scheme}://${location.host}/api/console/live`));
    $("feed-state").textContent = "connecting…";
    socket.onopen = () => { this.retry = 0; $("feed-state").textContent = "live"; $("feed-state").classList.add("ok"); };
    socket.onmessage = (m) => this.onMessage(JSON.parse(m.data));
    socket.onclose = () => {
      this.socket = null;
      $("feed-state").classList.remove("ok");
      if (!Console.me) return;
      $("feed-state").textContent = "reconnecting…";
      this.retry = Math.min(this.retry + 1, 5);
      setTimeout(() => { if (Console.me) this.connect(); }, 1000 * this.retry);
    };
  },

  disconnect() { if (this.socket) this.socket.close(); this.socket = null; },

  add(entry) {
    const s = {
      id: entry.session_id, officer: entry.officer, scenarioId: entry.scenario_id,
      title: entry.scenario_title || scenarioTitle(entry.scenario_id),
      elapsed: entry.elapsed_s || 0, seenAt: performance.now(),
      agitation: entry.agitation, stage: entry.stage,
      turns: (entry.turns || []).map((t) => ({ speaker: t.speaker, text: t.text })),
      states: (entry.state_timeline || []).map((p) => [p.t, p.agitation]),
      latency: null,
      distance: null, pushes: [], // the headset's measured distance and pushes (officer.distance)
    };
    const pose = entry.pose || {};
    if (pose.received) s.distance = { m: pose.distance_m, rate: 0, received: pose.received, dropped: pose.dropped };
    const last = (entry.timings || []).slice(-1)[0];
    if (last && last.stages_ms) s.latency = last.stages_ms.total;
    this.sessions.set(s.id, s);
    return s;
  },

  onMessage(msg) {
    if (msg.type === "snapshot") {
      this.sessions.clear();
      for (const entry of msg.live) this.add(entry);
      this.render();
      return;
    }
    if (msg.type === "session.live") { this.add(msg); this.render(); return; }
    const s = this.sessions.get(msg.session_id);
    if (!s) return;
    switch (msg.type) {
      case "transcript.final": s.turns.push({ speaker: msg.speaker, text: msg.text }); break;
      case "persona.state":
        s.agitation = msg.agitation; s.stage = msg.stage;
        s.states.push([msg.t, msg.agitation]);
        break;
      case "officer.distance":
        s.distance = { m: msg.distance_m, rate: msg.approach_mps, received: msg.received, dropped: msg.dropped };
        if (msg.note) s.pushes.push(`${clock(msg.t)} ${msg.note} (+${Math.round(msg.points)})`);
        break;
      case "turn.timing": if (msg.stages_ms && msg.stages_ms.total !== undefined) s.latency = msg.stages_ms.total; break;
      case "session.ended":
        s.outcome = msg.outcome;
        this.sessions.delete(s.id);
        if (this.open === s.id) {
          $("session-note").textContent = `Session ended (${msg.outcome}). Its review is under Finished sessions.`;
          if (Listen.session === s.id) Listen.stop("The session ended.");
        }
        break;
      default: return;
    }
    this.render();
  },

  elapsed(s) { return s.elapsed + (performance.now() - s.seenAt) / 1000; },

  card(s) {
    const lines = s.turns.slice(-2).map((t) => h("p", { class: `line ${t.speaker}` }, h("b", {}, `${t.speaker}: `), t.text));
    const ag = Math.round(s.agitation || 0);
    return h("button", { class: "live-card", "data-session": s.id, onclick: () => this.show(s.id) },
      h("div", { class: "row spread" }, h("strong", {}, s.officer.name), h("span", { class: "elapsed" }, clock(this.elapsed(s)))),
      h("div", { class: "muted" }, s.title),
      h("div", { class: "gauge", title: `agitation ${ag}` },
        h("span", { class: `fill ${s.stage || ""}`, style: `width:${ag}%` })),
      h("div", { class: "row spread small" }, h("span", {}, `agitation ${ag} · ${s.stage || ""}`),
        h("span", {}, s.latency == null ? "latency –" : `latency ${Math.round(s.latency)} ms`)),
      h("div", { class: "lines" }, lines.length ? lines : h("p", { class: "muted" }, "No lines yet.")));
  },

  render() {
    $("grid").replaceChildren(...[...this.sessions.values()].map((s) => this.card(s)));
    $("grid-empty").hidden = this.sessions.size > 0;
    if (this.open && this.sessions.has(this.open)) this.renderSession(this.sessions.get(this.open));
  },

  tick() {
    for (const el of document.querySelectorAll(".live-card")) {
      const s = this.sessions.get(el.dataset.session);
      if (s) el.querySelector(".elapsed").textContent = clock(this.elapsed(s));
    }
    const s = this.open && this.sessions.get(this.open);
    if (s) $("session-elapsed").textContent = clock(this.elapsed(s));
  },

  // ---- one session -------------------------------------------------------------------------

  show(id) {
    const s = this.sessions.get(id);
    if (!s) return;
    this.open = id;
    $("session-note").textContent = "";
    $("session-title").textContent = `${s.officer.name} — ${s.title}`;
    const card = Console.scenarios[s.scenarioId] || { injects: [] };
    $("session-injects").replaceChildren(...(card.injects || []).map((i) =>
      h("button", { title: `${i.description} (${i.agitation_delta > 0 ? "+" : ""}${i.agitation_delta})`,
                    onclick: () => this.command("inject", { name: i.name }, `Inject sent: ${i.name}`) },
        i.name.replace(/_/g, " "))));
    showView("session");
    this.renderSession(s);
    // The appliance notes who watched live: the session's hours then count as supervised.
    api("POST", `/api/sessions/${encodeURIComponent(id)}/watch`).catch((err) => { $("session-note").textContent = err.message; });
  },

  renderSession(s) {
    const box = $("session-transcript");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    box.replaceChildren(...s.turns.map((t) => h("p", { class: `line ${t.speaker}` }, h("b", {}, `${t.speaker}: `), t.text)));
    if (atBottom) box.scrollTop = box.scrollHeight;
    $("session-agitation").textContent = Math.round(s.agitation || 0);
    $("session-stage").textContent = s.stage || "";
    $("session-latency").textContent = s.latency == null ? "–" : `${Math.round(s.latency)} ms`;
    const d = s.distance;
    $("session-distance").textContent = !d ? "not measured (no headset)"
      : `${d.m == null ? "–" : `${d.m.toFixed(1)} m`}, closing ${d.rate.toFixed(1)} m/s · pose messages ${d.received}, dropped ${d.dropped}`;
    $("session-pushes").replaceChildren(...s.pushes.slice(-4).map((p) => h("li", {}, p)));
    const tMax = Math.max(60, this.elapsed(s), ...s.states.map((p) => p[0]));
    $("session-chart").replaceChildren(lineChart([{ name: "agitation", cls: "agitation", points: s.states }],
      { xMax: tMax, xLabel: (v) => clock(v), label: "Subject agitation over time" }));
  },

  async command(path, body, done) {
    if (!this.open) return;
    try {
      await api("POST", `/api/sessions/${encodeURIComponent(this.open)}/${path}`, body);
      $("session-note").textContent = done;
    } catch (err) {
      $("session-note").textContent = err.message;
    }
  },

  async end() {
    if (!this.open) return;
    try {
      await api("DELETE", `/api/sessions/${encodeURIComponent(this.open)}`);
      $("session-note").textContent = "Ending the session…";
    } catch (err) {
      $("session-note").textContent = err.message;
    }
  },
};

$("session-back").addEventListener("click", () => { Listen.stop(); Live.open = null; showView("live"); });
$("session-end").addEventListener("click", () => Live.end());
for (const b of document.querySelectorAll("#nudge-form button")) {
  b.addEventListener("click", () => {
    const delta = Number(b.dataset.delta);
    Live.command("nudge", { delta, reason: $("nudge-reason").value || "instructor" }, `Agitation nudged ${delta > 0 ? "+" : ""}${delta}`);
  });
}
setInterval(() => Live.tick(), 1000);
