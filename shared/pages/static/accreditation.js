/* The organisers' accreditation desk: the queue with approve (general or for named
 * restricted sessions), reject and revoke with reasons, who holds which scopes, badge
 * printing, and live occupancy of every room. */
"use strict";
(() => {
  const {api, el, say, problemText, t} = Podium;
  const ev = () => document.body.dataset.event;
  const $ = id => document.getElementById(id);

  function query() {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData($("filters"))) if (v) params.set(k, v);
    return params;
  }

  let categories = null;  /* the categories' names in the page's language */
  const categoryName = c => (categories ||= JSON.parse($("category-names").textContent))[c] || c;

  /* A delegate's scopes as organisers know them: session titles, or "general". */
  function scopeText(scopes) {
    const titles = JSON.parse($("scope-titles").textContent);
    if (!scopes || !scopes.length) return "—";
    return scopes.map(s => s === "general" ? t("scope_general") : titles[s] || s).join("; ");
  }

  async function decide(id, decision, reasonInput, choices) {
    const reason = reasonInput.value.trim();
    if (!reason) {
      reasonInput.focus();
      reasonInput.setAttribute("aria-invalid", "true");
      return say("queue-status", "error", t("reason_required"));
    }
    const body = {decision, reason};
    if (decision === "approve") {
      body.scopes = [...choices.querySelectorAll("input[name=scope]:checked")].map(c => c.value);
      if (!body.scopes.length) {
        choices.querySelector("input[name=scope]").focus();
        return say("queue-status", "error", t("pick_scope"));
      }
    }
    const resp = await api("POST", `/events/${ev()}/delegates/${id}/accreditation`, body);
    if (!resp.ok) return say("queue-status", "error", problemText(resp));
    say("queue-status", "ok", t("done"));
    load();
  }

  function row(d) {
    const reasonId = "reason-" + d.id;
    const reason = el("input", {id: reasonId, name: "reason", autocomplete: "off"});
    const actions = [];
    const allowed = {pending: ["approve", "reject"], approved: ["revoke"], rejected: ["approve"],
                     revoked: ["approve"]}[d.accreditation] || [];
    const choices = $("scope-choices").content.firstElementChild.cloneNode(true);
    // "General" already opens every restricted session: it and named sessions exclude each
    // other, or ticking one workshop would still grant them all.
    choices.addEventListener("change", e => {
      if (!e.target.checked) return;
      for (const box of choices.querySelectorAll("input[name=scope]")) {
        if ((e.target.value === "general") !== (box.value === "general")) box.checked = false;
      }
    });
    if (allowed.includes("approve")) actions.push(choices);
    for (const decision of allowed) {
      const button = el("button", {type: "button", "data-decision": decision,
                                   class: decision === "approve" ? "" : "secondary"}, t(decision));
      button.addEventListener("click", () => decide(d.id, decision, reason, choices));
      actions.push(button, " ");
    }
    if (d.accreditation === "approved") {
      const print = el("button", {type: "button", class: "secondary"}, t("print_badge"));
      print.addEventListener("click", () => printBadges(new URLSearchParams({delegates: d.id})));
      actions.push(print);
    }
    return el("tr", {"data-delegate": d.id},
      el("td", {}, d.name), el("td", {}, d.delegation), el("td", {}, categoryName(d.category)),
      el("td", {class: "status"}, t("acc_" + d.accreditation)),
      el("td", {class: "scopes"}, scopeText(d.scopes)),
      el("td", {}, el("label", {for: reasonId}, t("reason")), reason, ...actions));
  }

  async function load() {
    const resp = await api("GET", `/events/${ev()}/delegates?${query()}`);
    if (!resp.ok) return say("queue-status", "error", problemText(resp));
    const rows = resp.data.delegates.map(row);
    $("queue").querySelector("tbody").replaceChildren(...rows);
    $("queue-count").textContent = `${resp.data.total}` + (rows.length ? "" : " · " + t("none_found"));
  }

  /* The print sheet needs the organiser's token: fetch it with the header and show it from
   * a blob, so the token never goes into a URL. */
  async function printBadges(params) {
    const resp = await api("GET", `/events/${ev()}/badges/print?${params}`);
    if (!resp.ok) return say("print-status", "error", problemText(resp));
    const url = URL.createObjectURL(new Blob([resp.data], {type: "text/html"}));
    window.open(url, "_blank");
  }

  async function rooms() {
    try {
      const resp = await api("GET", `/events/${ev()}/gate/occupancy`);
      if (resp.ok) {
        $("rooms").querySelector("tbody").replaceChildren(...resp.data.map(o =>
          el("tr", {"data-room": o.room}, el("td", {}, o.name || o.room), el("td", {}, o.inside),
             el("td", {}, o.capacity ?? "—"))));
      }
    } catch (e) { /* offline: keep the last figures */ }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("filters").addEventListener("submit", e => { e.preventDefault(); load(); });
    $("print-all").addEventListener("click", () => {
      const params = query();
      params.delete("accreditation");
      printBadges(params);
    });
  });
  document.addEventListener("podium:signedin", () => { load(); rooms(); setInterval(rooms, 5000); });
})();
