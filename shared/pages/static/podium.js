/* Podium's shared page script: the organiser sign-in and a small JSON API client.
 *
 * Organiser and gatekeeper tokens are typed once into a sign-in form and kept in this tab's
 * sessionStorage (per meeting), never in a URL: they do not end up in history, server logs
 * or Referer headers, and they are gone when the tab closes. Pages then call the JSON API
 * of their own service with an Authorization header. */
"use strict";
const Podium = (() => {
  const page = () => document.body.dataset;
  const key = () => "podium.token." + (page().event || "");
  const token = () => sessionStorage.getItem(key());

  async function api(method, path, body, headers) {
    const h = Object.assign({}, headers || {});
    const t = page().token || token();
    if (t) h.Authorization = "Bearer " + t;
    let payload = body;
    if (body !== undefined && !(body instanceof FormData) && typeof body !== "string") {
      h["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const resp = await fetch("/api/v1" + path, {method, headers: h, body: payload});
    const type = resp.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await resp.json() : await resp.text();
    return {status: resp.status, ok: resp.ok, data, headers: resp.headers};
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v; else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  function say(where, kind, text) {
    const box = typeof where === "string" ? document.getElementById(where) : where;
    box.replaceChildren(el("p", {class: "notice " + kind, role: kind === "error" ? "alert" : "status"}, text));
  }

  function problemText(resp) {
    const d = resp.data || {};
    return (d.detail || d.title || ("HTTP " + resp.status)) + (d.reason ? " (" + d.reason + ")" : "");
  }

  function signedIn() {
    document.querySelectorAll("[data-needs-token]").forEach(n => { n.hidden = !token(); });
    document.querySelectorAll("[data-signin]").forEach(n => { n.hidden = !!token(); });
  }

  function setupSignin() {
    const form = document.getElementById("signin");
    if (!form) return;
    form.addEventListener("submit", async ev => {
      ev.preventDefault();
      const value = form.elements.token.value.trim();
      sessionStorage.setItem(key(), value);
      const check = await api("GET", form.dataset.check);
      if (!check.ok) {
        sessionStorage.removeItem(key());
        say("signin-status", "error", problemText(check));
        return;
      }
      signedIn();
      document.dispatchEvent(new Event("podium:signedin"));
    });
    const out = document.getElementById("signout");
    if (out) out.addEventListener("click", () => { sessionStorage.removeItem(key()); signedIn(); });
    signedIn();
    if (token()) queueMicrotask(() => document.dispatchEvent(new Event("podium:signedin")));
  }

  document.addEventListener("DOMContentLoaded", setupSignin);
  let texts = null;
  function t(k) {  // the page's translations travel in a JSON block (no inline script)
    if (texts === null) {
      const block = document.getElementById("texts");
      texts = block ? JSON.parse(block.textContent) : {};
    }
    return texts[k] || k;
  }
  return {api, el, say, problemText, token, t};
})();
