// Finished sessions and their reviews: read, annotate, sign off.
"use strict";

const Records = {
  current: null,

  async list() {
    const rows = await api("GET", "/api/records/sessions?limit=200");
    $("sessions-body").replaceChildren(...rows.filter((r) => r.status === "finished").map((r) => h("tr", {},
      h("td", {}, when(r.started_at)), h("td", {}, r.officer_name), h("td", {}, scenarioTitle(r.scenario_id)),
      h("td", {}, r.active_minutes), h("td", {}, r.outcome || ""), h("td", {}, r.has_audio ? "recorded" : ""),
      h("td", {}, r.has_review
        ? h("button", { onclick: () => this.open(r) }, r.signed_off_at ? "Open (signed off)" : "Open review")
        : h("span", { class: "muted" }, "no review")))));
  },

  async open(row) {
    this.current = row.id;
    $("review-title").textContent = `${row.officer_name} — ${scenarioTitle(row.scenario_id)}`;
    $("review-error").textContent = "";
    $("review-frame").src = `/api/sessions/${encodeURIComponent(row.id)}/review?format=html`;
    showView("review");
    await Promise.all([this.refresh(), Replay.load(row)]);
  },

  async refresh() {
    const r = await api("GET", `/api/reviews/${encodeURIComponent(this.current)}`);
    $("annotations").replaceChildren(...r.annotations.map((a) => h("li", {},
      h("div", { class: "muted small" }, `${a.author} · ${when(a.created_at)}${a.competency ? ` · ${a.competency}` : ""}`), a.text)));
    if (!r.annotations.length) $("annotations").append(h("li", { class: "muted" }, "No notes yet."));
    const select = $("annotation-competency");
    select.replaceChildren(h("option", { value: "" }, "(whole session)"),
      ...(r.review.competencies || []).map((c) => h("option", { value: c.id }, c.title)));
    const signed = r.signed_off;
    $("signoff-state").textContent = signed ? `Signed off by ${signed.by} on ${when(signed.at)}${signed.note ? `: ${signed.note}` : ""}` : "Not signed off yet.";
    $("signoff-form").hidden = Boolean(signed);
  },
};

$("review-back").addEventListener("click", () => { Replay.reset(); showView("sessions"); Records.list(); });
$("annotate-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    await api("POST", `/api/reviews/${encodeURIComponent(Records.current)}/annotations`,
      { text: $("annotation").value, competency: $("annotation-competency").value || null });
    $("annotation").value = "";
    await Records.refresh();
  } catch (err) { $("review-error").textContent = err.message; }
});
$("signoff-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    await api("POST", `/api/reviews/${encodeURIComponent(Records.current)}/signoff`, { note: $("signoff-note").value });
    await Records.refresh();
  } catch (err) { $("review-error").textContent = err.message; }
});
