// The scene of a call: the card's place, the subject (and the clinician) as plain figures posed by
// persona.state cues, his voice from where he stands, captions in view; inline on a tablet,
// immersive (WebXR) on a headset, where the officer's distance is sent about five times a second.
import * as THREE from "./vendor/three.module.js";
import { makeFigure, mouth, pose } from "./figure.js";
import { buildPlace } from "./places.js";
import { gestureFamily, postureFamily } from "./poses.js";

const EYE_M = 1.6;
const POSE_HZ = 5;
const GLIDE_MPS = 2.0; // the subject walks to a new stage's spot, never jumps

class Scene {
  constructor(container, { kind, characters = [] }) {
    this.container = container;
    this.kind = kind;
    this.onPose = null; // (distance_m, approach_mps) → sent on the data channel (headset only)
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.xr.enabled = true;
    container.replaceChildren(this.renderer.domElement);
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0x1b2330);
    this.scene.fog = new THREE.Fog(0x1b2330, 12, 45);
    this.scene.add(new THREE.HemisphereLight(0xdde6ff, 0x3a3328, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.2);
    sun.position.set(3, 8, 5);
    this.scene.add(sun, buildPlace(kind));
    this.camera = new THREE.PerspectiveCamera(60, 1, 0.05, 200);
    this.camera.position.set(0, EYE_M, 0);
    this.subject = makeFigure();
    this.scene.add(this.subject.root);
    this.target = 4;
    this.subject.root.position.set(0, 0, -this.target);
    // Extra characters: the co-responding clinician beside the officer, anyone else (a partner,
    // a parent) a step to the side of the subject.
    this.others = {};
    characters.forEach((id, i) => {
      const c = makeFigure({ shirt: [0x3f7a5a, 0x7a5a8a, 0x8a7a3a][i % 3], trousers: 0x33333a, skin: 0xa8795a });
      c.beside = id === "clinician" ? "officer" : "subject";
      if (c.beside === "officer") c.root.position.set(0.8, 0, -1.3); // in view, at the officer's side
      this.others[id] = c;
      this.scene.add(c.root);
    });
    this.speaking = null;
    this.captionCanvas = document.createElement("canvas");
    Object.assign(this.captionCanvas, { width: 1024, height: 128 });
    this.captionTexture = new THREE.CanvasTexture(this.captionCanvas);
    this.captionBoard = new THREE.Mesh(
      new THREE.PlaneGeometry(1.6, 0.2),
      new THREE.MeshBasicMaterial({ map: this.captionTexture, transparent: true, depthTest: false }),
    );
    this.captionBoard.visible = false;
    this.scene.add(this.captionBoard);
    this.panner = null;
    this.lastPose = null;
    this.resize();
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(container);
    this.clock = new THREE.Clock();
    this.renderer.setAnimationLoop(() => this.frame());
    this.report();
  }

