/* The organisers' broadcast desk: compose, preview the audience, send, follow delivery. */
"use strict";
(() => {
  const {api, el, say, problemText, t} = Podium;
  const ev = () => document.body.dataset.event;
  const $ = id => document.getElementById(id);

  function broadcast() {
    const f = $("compose").elements;
    const audience = {kind: f.kind.value};
    if (f.kind.value !== "everybody") audience.value = f.value.value.trim();
    return {subject: f.subject.value, body: f.body.value, audience};
  }

  async function preview() {
    const resp = await api("POST", `/events/${ev()}/notices/preview`, broadcast());
    if (!resp.ok) return say("compose-status", "error", problemText(resp));
    const d = resp.data;
    $("compose-status").replaceChildren();
    $("preview-out").replaceChildren(
      el("p", {id: "reach", class: "notice ok", role: "status"}, t("reaches").replace("{n}", d.count)),
      el("ul", {}, d.recipients.map(p => el("li", {}, `${p.name || p.id} <${p.email || ""}>`))),
      el("h3", {}, d.message.subject || ""),
      el("pre", {class: "scroll"}, d.message.text || ""));
  }

  async function send(e) {
    e.preventDefault();
    const resp = await api("POST", `/events/${ev()}/notices`, broadcast());
    if (!resp.ok) return say("compose-status", "error", problemText(resp));
    say("compose-status", "ok", t("sent").replace("{n}", resp.data.recipients_count));
    load();
  }

  let names = null;  /* notice kinds and delivery states in the page's language */
  const named = (prefix, key) =>
    (names ||= JSON.parse($("names").textContent))[prefix + key] || key;
  const counts = c => Object.entries(c || {}).map(([k, v]) => `${named("status_", k)}: ${v}`)
    .join(", ") || "—";

  async function detail(id) {
    const resp = await api("GET", `/events/${ev()}/notices/${id}`);
    if (!resp.ok) return say("detail", "error", problemText(resp));
    const rows = Object.entries(resp.data.recipients || {}).map(([who, s]) =>
      el("tr", {}, el("td", {}, who), el("td", {}, named("status_", s.status)),
        el("td", {}, (s.at || "").slice(0, 16).replace("T", " "))));
    $("detail").replaceChildren(el("h3", {}, resp.data.subject || id),
      el("table", {id: "recipients"}, el("tbody", {}, rows)));
  }

  async function load() {
    let resp;
    try { resp = await api("GET", `/events/${ev()}/notices`); } catch (e) { return; }
    if (!resp.ok) return;
    const rows = resp.data.slice().reverse().map(n => {
      const show = el("button", {type: "button", class: "secondary"}, t("show"));
      show.addEventListener("click", () => detail(n.id));
      return el("tr", {"data-notice": n.id}, el("td", {}, (n.created_at || "").slice(0, 16).replace("T", " ")),
        el("td", {}, named("kind_", n.kind)), el("td", {}, n.subject || "—"),
        el("td", {class: "counts"}, counts(n.counts)),
        el("td", {}, t("n_recipients").replace("{n}", n.recipients_count), " ", show));
    });
    $("notices").querySelector("tbody").replaceChildren(...rows);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("compose").addEventListener("submit", send);
    $("preview").addEventListener("click", preview);
  });
  document.addEventListener("podium:signedin", () => { load(); setInterval(load, 3000); });
})();
