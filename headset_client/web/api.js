// The appliance's API for a paired device: the bearer token lives in sessionStorage only.
// A demo call (no pairing) holds its own pass in memory instead, for that call and its review.
"use strict";

const Api = (() => {
  const KEY = "codeblu.device";
  let demoPass = null;

  function device() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { return null; }
  }

  class ApiError extends Error {
    constructor(status, message, code) { super(message); this.status = status; this.code = code; }
  }

  function detail(body, fallback) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && Array.isArray(body.detail)) return body.detail.map((d) => d.msg || String(d)).join("; ");
    return fallback;
  }

  async function call(method, path, body, { raw = false } = {}) {
    const headers = { Accept: raw ? "text/html" : "application/json" };
    const paired = device();
    if (demoPass) headers.Authorization = `Bearer ${demoPass}`;
    else if (paired) headers.Authorization = `Bearer ${paired.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiError(0, "The appliance cannot be reached. Check the Wi-Fi and try again.", "unreachable");
    }
    if (!response.ok) {
      let parsed = null;
      try { parsed = await response.json(); } catch { /* not JSON */ }
      if (response.status === 401 && !demoPass) forget();
      throw new ApiError(response.status, detail(parsed, `${response.status} ${response.statusText}`), parsed && parsed.code);
    }
    if (raw) return response.text();
    return response.status === 204 ? null : response.json();
  }

  async function pair(code) {
    const grant = await call("POST", "/api/pairing/redeem", { code, label: navigator.userAgent.slice(0, 80) });
    sessionStorage.setItem(KEY, JSON.stringify({ token: grant.token, officer: grant.officer }));
    return grant.officer;
  }

  function forget() { sessionStorage.removeItem(KEY); }

  /** Start the demo call (demo mode on): the answer's pass reaches that call only. */
  async function startDemo() {
    demoPass = null;
    const session = await call("POST", "/api/demo");
    demoPass = session.token;
    return session;
  }

  function endDemo() { demoPass = null; }

  return { ApiError, call, device, pair, forget, startDemo, endDemo };
})();
