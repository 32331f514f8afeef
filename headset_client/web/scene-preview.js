// The scene page without a call, for authors and tests: the place and figure of a card's cues.
import { mountScene } from "./scene.js";

const query = new URLSearchParams(location.search);
const scene = mountScene(document.getElementById("scene"), {
  kind: query.get("kind") || "room",
  characters: (query.get("characters") || "").split(",").filter(Boolean),
});
window.CodeBluScene.preview = scene;
document.body.dataset.ready = "yes";
