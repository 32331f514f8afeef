// The hours roster export (all officers or a unit, a date range) and the admin's access audit.
"use strict";

const Roster = {
  async load() {
    const units = await api("GET", "/api/hours/units");
    const select = $("roster-unit");
    const chosen = select.value;
    select.replaceChildren(h("option", { value: "" }, "All officers"),
      ...units.map((u) => h("option", { value: u, selected: u === chosen }, `Unit: ${u}`)));
    this.links();
  },

  links() {
    const q = new URLSearchParams({ from: $("roster-from").value, to: $("roster-to").value });
    if ($("roster-unit").value) q.set("unit", $("roster-unit").value);
    $("roster-csv").href = `/api/hours/roster.csv?${q}`;
    $("roster-html").href = `/api/hours/roster.html?${q}`;
  },
};

const Audit = {
  async load() {
    const rows = await api("GET", "/api/audit/access?limit=500");
    const what = { replay: "replayed the recording", listen: "listened in live", watch: "watched live" };
    $("audit-body").replaceChildren(...rows.map((r) => h("tr", {},
      h("td", {}, when(r.at)), h("td", {}, r.username), h("td", {}, r.role.replace("_", " ")),
      h("td", {}, what[r.action] || r.action), h("td", {}, r.officer_name || ""),
      h("td", {}, r.scenario_id ? scenarioTitle(r.scenario_id) : ""), h("td", { class: "small muted" }, r.session_id),
      h("td", { class: "small muted" }, r.ip))));
    if (!rows.length) $("audit-body").append(h("tr", {}, h("td", { colspan: 8, class: "muted" }, "Nothing yet.")));
  },
};

for (const id of ["roster-from", "roster-to", "roster-unit"]) $(id).addEventListener("change", () => Roster.links());
(() => {
  const today = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  $("roster-to").value = iso(today);
  $("roster-from").value = iso(new Date(today.getFullYear(), today.getMonth(), 1));
})();
