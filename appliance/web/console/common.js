// Console basics: the API with the session cookie and CSRF header, DOM building, formatting.
"use strict";

const $ = (id) => document.getElementById(id);

const Console = {
  me: null, // the logged-in account, with its csrf_token
  scenarios: {}, // id → card (with injects)
  officers: {}, // id → officer
};

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** Call the appliance's API; writes carry the session's CSRF token. */
async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && Console.me) headers["X-CSRF-Token"] = Console.me.csrf_token;
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: "same-origin",
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "The appliance cannot be reached.");
  }
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const parsed = await response.json();
      if (typeof parsed.detail === "string") detail = parsed.detail;
      else if (Array.isArray(parsed.detail)) detail = parsed.detail.map((d) => d.msg).join("; ");
    } catch { /* not JSON */ }
    if (response.status === 401 && Console.onLoggedOut) Console.onLoggedOut(detail);
    throw new ApiError(response.status, detail);
  }
  return response.status === 204 ? null : response.json();
}

/** Build an element: h("p", {class: "x"}, "text", child) — text is always text, never HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "style") el.style.cssText = v; // through the CSSOM: the page's CSP refuses style attributes
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** An SVG element with attributes. */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "style") el.style.cssText = String(v); // through the CSSOM, as in h()
    else el.setAttribute(k, String(v));
  }
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

function scenarioTitle(id) { return (Console.scenarios[id] || {}).title || id; }

/** A line chart: series of {name, cls, points: [[x, y]]}, y in 0–100, x labels from xLabel. */
function lineChart(series, { xMax, xLabel, ticks = 5, width = 640, height = 220, label = "chart" }) {
  const L = 40, R = 12, T = 10, B = 26;
  const x = (v) => L + (width - L - R) * (xMax > 0 ? v / xMax : 0);
  const y = (v) => T + (height - T - B) * (1 - v / 100);
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": label });
  for (const v of [0, 25, 50, 75, 100]) {
    root.append(svg("line", { x1: L, x2: width - R, y1: y(v), y2: y(v), class: "grid" }));
    root.append(svg("text", { x: L - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, v));
  }
  for (let k = 0; k <= ticks; k++) {
    const v = (xMax * k) / ticks;
    root.append(svg("text", { x: x(v), y: height - 8, class: "tick", "text-anchor": "middle" }, xLabel(v, k)));
  }
  for (const s of series) {
    if (!s.points.length) continue;
    const pts = s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(" ");
    root.append(svg("polyline", { points: pts, class: `line ${s.cls || ""}`, style: s.color ? `stroke:${s.color}` : "" }));
    for (const [px, py] of s.points) {
      root.append(svg("circle", { cx: x(px), cy: y(py), r: 3, class: "dot", style: s.color ? `fill:${s.color}` : "" },
                      svg("title", {}, `${s.name}: ${Math.round(py)}`)));
    }
  }
  return root;
}
