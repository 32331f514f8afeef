// The built-in places a card's `scene.kind` names (appliance/persona/vocabulary.py SCENE_KINDS):
// a few boxes each, around the origin where the officer starts; the subject stands on -z.
import * as THREE from "./vendor/three.module.js";

const box = (w, h, d, color, x, y, z) => {
  const m = new THREE.Mesh(new THREE.BoxGeometry(w, h, d), new THREE.MeshLambertMaterial({ color }));
  m.position.set(x, y + h / 2, z);
  return m;
};

const ground = (color, size = 40) => {
  const m = new THREE.Mesh(new THREE.PlaneGeometry(size, size), new THREE.MeshLambertMaterial({ color }));
  m.rotation.x = -Math.PI / 2;
  return m;
};

const car = (color, x, z, turn = 0) => {
  const g = new THREE.Group();
  g.add(box(1.8, 0.7, 4.3, color, 0, 0.3, 0), box(1.6, 0.55, 2.2, 0x8fa3b5, 0, 1.0, -0.2));
  for (const [wx, wz] of [[-0.9, 1.4], [0.9, 1.4], [-0.9, -1.4], [0.9, -1.4]]) {
    g.add(box(0.25, 0.6, 0.6, 0x111111, wx, 0, wz));
  }
  g.position.set(x, 0, z);
  g.rotation.y = turn;
  return g;
};

const BUILD = {
  overpass: (g) => {
    const below = ground(0x2e3034, 80);
    below.position.y = -6.2; // the interstate, six metres down
    g.add(below, box(3.5, 0.2, 40, 0x7a7d80, 0, -0.2, 0));
    for (const x of [-1.7, 1.7]) {
      g.add(box(0.06, 0.06, 40, 0xc8ccd0, x, 1.05, 0)); // the rail
      for (let z = -20; z <= 20; z += 2) g.add(box(0.05, 1.05, 0.05, 0xc8ccd0, x, 0, z)); // posts
    }
    for (let i = -3; i <= 3; i += 1) g.add(box(60, 0.02, 0.15, 0xd9c34a, 0, -6.2, i * 6)); // lanes below
    for (let i = 0; i < 6; i += 1) g.add(box(4, 1.2, 1.8, [0xaa3333, 0x3355aa, 0xdddddd][i % 3], -12 + i * 5, -6.2, -15 + i * 6));
  },
  sidewalk: (g) => {
    g.add(ground(0x3a3a3c), box(40, 0.15, 5, 0x8a8a8a, 0, 0, -2));
    g.add(box(40, 5, 0.4, 0x6b4a3a, 0, 0, -5.5), box(1.4, 2.3, 0.1, 0xf0c060, -1, 0.15, -5.25)); // bar door
    g.add(box(2.5, 1.2, 0.1, 0xd06030, 2.5, 2.8, -5.25));
  },
  roadside_car: (g) => {
    g.add(ground(0x4a5a3a), box(7, 0.02, 40, 0x333333, -1, 0, 0));
    // His car side-on a step ahead, its open driver's door where he sits; the patrol car behind.
    g.add(car(0x2255aa, -0.3, -2.1, Math.PI / 2), car(0xdddddd, -1.6, 6.5));
  },
  parking_lot: (g) => {
    g.add(ground(0x2d2d30));
    for (let i = -3; i <= 3; i += 1) g.add(box(0.1, 0.01, 5, 0xdddddd, i * 3, 0, -4));
    g.add(car(0x3b4a3a, -1.4, -2.5), box(0.15, 6, 0.15, 0x777777, 4, 0, -6));
  },
  kitchen: (g) => {
    g.add(ground(0xb9a88a, 12));
    g.add(box(8, 2.8, 0.2, 0xe8e0d0, 0, 0, -9), box(0.2, 2.8, 12, 0xe8e0d0, -4, 0, -3));
    g.add(box(3.6, 0.9, 0.7, 0x7a5a3a, 0, 0, -8.4), box(2, 0.9, 1, 0x8a6a4a, 0.5, 0, -3.2)); // counter, island
    g.add(box(1, 2.1, 0.25, 0x5a4030, 2.8, 0, -9)); // doorway
  },
  driveway: (g) => {
    g.add(ground(0x4f7a3c), box(4, 0.03, 14, 0x8a8580, 1, 0, -4));
    g.add(box(6, 3.2, 0.3, 0xcfc6b0, 1, 0, -11.5), box(3, 2.3, 0.1, 0xeeeeee, 1, 0, -11.3));
    g.add(car(0x883322, 2.2, -6));
  },
  store: (g) => {
    g.add(ground(0xd8d8d0, 16));
    g.add(box(2.5, 0.9, 0.8, 0x555560, -1.5, 0, -3.5), box(0.4, 0.3, 0.3, 0x222222, -1.5, 0.9, -3.5));
    for (let i = 0; i < 3; i += 1) g.add(box(6, 2, 0.6, [0xc04040, 0x40a060, 0xe0b040][i], 0, 0, -9 - i * 2));
  },
  bus_shelter: (g) => {
    g.add(ground(0x3c3c40), box(40, 0.15, 4, 0x9a9a9a, 0, 0, -3.5));
    g.add(box(3.5, 2.4, 0.05, 0x9ec9e0, 0, 0.15, -5), box(0.05, 2.4, 1.4, 0x9ec9e0, -1.75, 0.15, -4.3));
    g.add(box(3.4, 0.08, 1.6, 0x556677, 0, 2.55, -4.3), box(2.2, 0.45, 0.45, 0x6a5040, 0, 0.15, -4.6));
  },
  backyard: (g) => {
    g.add(ground(0x3f6a32));
    g.add(box(20, 1.8, 0.1, 0x8a6a4a, 0, 0, -10), box(2.4, 2.2, 2, 0x7a6a5a, -2.5, 0, -6.5));
    g.add(box(0.2, 0.2, 0.05, 0xfff2c0, 3, 2.4, 3));
  },
  room: (g) => {
    g.add(ground(0x9a8a70, 14));
    g.add(box(10, 3, 0.2, 0xd8d2c4, 0, 0, -8), box(0.2, 3, 14, 0xd8d2c4, -5, 0, -2));
    for (let i = 0; i < 5; i += 1) g.add(box(0.45, 0.45, 0.45, 0x333a55, -2 + i, 0, -6.5));
    g.add(box(1, 2.1, 0.25, 0x6a5040, 3.5, 0, -8));
  },
};

export const SCENE_KINDS = Object.keys(BUILD);

/** The place of a scene kind (an unknown kind gets a bare floor); lit for night or day. */
export function buildPlace(kind) {
  const g = new THREE.Group();
  (BUILD[kind] || ((p) => p.add(ground(0x555555))))(g);
  return g;
}
