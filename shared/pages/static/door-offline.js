/* The door's offline verifier: the same checks, in the same order, as the server's
 * services/registration/gate/offline.py decide(), from the offline bundle alone.
 * Badge signatures are checked with WebCrypto's Ed25519, so a forged code is refused
 * offline too. */
"use strict";
const DoorOffline = (() => {
  const DOMAIN = new TextEncoder().encode("podium-badge-v1\0");

  function b64decode(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - text.length % 4) % 4);
    return Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  }

  function b64encode(bytes) {
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* version:1 | kid:4 | serial:4 | len meeting | len delegate | signature:64 */
  function parse(token) {
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(token)) return null;
    let raw;
    try { raw = b64decode(token); } catch (e) { return null; }
    if (b64encode(raw) !== token || raw.length < 9 + 2 + 2 + 64) return null;
    const view = new DataView(raw.buffer);
    const version = raw[0];
    const kid = Array.from(raw.slice(1, 5), b => b.toString(16).padStart(2, "0")).join("");
    const serial = view.getUint32(5);
    let at = 9;
    const field = () => {
      const size = raw[at];
      if (!size || at + 1 + size > raw.length) throw new Error("short");
      const value = new TextDecoder("utf-8", {fatal: true}).decode(raw.slice(at + 1, at + 1 + size));
      at += 1 + size;
      return value;
    };
    let meeting, delegate;
    try { meeting = field(); delegate = field(); } catch (e) { return null; }
    if (version !== 1 || serial === 0 || raw.length - at !== 64) return null;
    return {meeting, delegate, serial, kid, body: raw.slice(0, at), signature: raw.slice(at)};
  }

  async function check(token, bundle) {
    const badge = parse(token);
    if (!badge) return {reason: "bad_signature"};
    const key = bundle.keys[badge.kid];
    if (!key) return {reason: "unknown_key"};
    const message = new Uint8Array(DOMAIN.length + badge.body.length);
    message.set(DOMAIN);
    message.set(badge.body, DOMAIN.length);
    let good = false;
    try {
      const pub = await crypto.subtle.importKey("raw", b64decode(key), {name: "Ed25519"}, false, ["verify"]);
      good = await crypto.subtle.verify({name: "Ed25519"}, pub, badge.signature, message);
    } catch (e) { good = false; }
    if (!good || badge.meeting !== bundle.event) return {reason: "bad_signature"};
    return {badge, reason: ""};
  }

  function sessionForRoom(bundle, room, now) {
    const before = bundle.door_opens_minutes * 60;
    let best = null;
    for (const [sid, s] of Object.entries(bundle.sessions)) {
      if (s.room === room && s.status !== "cancelled" && s.starts - before <= now && now < s.ends) {
        if (!best || s.ends < best[0] || (s.ends === best[0] && sid < best[1])) best = [s.ends, sid];
      }
    }
    return best ? best[1] : null;
  }

  /* target: {session} or {room}; local: {presence: {delegate: room}, occupancy: {room: n}} */
  async function decide(bundle, token, target, direction, nowMs, local) {
    const now = Math.floor(nowMs / 1000);
    const presence = local.presence || {}, counts = local.occupancy || {};
    let sid = target.session && bundle.sessions[target.session] ? target.session : null;
    let room;
    if (sid) room = bundle.sessions[sid].room || "";
    else if (target.room && bundle.rooms[target.room]) {
      room = target.room;
      sid = direction === "in" ? sessionForRoom(bundle, room, now) : null;
    } else return {decision: "error", reason: "unknown_session"};
    const s = sid ? bundle.sessions[sid] : null;
    const cap = (bundle.rooms[room] || {}).capacity;
    const occupancy = counts[room] || 0;
    const checked = await check(token, bundle);
    let {badge, reason} = checked;
    let entry = null, display = null;
    if (badge) {
      const serial = String(badge.serial);
      entry = bundle.badges[serial] || null;
      if (bundle.revoked.includes(serial) || !entry || entry.delegate !== badge.delegate) {
        reason = bundle.revoked.includes(serial) ? "revoked" : "not_accredited";
      }
      if (entry) display = {name: entry.name, delegation: entry.delegation, category: entry.category};
    }
    const inside = badge && !reason ? presence[badge.delegate] : null;
    if (direction === "in") {
      if (!reason && entry.accreditation !== "approved") reason = "not_accredited";
      if (!reason && s && (s.status === "cancelled" || (s.access === "accredited"
          && !entry.scopes.includes("general") && !entry.scopes.includes(s.accreditation || "general")))) {
        reason = "wrong_session";
      }
      if (!reason && s && s.requires_signup && !entry.signed_up.includes(sid)) reason = "not_registered";
      const before = bundle.door_opens_minutes * 60;
      if (!reason && (!s || !(s.starts - before <= now && now < s.ends))) reason = "outside_time_window";
      if (!reason && inside === room) reason = "already_inside";
      if (!reason && Number.isInteger(cap) && occupancy >= cap) reason = "room_full";
    }
    const known = display !== null && !["bad_signature", "unknown_key"].includes(reason);
    return {decision: reason ? "deny" : "allow", reason: reason || null, direction, session: sid, room,
            delegate: badge && known ? badge.delegate : null, display: known ? display : null,
            capacity: cap, offline: true};
  }

  function record(local, answer) {
    if (answer.decision !== "allow") return;
    local.presence = local.presence || {};
    local.occupancy = local.occupancy || {};
    const who = answer.delegate, room = answer.room;
    if (answer.direction === "in") {
      const old = local.presence[who];
      if (old && (local.occupancy[old] || 0) > 0) local.occupancy[old] -= 1;
      local.presence[who] = room;
      local.occupancy[room] = (local.occupancy[room] || 0) + 1;
    } else if (local.presence[who] === room) {
      delete local.presence[who];
      local.occupancy[room] = Math.max(0, (local.occupancy[room] || 0) - 1);
    }
  }

  return {decide, record, parse};
})();
