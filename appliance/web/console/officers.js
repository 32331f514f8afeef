// Officers (progress chart, hours, pairing code, hours export) and assignments.
"use strict";

const COMPETENCY_COLOURS = ["#4c9aff", "#e5534b", "#3fb950", "#d29922", "#a371f7", "#39c5cf", "#f778ba", "#8b949e"];

const Officers = {
  selected: null,

  async load() {
    const list = await api("GET", "/api/officers");
    Console.officers = Object.fromEntries(list.map((o) => [o.id, o]));
    $("officer-list").replaceChildren(...list.map((o) => h("li", {},
      h("button", { class: o.id === this.selected ? "picked" : "", onclick: () => this.select(o.id) },
        h("strong", {}, o.name), h("span", { class: "muted small" }, [o.post_id, o.agency, o.unit].filter(Boolean).join(" · "))))));
    return list;
  },

  async select(id) {
    this.selected = id;
    const o = Console.officers[id];
    $("officer-detail").hidden = false;
    $("officer-title").textContent = `${o.name}${o.post_id ? ` (${o.post_id})` : ""}`;
    $("pairing").hidden = true;
    for (const b of document.querySelectorAll("#officer-list button")) b.classList.toggle("picked", b.textContent.startsWith(o.name));
    this.exportLinks();
    const p = await api("GET", `/api/officers/${encodeURIComponent(id)}/progress`);
    this.chart(p.sessions);
    $("hours-body").replaceChildren(...p.hours.map((m) => h("tr", {}, h("td", {}, m.period), h("td", {}, m.sessions), h("td", {}, m.minutes))));
    if (!p.hours.length) $("hours-body").append(h("tr", {}, h("td", { colspan: 3, class: "muted" }, "No sessions yet.")));
  },

  chart(sessions) {
    if (!sessions.length) {
      $("progress-chart").replaceChildren(h("p", { class: "muted" }, "No reviewed sessions yet."));
      $("progress-legend").replaceChildren();
      return;
    }
    const ids = Object.keys(sessions[0].scores);
    const series = ids.map((id, k) => ({ name: id.replace(/_/g, " "), color: COMPETENCY_COLOURS[k % COMPETENCY_COLOURS.length],
                                         points: sessions.map((s, i) => [i, s.scores[id] ?? 0]) }));
    series.push({ name: "overall", cls: "overall", points: sessions.map((s, i) => [i, s.overall ?? 0]) });
    const xMax = Math.max(1, sessions.length - 1);
    $("progress-chart").replaceChildren(lineChart(series, {
      xMax, ticks: Math.min(xMax, 6), label: "Competency scores over sessions",
      xLabel: (v) => { const s = sessions[Math.round(v)]; return s ? s.started_at.slice(5, 10) : ""; },
    }));
    $("progress-legend").replaceChildren(...series.map((s) => h("span", {},
      h("i", { style: `background:${s.color || "#e6edf3"}` }), s.name)));
  },

  async pair() {
    try {
      const r = await api("POST", "/api/pairing", { officer_id: this.selected });
      $("pairing-code").textContent = r.code;
      $("pairing-expiry").textContent = `valid for ${Math.round(r.expires_in_s / 60)} minutes, once`;
      $("pairing").hidden = false;
    } catch (err) {
      $("pairing-code").textContent = "";
      $("pairing-expiry").textContent = err.message;
      $("pairing").hidden = false;
    }
  },

  /** After mistyped or guessed room codes: every device may try again at once. */
  async resetPairing() {
    try {
      const r = await api("POST", "/api/pairing/limits/reset");
      $("pairing-expiry").textContent = `devices may try codes again (${r.addresses_cleared} had been held back)`;
    } catch (err) {
      $("pairing-expiry").textContent = err.message;
    }
  },

  exportLinks() {
    const from = $("export-from").value, to = $("export-to").value, id = encodeURIComponent(this.selected || "");
    const q = `from=${from}&to=${to}`;
    $("export-csv").href = `/api/officers/${id}/hours.csv?${q}`;
    $("export-html").href = `/api/officers/${id}/hours.html?${q}`;
  },
};

const Assignments = {
  async load() {
    const [rows] = await Promise.all([api("GET", "/api/assignments"), Officers.load()]);
    $("assign-officer").replaceChildren(...Object.values(Console.officers).map((o) => h("option", { value: o.id }, o.name)));
    $("assign-scenario").replaceChildren(...Object.values(Console.scenarios).map((s) => h("option", { value: s.id }, s.category ? `${s.title} — ${s.category}` : s.title)));
    $("assign-body").replaceChildren(...rows.map((a) => h("tr", {},
      h("td", {}, (Console.officers[a.officer_id] || {}).name || a.officer_id), h("td", {}, scenarioTitle(a.scenario_id)),
      h("td", {}, a.due_date || ""), h("td", {}, a.status), h("td", {}, a.note),
      h("td", {}, a.status === "assigned" ? h("button", { onclick: () => this.cancel(a.id) }, "Cancel") : ""))));
  },

  async cancel(id) {
    try { await api("POST", `/api/assignments/${id}/cancel`); await this.load(); }
    catch (err) { $("assign-error").textContent = err.message; }
  },
};

$("pair-code").addEventListener("click", () => Officers.pair());
$("pair-reset").addEventListener("click", () => Officers.resetPairing());
$("export-from").addEventListener("change", () => Officers.exportLinks());
$("export-to").addEventListener("change", () => Officers.exportLinks());
$("officer-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const o = await api("POST", "/api/officers", { name: $("officer-name").value, post_id: $("officer-post").value, agency: $("officer-agency").value, unit: $("officer-unit").value });
    e.target.reset();
    await Officers.load();
    await Officers.select(o.id);
  } catch (err) { alert(err.message); }
});
$("assign-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("assign-error").textContent = "";
  try {
    await api("POST", "/api/assignments", { officer_id: $("assign-officer").value, scenario_id: $("assign-scenario").value,
                                             due_date: $("assign-due").value || null, note: $("assign-note").value });
    await Assignments.load();
  } catch (err) { $("assign-error").textContent = err.message; }
});
(() => {
  const today = new Date();
  const iso = (d) => d.toISOString().slice(0, 10);
  $("export-to").value = iso(today);
  $("export-from").value = iso(new Date(today.getFullYear(), today.getMonth(), 1));
})();
