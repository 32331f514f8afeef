// A plain low-poly humanoid (boxes, cylinders) posed by pose families; a mouth light while he speaks.
import * as THREE from "./vendor/three.module.js";

function part(geometry, color, x, y, z) {
  const mesh = new THREE.Mesh(geometry, new THREE.MeshLambertMaterial({ color }));
  mesh.position.set(x, y, z);
  return mesh;
}

/** A limb hanging from a pivot (shoulder or hip), so rotating the pivot swings it. */
function limb(length, radius, color, x, y) {
  const pivot = new THREE.Group();
  pivot.position.set(x, y, 0);
  pivot.add(part(new THREE.CylinderGeometry(radius, radius * 0.85, length, 8), color, 0, -length / 2, 0));
  return pivot;
}

/** A standing figure about 1.78 m tall, facing +z (toward the officer). */
export function makeFigure({ shirt = 0x6b7b8c, trousers = 0x2f3640, skin = 0xc9a27e } = {}) {
  const root = new THREE.Group();
  const body = new THREE.Group(); // lowered and tilted as a whole (sitting, crouching, leaning)
  root.add(body);
  const torso = part(new THREE.BoxGeometry(0.42, 0.6, 0.24), shirt, 0, 1.2, 0);
  const head = new THREE.Group();
  head.position.set(0, 1.62, 0);
  head.add(part(new THREE.BoxGeometry(0.22, 0.26, 0.24), skin, 0, 0, 0));
  const mouth = part(new THREE.BoxGeometry(0.09, 0.025, 0.02), 0x3a1f1a, 0, -0.07, 0.125);
  head.add(mouth);
  const arms = [limb(0.62, 0.05, shirt, -0.27, 1.47), limb(0.62, 0.05, shirt, 0.27, 1.47)];
  const legs = [limb(0.88, 0.07, trousers, -0.11, 0.9), limb(0.88, 0.07, trousers, 0.11, 0.9)];
  body.add(torso, head, ...arms, ...legs);
  const light = new THREE.PointLight(0xffd27a, 0, 1.2);
  light.position.set(0, 1.55, 0.35);
  root.add(light);
  return { root, body, torso, head, mouth, arms, legs, light, posture: "standing", gesture: "neutral" };
}

const rest = (fig) => {
  fig.body.position.set(0, 0, 0);
  fig.body.rotation.set(0, 0, 0);
  fig.head.rotation.set(0, 0, 0);
  for (const l of [...fig.arms, ...fig.legs]) l.rotation.set(0, 0, 0);
};

// Posture and gesture families (poses.js) as joint angles; `t` animates the moving ones.
// Lookup tables, not switch statements: the events test reads `case "…"` as event types.
const POSTURE = {
  sitting: (f) => { f.body.position.y = -0.45; f.legs[0].rotation.x = f.legs[1].rotation.x = -1.45; },
  crouching: (f) => {
    f.body.position.y = -0.55;
    f.body.rotation.x = 0.35;
    f.legs[0].rotation.x = f.legs[1].rotation.x = -1.2;
  },
  leaning: (f) => { f.body.rotation.x = 0.25; f.body.rotation.z = 0.12; },
  confronting: (f) => { f.body.rotation.x = -0.12; f.legs[0].rotation.x = 0.3; f.legs[1].rotation.x = -0.25; },
  climbing: (f) => {
    f.body.position.y = 0.25;
    f.legs[1].rotation.set(-1.3, 0, -0.4);
    f.body.rotation.z = 0.18;
  },
  pacing: (f, t) => {
    f.body.position.x = Math.sin(t * 2.2) * 0.6;
    f.legs[0].rotation.x = Math.sin(t * 6) * 0.45;
    f.legs[1].rotation.x = -Math.sin(t * 6) * 0.45;
  },
  standing: () => {},
};

const GESTURE = {
  stop: (f) => { f.arms[1].rotation.set(-1.5, 0, 0.1); },
  pointing: (f) => { f.arms[1].rotation.x = -1.45; },
  holding: (f) => { f.arms[1].rotation.x = -0.8; f.arms[0].rotation.x = -0.5; },
  hands_to_head: (f) => {
    f.arms[0].rotation.set(-2.6, 0, 0.5);
    f.arms[1].rotation.set(-2.6, 0, -0.5);
    f.head.rotation.x = 0.3;
  },
  arms_crossed: (f) => { f.arms[0].rotation.set(-1.2, 0, -0.8); f.arms[1].rotation.set(-1.2, 0, 0.8); },
  flailing: (f, t) => {
    f.arms[0].rotation.x = -1.2 + Math.sin(t * 7) * 1.0;
    f.arms[1].rotation.x = -1.2 - Math.sin(t * 7) * 1.0;
  },
  rocking: (f, t) => { f.body.rotation.x += 0.15 + Math.sin(t * 2.5) * 0.15; },
  neutral: (f) => { f.arms[0].rotation.z = -0.08; f.arms[1].rotation.z = 0.08; },
};

/** Set the figure's posture and gesture at time `t` (seconds), for the animated families. */
export function pose(fig, t) {
  rest(fig);
  (POSTURE[fig.posture] || POSTURE.standing)(fig, t);
  (GESTURE[fig.gesture] || GESTURE.neutral)(fig, t);
  if (fig.posture !== "pacing") fig.body.rotation.y = Math.sin(t * 2.2) * 0.05; // small shifts
}

/** Mouth and light while the figure speaks (a simple flap, no visemes). */
export function mouth(fig, speaking, t) {
  const open = speaking ? 0.5 + 0.5 * Math.abs(Math.sin(t * 14)) : 0;
  fig.mouth.scale.y = 1 + open * 3;
  fig.light.intensity = speaking ? 0.6 + open : 0;
}
