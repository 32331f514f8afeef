// Officer client flow: pair → assignments → dispatch card → call → review.
// With demo mode on, the pairing screen also offers "Try the demo": dispatch → call → review of
// the demo card, with no pairing. The subject's agitation is never shown here: persona.state
// events only pose his figure.
"use strict";

const $ = (id) => document.getElementById(id);
const REVIEW_WAIT_MS = 4 * 60 * 1000;
const REVIEW_WIDTH_PX = 1090;
const state = {
  scenarios: [], scenario: null, call: null, sessionId: null, started: 0, timer: 0, ended: false,
  demo: false,
  scene: null, cue: null, // the scene of the call (scene.js) and the last persona.state it was given
};

function show(screen) {
  for (const el of document.querySelectorAll(".screen")) el.hidden = el.id !== screen;
  document.body.dataset.screen = screen;
  const paired = Api.device();
  $("who").textContent = state.demo ? "Demo call" : paired ? `Officer ${paired.officer.name}` : "";
  $("unpair").hidden = !paired || state.demo || screen === "call";
  $("done").textContent = state.demo ? "Back to the start page" : "Back to assignments";
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function choice(title, sub, due, onClick) {
  const li = document.createElement("li");
  const button = document.createElement("button");
  const strong = document.createElement("span");
  strong.textContent = title;
  button.append(strong);
  for (const [text, cls] of [[sub, "sub"], [due, "sub due"]]) {
    if (!text) continue;
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    button.append(span);
  }
  button.addEventListener("click", onClick);
  li.append(button);
  return li;
}

// ---- pairing ---------------------------------------------------------------------------------

$("pair-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const button = e.submitter || $("pair-form").querySelector("button");
  button.disabled = true;
  $("pair-error").textContent = "";
  try {
    await Api.pair($("code").value.trim());
    $("code").value = "";
    await home();
  } catch (err) {
    $("pair-error").textContent = err.message;
  } finally {
    button.disabled = false;
  }
});

$("unpair").addEventListener("click", () => { Api.forget(); start(); });

// ---- the demo (demo mode on: no pairing) -----------------------------------------------------

async function offerDemo() {
  $("demo-offer").hidden = true;
  try {
    const demo = await Api.call("GET", "/api/demo");
    if (!demo.enabled) return;
    state.demoCard = demo.scenario;
    $("demo-offer").hidden = false;
  } catch { /* no demo offered: pairing works as before */ }
}

$("try-demo").addEventListener("click", () => {
  state.demo = true;
  $("demo-error").textContent = "";
  brief(state.demoCard);
});

function leaveDemo() {
  state.demo = false;
  Api.endDemo();
  start();
}

// ---- assignments and scenarios ---------------------------------------------------------------

async function home() {
  show("home");
  $("home-error").textContent = "";
  try {
    const [assignments, scenarios] = await Promise.all([
      Api.call("GET", "/api/assignments?status=assigned"),
      Api.call("GET", "/api/scenarios"),
    ]);
    state.scenarios = scenarios;
    const byId = Object.fromEntries(scenarios.map((s) => [s.id, s]));
    $("assignments").replaceChildren(...assignments.filter((a) => byId[a.scenario_id]).map((a) =>
      choice(byId[a.scenario_id].title, a.note || byId[a.scenario_id].summary,
             a.due_date ? `Due ${a.due_date}` : "", () => brief(byId[a.scenario_id]))));
    $("no-assignments").hidden = assignments.length > 0;
    $("scenarios").replaceChildren(...scenarios.map((s) =>
      choice(s.title, s.summary, s.category || "", () => brief(s))));
  } catch (err) {
    if (err.status === 401) { show("pair"); $("pair-error").textContent = err.message; return; }
    $("home-error").textContent = err.message;
  }
}

// ---- the dispatch card -----------------------------------------------------------------------

function speak(text) {
  if (!("speechSynthesis" in window)) return false;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.rate = 0.95;
  speechSynthesis.speak(u);
  return true;
}

