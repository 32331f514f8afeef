// Replay of a finished session: the recording, its transcript following along, quotes that seek.
"use strict";

const Replay = {
  session: null,
  turns: [],
  current: -1,

  async load(row) {
    this.reset();
    this.session = row.id;
    const canPlay = ["instructor", "training_officer"].includes(Console.me.role);
    try {
      const rec = await api("GET", `/api/records/sessions/${encodeURIComponent(row.id)}`);
      this.turns = rec.transcript.turns || [];
    } catch (err) { $("replay-state").textContent = err.message; return; }
    $("replay-transcript").replaceChildren(...this.turns.map((t, i) =>
      h("p", { class: `line replay-line ${t.speaker}`, "data-i": i, "data-t": t.start, onclick: () => this.seek(t.start) },
        h("span", { class: "muted small" }, `${clock(t.start)} `), h("b", {}, `${t.speaker}: `), t.text)));
    if (!row.has_audio) $("replay-state").textContent = "No recording: audio is kept only while keep_audio is on, and for its retention period.";
    else if (!canPlay) $("replay-state").textContent = "Recordings are for instructors and training officers.";
    else { $("replay-play").hidden = false; $("replay-state").textContent = "A recording is kept for this session."; }
  },

  reset() {
    const audio = $("replay-audio");
    audio.pause();
    audio.removeAttribute("src");
    audio.hidden = true;
    $("replay-play").hidden = true;
    $("replay-state").textContent = "";
    $("replay-transcript").replaceChildren();
    this.session = null;
    this.turns = [];
    this.current = -1;
  },

  /** Open the recording (the appliance logs each opening); resolves once it can play. */
  async open() {
    const audio = $("replay-audio");
    if (audio.src) return true;
    try {
      const r = await api("POST", `/api/records/sessions/${encodeURIComponent(this.session)}/replay`);
      audio.src = r.audio_url;
      audio.hidden = false;
      $("replay-play").hidden = true;
      $("replay-state").textContent = "Playing the recording.";
      return true;
    } catch (err) {
      $("replay-state").textContent = err.message;
      return false;
    }
  },

  async play() { if (await this.open()) await $("replay-audio").play().catch(() => {}); },

  async seek(t) {
    if (!this.session || !(await this.open())) return;
    const audio = $("replay-audio");
    audio.currentTime = Math.max(0, Number(t) - 0.3);
    await audio.play().catch(() => {});
  },

  follow() {
    const t = $("replay-audio").currentTime;
    let i = -1;
    for (let k = 0; k < this.turns.length; k++) if (this.turns[k].start <= t + 0.05) i = k;
    if (i === this.current) return;
    this.current = i;
    const box = $("replay-transcript");
    for (const el of box.querySelectorAll(".replay-line")) el.classList.toggle("current", Number(el.dataset.i) === i);
    const line = box.querySelector(".replay-line.current");
    if (line) box.scrollTop = line.offsetTop - box.offsetTop - box.clientHeight / 3;
  },

  /** Make every timestamp of the review page (a.ts with data-t) seek the recording. */
  wire(frame) {
    const doc = frame.contentDocument;
    if (!doc) return;
    for (const a of doc.querySelectorAll("a.ts[data-t]")) {
      a.addEventListener("click", (e) => {
        if (!$("replay-play").hidden || $("replay-audio").src) { e.preventDefault(); this.seek(a.dataset.t); }
      });
    }
  },
};

$("replay-play").addEventListener("click", () => Replay.play());
$("replay-audio").addEventListener("timeupdate", () => Replay.follow());
$("review-frame").addEventListener("load", () => Replay.wire($("review-frame")));