  resize() {
    const w = Math.max(1, this.container.clientWidth), h = Math.max(1, this.container.clientHeight);
    if (this.renderer.xr.isPresenting) return;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  /** A persona.state event: stand at the stage's distance, take the cue's posture and gesture. */
  state(event) {
    const cue = event.cue || {};
    this.target = Math.max(0.5, Number(cue.distance_m) || this.target);
    Object.assign(this.subject, { posture: postureFamily(cue.posture), gesture: gestureFamily(cue.gesture) });
    const d = this.container.dataset;
    Object.assign(d, { posture: cue.posture || "", gesture: cue.gesture || "", stage: event.stage || "" });
    this.report();
  }

  /** persona.speech.start / .end: the speaker's mouth and light move while the line plays. */
  speech(event, speaking) {
    this.speaking = speaking ? event.speaker || "subject" : null;
    this.container.dataset.speaking = this.speaking || "";
  }

  /** A caption above the speaker's head (empty text hides it); the page has its own captions. */
  caption(text) {
    const g = this.captionCanvas.getContext("2d");
    g.clearRect(0, 0, 1024, 128);
    this.captionBoard.visible = Boolean(text);
    if (!text) return;
    g.fillStyle = "rgba(10, 14, 20, 0.78)";
    g.fillRect(0, 0, 1024, 128);
    g.fillStyle = "#ffffff";
    g.font = "44px sans-serif";
    g.textAlign = "center";
    g.fillText(text.length > 60 ? `${text.slice(0, 57)}…` : text, 512, 80, 1000);
    this.captionTexture.needsUpdate = true;
  }

  /** The subject's voice through a PannerNode placed where he stands. */
  voice(stream, audioElement) {
    try {
      const ctx = (this.audio = this.audio || new AudioContext());
      const panner = (this.panner = ctx.createPanner());
      Object.assign(panner, { panningModel: "HRTF", distanceModel: "inverse", refDistance: 1.5 });
      ctx.createMediaStreamSource(stream).connect(panner).connect(ctx.destination);
      // The element keeps playing (Chrome needs it for the stream to flow), muted once the
      // panner is heard; until then, or if the context never starts, the element is the voice.
      const take = () => { if (ctx.state === "running") audioElement.muted = true; };
      ctx.resume().then(take, () => {});
      take();
    } catch (err) {
      this.panner = null; // plain stereo from the audio element
    }
  }

  report() {
    const s = this.subject;
    this.container.dataset.pose = `${s.posture}/${s.gesture}`;
    this.container.dataset.kind = this.kind;
  }

  /** The figure's placement and limb angles, for tests. */
  snapshot() {
    const s = this.subject;
    return {
      pose: this.container.dataset.pose,
      distance_m: -s.root.position.z,
      body_y: s.body.position.y,
      arms: s.arms.map((a) => [a.rotation.x, a.rotation.z]),
      legs: s.legs.map((l) => l.rotation.x),
      others: Object.entries(this.others).map(([id, c]) => `${id}:${c.beside}`),
    };
  }

  frame() {
    const dt = Math.min(0.1, this.clock.getDelta());
    const t = this.clock.elapsedTime;
    const root = this.subject.root;
    const z = -root.position.z;
    const step = Math.sign(this.target - z) * Math.min(Math.abs(this.target - z), GLIDE_MPS * dt);
    root.position.z = -(z + step);
    pose(this.subject, t);
    mouth(this.subject, this.speaking === "subject", t);
    const eye = this.renderer.xr.isPresenting ? this.renderer.xr.getCamera() : this.camera;
    const head = new THREE.Vector3().setFromMatrixPosition(eye.matrixWorld);
    for (const [id, fig] of Object.entries(this.others)) {
      pose(fig, t);
      mouth(fig, this.speaking === id, t);
      const p = fig.root.position;
      if (fig.beside === "subject") p.set(root.position.x - 1.5, 0, root.position.z + 0.6);
      const look = fig.beside === "subject" ? head : root.position; // the clinician watches him
      fig.root.rotation.y = Math.atan2(look.x - p.x, look.z - p.z);
    }
    root.rotation.y = Math.atan2(head.x - root.position.x, head.z - root.position.z); // faces the officer
    this.captionBoard.position.set(root.position.x, 2.15, root.position.z);
    this.captionBoard.lookAt(head);
    if (this.panner && this.audio) this.placeVoice(head);
    if (this.renderer.xr.isPresenting) this.sendPose(head);
    this.renderer.render(this.scene, this.camera);
  }

  placeVoice(head) {
    const p = this.subject.root.position, l = this.audio.listener, now = this.audio.currentTime;
    this.panner.positionX.setValueAtTime(p.x - head.x, now);
    this.panner.positionY.setValueAtTime(1.6 - head.y, now);
    this.panner.positionZ.setValueAtTime(p.z - head.z, now);
    if (l.positionX) l.positionX.setValueAtTime(0, now);
  }

  /** Headset only: the horizontal distance to him and how fast the officer closes it. */
  sendPose(head) {
    const now = performance.now() / 1000;
    const him = this.subject.root.position;
    const dist = (x, z) => Math.hypot(x - him.x, z - him.z);
    if (this.lastPose && now - this.lastPose.t < 1 / POSE_HZ) return;
    const d = dist(head.x, head.z);
    // Only the officer's own movement counts: the previous head position to where he stands now.
    const rate = this.lastPose ? (dist(this.lastPose.x, this.lastPose.z) - d) / (now - this.lastPose.t) : 0;
    this.lastPose = { t: now, x: head.x, z: head.z };
    if (this.onPose && Number.isFinite(d)) this.onPose(d, Number.isFinite(rate) ? rate : 0);
  }

  /** Enter immersive VR (a headset browser); resolves false where WebXR VR is not offered. */
  async enterVR() {
    if (!navigator.xr || !(await navigator.xr.isSessionSupported("immersive-vr"))) return false;
    const session = await navigator.xr.requestSession("immersive-vr", { optionalFeatures: ["local-floor"] });
    this.renderer.xr.setReferenceSpaceType("local-floor");
    await this.renderer.xr.setSession(session);
    this.lastPose = null;
    session.addEventListener("end", () => { this.lastPose = null; this.resize(); });
    return true;
  }

  close() {
    this.renderer.setAnimationLoop(null);
    const session = this.renderer.xr.getSession();
    if (session) session.end().catch(() => {});
    this.ro.disconnect();
    this.renderer.dispose();
    if (this.audio) this.audio.close().catch(() => {});
    const audio = document.getElementById("subject");
    if (audio) audio.muted = false;
    this.container.replaceChildren();
  }
}

/** Whether this browser offers immersive VR (a headset's browser does; a tablet's does not). */
export async function vrSupported() {
  try { return Boolean(navigator.xr && (await navigator.xr.isSessionSupported("immersive-vr"))); }
  catch { return false; }
}

export function mountScene(container, card) { return new Scene(container, card); }

window.CodeBluScene = { mount: mountScene, vrSupported };
window.dispatchEvent(new Event("codeblu-scene-ready"));
