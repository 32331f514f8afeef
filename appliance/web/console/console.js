// Console shell: log in and out, tabs, and loading what each tab shows.
"use strict";

const TAB_OF_VIEW = { session: "live", review: "sessions" };
const LOADERS = {
  live: () => Live.connect(),
  sessions: () => Records.list(),
  officers: () => Officers.load(),
  assignments: () => Assignments.load(),
  hours: () => Roster.load(),
  audit: () => Audit.load(),
};

function showView(view) {
  for (const el of document.querySelectorAll(".view")) el.hidden = el.id !== view;
  const tab = TAB_OF_VIEW[view] || view;
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.tab === tab);
  document.body.dataset.view = view;
}

async function openTab(tab) {
  showView(tab);
  try { await LOADERS[tab](); } catch (err) { if (err.status !== 401) console.error(err); }
}

async function loggedIn(me) {
  Console.me = me;
  $("me").textContent = `${me.display_name} (${me.role.replace("_", " ")})`;
  $("tabs").hidden = false;
  $("logout").hidden = false;
  for (const el of document.querySelectorAll("[data-roles]")) el.hidden = !el.dataset.roles.split(" ").includes(me.role);
  const cards = await api("GET", "/api/scenarios");
  Console.scenarios = Object.fromEntries(cards.map((c) => [c.id, c]));
  Live.connect();
  await openTab(me.role === "training_officer" ? "officers" : "live");
}

Console.onLoggedOut = (why) => {
  Console.me = null;
  Live.disconnect();
  $("tabs").hidden = true;
  $("logout").hidden = true;
  $("me").textContent = "";
  $("login-error").textContent = why || "";
  showView("login");
};

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("login-error").textContent = "";
  try {
    const r = await api("POST", "/api/auth/login", { username: $("username").value, password: $("password").value });
    $("password").value = "";
    await loggedIn({ ...r.user, csrf_token: r.csrf_token });
  } catch (err) {
    $("login-error").textContent = err.message;
  }
});

$("logout").addEventListener("click", async () => {
  try { await api("POST", "/api/auth/logout"); } finally { Console.onLoggedOut(""); }
});

for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => openTab(b.dataset.tab));

(async () => {
  try {
    const me = await fetch("/api/auth/me", { credentials: "same-origin" });
    if (me.ok) {
      const who = await me.json();
      if (who.kind === "user") { await loggedIn(who); return; }
    }
  } catch { /* not logged in */ }
  showView("login");
  $("username").focus();
})();
