// The card's free-text VR cues (posture, gesture) mapped to a few pose families by keywords.
// Unknown words fall back to standing / neutral, so a new card never breaks the scene.

const POSTURES = [
  ["climbing", ["leg_on", "straddl", "climbing"]],
  ["sitting", ["seated", "sitting", "slumped", "hunched", "knees_up", "door_lock", "wheel", "window"]],
  ["crouching", ["crouch"]],
  ["leaning", ["lean", "gripping_railing", "backed_into", "back_to", "backing_to"]],
  ["confronting", ["bladed", "squared", "chest_out", "advancing", "lunging", "blocking", "coming_around"]],
  ["pacing", ["pacing", "stumbling", "backing", "heading", "stepping", "turning", "turned", "reaching"]],
];

const GESTURES = [
  ["neutral", ["shaking_head", "glancing", "looking", "peering", "staring", "on_officers_arm"]],
  ["stop", ["palm_out", "stop", "waving_away"]],
  ["hands_to_head", ["ear", "head", "face", "eyes", "rubbing"]],
  ["rocking", ["rocking"]],
  ["flailing", ["swing", "flail", "sweeping", "slapping", "hitting", "cocked", "fists", "arms_out"]],
  ["arms_crossed", ["crossed", "folded"]],
  ["pointing", ["point", "phone_at", "phone_thrust", "held_out", "drill_raised"]],
  ["holding", ["phone", "pill", "knife", "blade", "drill", "handbag", "keys", "glove_box", "wheel"]],
];

function family(text, table, fallback) {
  const words = String(text || "").toLowerCase();
  for (const [name, keys] of table) if (keys.some((k) => words.includes(k))) return name;
  return fallback;
}

/** The posture family of a cue's posture ("one_leg_on_railing" → "climbing"). */
export const postureFamily = (posture) => family(posture, POSTURES, "standing");

/** The gesture family of a cue's gesture ("palm_out_stop" → "stop"). */
export const gestureFamily = (gesture) => family(gesture, GESTURES, "neutral");

export const POSTURE_FAMILIES = ["standing", ...POSTURES.map(([n]) => n)];
export const GESTURE_FAMILIES = [...new Set(["neutral", ...GESTURES.map(([n]) => n)])];