function brief(scenario) {
  state.scenario = scenario;
  $("brief-title").textContent = scenario.title;
  $("dispatch").textContent = scenario.dispatch;
  $("brief-limit").textContent = `Up to ${Math.round(scenario.time_limit_s / 60)} minutes. ` +
    "Speak out loud; the subject answers by voice." +
    (state.demo ? " A demo call: it is not counted as training." : "");
  $("brief-error").textContent = "";
  $("read").hidden = !("speechSynthesis" in window);
  show("brief");
  speak(`Dispatch. ${scenario.dispatch}`);
}

$("read").addEventListener("click", () => speak(`Dispatch. ${state.scenario.dispatch}`));
$("back").addEventListener("click", () => {
  if ("speechSynthesis" in window) speechSynthesis.cancel();
  if (state.demo) leaveDemo(); else home();
});

// ---- the call --------------------------------------------------------------------------------

function caption(speaker, text) {
  const p = document.createElement("p");
  p.className = speaker === "officer" ? "officer" : "subject";
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = speaker === "officer" ? "You:" : speaker === "subject" ? "Subject:" : `${speaker}:`;
  p.append(who, document.createTextNode(text));
  $("captions").append(p);
  $("captions").scrollTop = $("captions").scrollHeight;
}

// ---- the scene: the place and the subject's figure (inline, or in VR on a headset) ------------

function captionsOn() { return !$("captions").classList.contains("off"); }

function openScene(call) {
  const api = window.CodeBluScene;
  if (!api || state.scene) return;
  const card = state.scenario;
  $("scene").hidden = false;
  try {
    state.scene = api.mount($("scene"), { kind: (card.scene || {}).kind || "room", characters: card.characters || [] });
  } catch (err) { // no WebGL: the call goes on without the scene
    $("scene").hidden = true;
    return;
  }
  state.scene.onPose = (distance, rate) => call.send({ type: "officer.pose", distance_m: distance, approach_mps: rate });
  if (state.cue) state.scene.state(state.cue);
  if ($("subject").srcObject) state.scene.voice($("subject").srcObject, $("subject"));
  api.vrSupported().then((ok) => { $("enter-vr").hidden = !ok; });
}

function closeScene() {
  if (state.scene) state.scene.close();
  state.scene = null;
  state.cue = null;
  $("scene").hidden = true;
  $("enter-vr").hidden = true;
}

$("enter-vr").addEventListener("click", async () => {
  try {
    if (state.scene && !(await state.scene.enterVR())) $("call-note").textContent = "This browser has no VR mode.";
  } catch (err) {
    $("call-note").textContent = `VR could not start: ${err.message || err}`;
  }
});

function onSceneEvent(event) {
  if (event.type === "persona.state") state.cue = event;
  if (!state.scene) return;
  if (event.type === "persona.state") state.scene.state(event);
  else if (event.type === "persona.speech.start") {
    state.scene.speech(event, true);
    state.scene.caption(captionsOn() ? event.text : "");
  } else if (event.type === "persona.speech.end") {
    state.scene.speech(event, false);
    state.scene.caption("");
  }
}

function onEvent(event) {
  onSceneEvent(event);
  switch (event.type) {
    case "persona.speech.start": caption(event.speaker || "subject", event.text); break;
    case "transcript.final": if (event.speaker === "officer") caption("officer", event.text); break;
    case "error": $("call-note").textContent = "The subject missed that. Please say it again."; break;
    case "session.ended": finish(event.outcome); break;
    default: break; // persona.state (agitation) and timings are for the instructor, not shown here
  }
  if (event.type === "persona.speech.start") $("call-note").textContent = "";
}

function onState(s) {
  const status = $("call-status");
  if (s === "connected") { status.textContent = "On the call"; status.classList.add("live"); }
  else if (s === "muted") $("call-note").textContent = "Tap anywhere to hear the subject.";
  else if (s === "failed") { status.textContent = "Connection lost"; status.classList.remove("live"); }
}

