/* The organisers' agenda desk: import a document, edit a draft session, publish. */
"use strict";
(() => {
  const {api, el, say, problemText, t} = Podium;
  const ev = () => document.body.dataset.event;
  let current = null;  // the session being edited, with the ETag it was read at

  function report(data) {
    const box = document.getElementById("import-report");
    const rows = (data.warnings || []).map(w =>
      el("tr", {}, el("td", {}, w.line), el("td", {}, w.text), el("td", {}, w.message)));
    box.replaceChildren(
      el("p", {}, `${data.sessions} sessions · ${(data.days || []).join(", ")} · ${(data.rooms || []).join(", ")}`),
      el("h3", {}, t("warnings") + ` (${rows.length})`),
      rows.length ? el("div", {class: "scroll"}, el("table", {id: "warnings"},
        el("thead", {}, el("tr", {}, el("th", {scope: "col"}, t("line")), el("th", {scope: "col"}, "Text"),
                                     el("th", {scope: "col"}, "?"))),
        el("tbody", {}, rows))) : el("p", {}, t("no_warnings")));
  }

  async function importDoc(e) {
    e.preventDefault();
    const form = e.target;
    const file = form.elements.document.files[0];
    let resp;
    if (file) {
      const body = new FormData();
      body.append("document", file);
      resp = await api("POST", `/events/${ev()}/import`, body);
    } else {
      resp = await api("POST", `/events/${ev()}/import`, form.elements.text.value,
                       {"Content-Type": "text/plain; charset=utf-8"});
    }
    if (!resp.ok) return say("import-status", "error", problemText(resp));
    say("import-status", "ok", t("imported"));
    report(resp.data);
    loadSessions();
  }

  async function loadSessions() {
    const resp = await api("GET", `/events/${ev()}/sessions`);
    if (!resp.ok) return;
    const pick = document.getElementById("pick");
    pick.replaceChildren(el("option", {value: ""}, "—"),
      ...resp.data.map(s => el("option", {value: s.id}, `${s.day} ${s.start || (s.part_of_day ? t("part_" + s.part_of_day) : "")} · ${s.title}`)));
  }

  async function pickSession() {
    const id = document.getElementById("pick").value;
    const form = document.getElementById("edit");
    if (!id) { form.hidden = true; return; }
    const resp = await api("GET", `/events/${ev()}/sessions/${id}`);
    if (!resp.ok) return say("edit-status", "error", problemText(resp));
    current = {id, etag: resp.headers.get("ETag")};
    for (const name of ["title", "day", "start", "end", "room", "capacity", "access", "status"]) {
      form.elements[name].value = resp.data[name] ?? "";
    }
    form.hidden = false;
    document.getElementById("edit-status").replaceChildren();
  }

  async function save(e) {
    e.preventDefault();
    const f = e.target.elements;
    const patch = {title: f.title.value, day: f.day.value, room: f.room.value || null,
                   capacity: f.capacity.value === "" ? null : Number(f.capacity.value),
                   access: f.access.value, status: f.status.value};
    if (f.start.value && f.end.value) { patch.start = f.start.value; patch.end = f.end.value; }
    const resp = await api("PATCH", `/events/${ev()}/sessions/${current.id}`, patch,
                           {"If-Match": current.etag});
    if (resp.status === 412) return say("edit-status", "error", t("conflict"));
    if (!resp.ok) return say("edit-status", "error", problemText(resp));
    current.etag = resp.headers.get("ETag");
    // Warnings come in the body (a header cannot carry the titles they name).
    const warn = (resp.data.warnings || []).map(warning).join(" ");
    say("edit-status", warn ? "warn" : "ok", t("saved") + (warn ? " " + warn : ""));
  }

  function warning(w) {
    if (w.reason !== "room_clash") return w.message;
    return t("room_clash").replace("{room}", w.room).replace("{session}", w.session)
      .replace("{title}", w.title.slice(0, 60));
  }

  async function publish(e) {
    e.preventDefault();
    const resp = await api("POST", `/events/${ev()}/publish`, {note: e.target.elements.note.value});
    if (!resp.ok) return say("publish-status", "error", problemText(resp));
    if (!resp.data.new) {  // the draft is what version N already holds: nothing published
      return say("publish-status", "ok", t("published_same").replace("{n}", resp.data.version));
    }
    say("publish-status", "ok", t("published").replace("{n}", resp.data.version));
    // Reload to show the new version's changelog, still saying it was published.
    const next = new URL(location.href);
    next.searchParams.set("published", resp.data.version);
    next.hash = "v-" + resp.data.version;
    setTimeout(() => location.assign(next), 800);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("import").addEventListener("submit", importDoc);
    document.getElementById("pick").addEventListener("change", pickSession);
    document.getElementById("edit").addEventListener("submit", save);
    document.getElementById("publish").addEventListener("submit", publish);
  });
  document.addEventListener("podium:signedin", loadSessions);
})();
