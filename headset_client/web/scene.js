// The scene of a call: the card's place, the subject (and the clinician) as plain figures posed by
// persona.state cues, his voice from where he stands, captions in view; inline on a tablet,
// immersive (WebXR) on a headset, where the officer's distance is sent about five times a second.
import * as THREE from "./vendor/three.module.js";
import { makeFigure, mouth, pose } from "./figure.js";
import { buildPlace } from "./places.js";
import { gestureFamily, postureFamily } from "./poses.js";

const EYE_M = 1.6;
const AIM_M = 1.1; // the inline view tilts to his chest height, so a close or seated figure is in frame
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
    this.aim();
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
    this.renderer.setAnimationLoop((time, xrFrame) => this.frame(time, xrFrame));
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
    this.aim();
    const d = this.container.dataset;
    Object.assign(d, { posture: cue.posture || "", gesture: cue.gesture || "", stage: event.stage || "" });
    this.report();
  }

  /** The inline view: at the officer's eye height, looking ahead and down to the stage's distance. */
  aim() {
    if (this.renderer.xr.isPresenting) return; // the headset places the camera
    this.camera.position.set(0, EYE_M, 0);
    this.camera.rotation.set(-Math.atan2(EYE_M - AIM_M, this.target), 0, 0);
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
      if (this.source) this.source.disconnect(); // a new stream replaces the old one, never doubles it
      const panner = (this.panner = ctx.createPanner());
      Object.assign(panner, { panningModel: "HRTF", distanceModel: "inverse", refDistance: 1.5 });
      this.source = ctx.createMediaStreamSource(stream);
      this.source.connect(panner).connect(ctx.destination);
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
      hearing: this.hearing(),
    };
  }

  /** Where the Web Audio listener stands and looks, and where the voice comes from (null: no voice). */
  hearing() {
    if (!this.panner || !this.audio) return null;
    const l = this.audio.listener, p = this.panner;
    const read = (params) => params.map((k) => (l[k] ? l[k].value : null));
    return {
      listener: read(["positionX", "positionY", "positionZ"]),
      forward: read(["forwardX", "forwardY", "forwardZ"]),
      up: read(["upX", "upY", "upZ"]),
      voice: p.positionX ? [p.positionX.value, p.positionY.value, p.positionZ.value] : null,
    };
  }

  /**
   * The officer's eyes in the world: in VR the headset's viewer pose of this frame (the point
   * between the eyes), else the inline camera.
   */
  eyes(xrFrame) {
    const xr = this.renderer.xr;
    if (xr.isPresenting) {
      const frame = xrFrame || xr.getFrame(), space = xr.getReferenceSpace();
      const viewer = frame && space ? frame.getViewerPose(space) : null;
      if (viewer) {
        const { position: p, orientation: q } = viewer.transform;
        return { position: new THREE.Vector3(p.x, p.y, p.z), quaternion: new THREE.Quaternion(q.x, q.y, q.z, q.w) };
      }
      // No pose this frame (tracking lost): the XR camera as three.js last placed it.
      const m = xr.getCamera().matrix;
      const position = new THREE.Vector3(), quaternion = new THREE.Quaternion();
      m.decompose(position, quaternion, new THREE.Vector3());
      return { position, quaternion };
    }
    this.camera.updateMatrixWorld();
    const position = new THREE.Vector3(), quaternion = new THREE.Quaternion();
    this.camera.matrixWorld.decompose(position, quaternion, new THREE.Vector3());
    return { position, quaternion };
  }

  frame(time, xrFrame) {
    const dt = Math.min(0.1, this.clock.getDelta());
    const t = this.clock.elapsedTime;
    const root = this.subject.root;
    const z = -root.position.z;
    const step = Math.sign(this.target - z) * Math.min(Math.abs(this.target - z), GLIDE_MPS * dt);
    root.position.z = -(z + step);
    pose(this.subject, t);
    mouth(this.subject, this.speaking === "subject", t);
    const eyes = this.eyes(xrFrame);
    const head = eyes.position;
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
    if (this.panner && this.audio) this.placeVoice(eyes);
    if (this.renderer.xr.isPresenting) this.sendPose(head);
    this.renderer.render(this.scene, this.camera);
  }

  /**
   * His voice from his head, heard from the officer's: the panner at the subject's head in the
   * world, the listener at the officer's eyes facing where they face (in VR it follows the
   * headset every frame, so turning away moves the voice round).
   */
  placeVoice({ position: ear, quaternion }) {
    const now = this.audio.currentTime, l = this.audio.listener;
    this.subject.root.updateMatrixWorld(true);
    const mouthAt = this.subject.head.getWorldPosition(new THREE.Vector3());
    const forward = new THREE.Vector3(0, 0, -1).applyQuaternion(quaternion);
    const up = new THREE.Vector3(0, 1, 0).applyQuaternion(quaternion);
    const set = (param, value) => param.setValueAtTime(value, now);
    if (this.panner.positionX) {
      [this.panner.positionX, this.panner.positionY, this.panner.positionZ].forEach((a, i) => set(a, mouthAt.getComponent(i)));
    } else {
      this.panner.setPosition(mouthAt.x, mouthAt.y, mouthAt.z);
    }
    if (l.positionX) {
      const params = ["positionX", "positionY", "positionZ", "forwardX", "forwardY", "forwardZ", "upX", "upY", "upZ"];
      const values = [ear.x, ear.y, ear.z, forward.x, forward.y, forward.z, up.x, up.y, up.z];
      params.forEach((k, i) => set(l[k], values[i]));
    } else { // older browsers: the deprecated setters
      l.setPosition(ear.x, ear.y, ear.z);
      l.setOrientation(forward.x, forward.y, forward.z, up.x, up.y, up.z);
    }
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
    session.addEventListener("end", () => { this.lastPose = null; this.resize(); this.aim(); });
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