$("start").addEventListener("click", async () => {
  if ("speechSynthesis" in window) speechSynthesis.cancel();
  $("start").disabled = true;
  $("brief-error").textContent = "";
  state.ended = false;
  const onStream = (stream) => { if (state.scene) state.scene.voice(stream, $("subject")); };
  const call = (state.call = new Call({ onEvent, onState, audio: $("subject"), onStream }));
  $("captions").replaceChildren();
  $("call-note").textContent = "";
  $("call-status").textContent = "Connecting…";
  $("call-status").classList.remove("live");
  $("call-title").textContent = state.scenario.title;
  try {
    const create = state.demo
      ? () => Api.startDemo()
      : () => Api.call("POST", "/api/sessions", { scenario_id: state.scenario.id });
    const session = await call.start(create);
    state.sessionId = session.session_id;
    show("call");
    openScene(call);
    document.body.dataset.session = session.session_id;
    state.started = performance.now();
    $("clock").textContent = "0:00";
    state.timer = setInterval(() => { $("clock").textContent = clock((performance.now() - state.started) / 1000); }, 500);
    call.meter((level) => { $("mic").firstElementChild.style.width = `${Math.round(level * 100)}%`; });
  } catch (err) {
    call.close();
    $("brief-error").textContent = err.name === "NotAllowedError"
      ? "The microphone is blocked. Allow it in the browser, then try again."
      : err.message || String(err);
  } finally {
    $("start").disabled = false;
  }
});

$("end").addEventListener("click", async () => {
  $("end").disabled = true;
  try {
    await state.call.end();
    finish("ended"); // in case the channel closed before session.ended arrived
  } catch (err) {
    $("call-note").textContent = err.message;
  } finally {
    $("end").disabled = false;
  }
});

$("toggle-captions").addEventListener("click", (e) => {
  const on = $("captions").classList.toggle("off") === false;
  e.currentTarget.setAttribute("aria-pressed", String(on));
  e.currentTarget.textContent = on ? "Captions on" : "Captions off";
});

document.addEventListener("click", () => { const a = $("subject"); if (a.srcObject && a.paused) a.play().catch(() => {}); });

// ---- the review ------------------------------------------------------------------------------

function finish(outcome) {
  if (state.ended) return;
  state.ended = true;
  clearInterval(state.timer);
  closeScene();
  if (state.call) state.call.close();
  document.body.dataset.outcome = outcome || "ended";
  showReview(state.sessionId);
}

/** Size the review's frame to its page; a headset's wide window scales the page up. */
function fitReview() {
  const frame = $("review-frame");
  const doc = frame.contentDocument;
  if (frame.hidden || !doc || !doc.body) return;
  doc.body.style.zoom = String(Math.max(1, frame.clientWidth / REVIEW_WIDTH_PX)); // laid out for a laptop
  frame.style.height = "0px";
  frame.style.height = `${doc.documentElement.scrollHeight + 8}px`;
}

window.addEventListener("resize", fitReview);

async function showReview(sessionId) {
  show("review");
  const frame = $("review-frame");
  frame.hidden = true;
  $("review-status").textContent = "Scoring your call…";
  const deadline = Date.now() + REVIEW_WAIT_MS;
  while (Date.now() < deadline) {
    try {
      const html = await Api.call("GET", `/api/sessions/${encodeURIComponent(sessionId)}/review?format=html`, undefined, { raw: true });
      frame.onload = () => { fitReview(); document.body.dataset.review = "shown"; };
      frame.srcdoc = html;
      frame.hidden = false;
      $("review-status").textContent = "";
      return;
    } catch (err) {
      if (err.status !== 404 && err.status !== 409) { $("review-status").textContent = err.message; return; }
      if (err.status === 404 && !(await scorable(sessionId))) {
        $("review-status").textContent = "This call was too short to score: none of your lines were heard.";
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 1500));
  }
  $("review-status").textContent = "The review is taking longer than usual. Ask your instructor to open it on the console.";
}

/** False once the call is over and holds no officer turn (the appliance then makes no review). */
async function scorable(sessionId) {
  try {
    const t = await Api.call("GET", `/api/sessions/${encodeURIComponent(sessionId)}/transcript`);
    return !t.outcome || t.turns.some((turn) => turn.speaker === "officer");
  } catch {
    return true;
  }
}

$("done").addEventListener("click", () => { if (state.demo) leaveDemo(); else home(); });

// ---- start -----------------------------------------------------------------------------------

function start() {
  if (Api.device()) { home(); return; }
  show("pair");
  $("code").focus();
  offerDemo();
}

start();
