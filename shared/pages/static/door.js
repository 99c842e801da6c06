/* The door page: scan badges (camera, typed code, photo), show ALLOW/DENY full screen with a
 * beep, live occupancy, entry/exit; offline it decides from the signed offline bundle and
 * queues the scans, uploading them in one batch when the network is back. */
"use strict";
(() => {
  const {api, t} = Podium;
  const ev = () => document.body.dataset.event;
  const storeKey = () => "podium.door." + ev();
  let state = {bundle: null, queue: [], local: {presence: {}, occupancy: {}}};
  let busy = false, lastCode = "", lastAt = 0, stream = null, audio = null;

  const $ = id => document.getElementById(id);
  const save = () => localStorage.setItem(storeKey(), JSON.stringify(state));
  const load = () => { try { Object.assign(state, JSON.parse(localStorage.getItem(storeKey())) || {}); } catch (e) { /* fresh */ } };
  const nonce = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), b => b.toString(16).padStart(2, "0")).join("");

  function target() {
    const [kind, id] = ($("target").value || ":").split(":");
    return kind === "session" ? {session: id} : {room: id};
  }
  const direction = () => document.querySelector("input[name=direction]:checked").value;

  function network(online) {
    $("net").textContent = (online ? t("online") : t("offline")) +
      (state.queue.length ? " · " + t("queued").replace("{n}", state.queue.length) : "");
  }

  async function refreshBundle() {
    try {
      const resp = await api("GET", `/events/${ev()}/gate/offline-bundle`);
      if (!resp.ok) return;
      state.bundle = resp.data.bundle;
      save();
      fillTargets();
      network(true);
    } catch (e) { network(false); }
  }

  // When a session starts, in the meeting's own time zone: a workshop held on two days, or
  // the same title in two rooms, must not look like one entry (a wrong pick denies everyone).
  let when = null;
  function startLabel(seconds) {
    if (!when) {
      try {
        when = new Intl.DateTimeFormat(t("lang") || undefined, {timeZone: t("timezone"),
          weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"});
      } catch (e) {  // an unknown zone: the device's own
        when = new Intl.DateTimeFormat(undefined, {weekday: "short", day: "numeric",
          month: "short", hour: "2-digit", minute: "2-digit"});
      }
    }
    return seconds ? when.format(new Date(seconds * 1000)) : "";
  }

  function fillTargets() {
    const select = $("target"), chosen = select.value, b = state.bundle;
    if (!b) return;
    const options = [];
    for (const [sid, s] of Object.entries(b.sessions).sort((x, y) => x[1].starts - y[1].starts)) {
      if (s.status === "cancelled") continue;
      const room = (b.rooms[s.room] || {}).name || s.room || "";
      const where = [startLabel(s.starts), room].filter(Boolean).join(", ");
      options.push(Podium.el("option", {value: "session:" + sid}, `${t("session")}: ${s.title} (${where})`));
    }
    for (const [rid, room] of Object.entries(b.rooms)) {
      options.push(Podium.el("option", {value: "room:" + rid}, `${t("room")}: ${room.name || rid}`));
    }
    select.replaceChildren(...options);
    if (chosen && [...select.options].some(o => o.value === chosen)) select.value = chosen;
    showOccupancy();
  }

  function roomOf() {
    const tg = target(), b = state.bundle;
    if (!b) return null;
    return tg.session ? (b.sessions[tg.session] || {}).room : tg.room;
  }

  let occupancy = {};
  async function pollOccupancy() {
    try {
      const resp = await api("GET", `/events/${ev()}/gate/occupancy`);
      if (resp.ok) { occupancy = Object.fromEntries(resp.data.map(o => [o.room, o])); network(true); }
    } catch (e) { network(false); }
    showOccupancy();
  }

  function showOccupancy() {
    const room = roomOf();
    if (!room) return;
    const o = occupancy[room] || {inside: state.local.occupancy[room] || 0,
                                   capacity: (state.bundle.rooms[room] || {}).capacity};
    $("occupancy").textContent = `${t("inside")}: ${o.inside}` + (o.capacity ? ` / ${o.capacity}` : "");
  }

  function beep(allow) {
    try {
      audio = audio || new AudioContext();
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = allow ? 880 : 220;
      osc.type = allow ? "sine" : "square";
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (allow ? 0.15 : 0.5));
    } catch (e) { /* no audio on this device: the screen still says it */ }
  }

  /* From the camera the next badge follows by itself; a typed or photographed code waits for
   * the gatekeeper's "Next" (they may need to read the reason out). */
  function show(answer, auto) {
    const allow = answer.decision === "allow";
    const box = $("verdict");
    box.className = "verdict " + (allow ? "allow" : "deny");
    $("verdict-word").textContent = allow ? t("allow") : t("deny");
    $("verdict-reason").textContent = allow ? (answer.direction === "out" ? t("direction_out") : t("ok_allow"))
      : t("reason_" + answer.reason) + (answer.offline ? " · " + t("offline") : "");
    $("verdict-name").textContent = (answer.display || {}).name || "";
    $("verdict-delegation").textContent = (answer.display || {}).delegation || "";
    box.dataset.decision = answer.decision;
    box.dataset.reason = answer.reason || "";
    box.hidden = false;
    $("verdict-next").focus();
    beep(allow);
    if (answer.occupancy !== undefined) {
      occupancy[answer.room] = {inside: answer.occupancy, capacity: answer.capacity};
      showOccupancy();
    }
    clearTimeout(show.timer);
    if (auto) show.timer = setTimeout(dismiss, 3000);
  }

  function dismiss() {
    $("verdict").hidden = true;
    busy = false;
    if (!stream) $("code").focus();  // ready for the next typed code
  }

  async function scan(code, fromCamera) {
    code = (code || "").trim();
    if (!code || busy) return;
    if (code === lastCode && Date.now() - lastAt < 3000) return;  // the camera sees it again
    busy = true; lastCode = code; lastAt = Date.now();
    const body = {token: code, direction: direction(), nonce: nonce(), ...target()};
    let answer = null;
    try {
      const resp = await api("POST", `/events/${ev()}/gate/scans`, body);
      if (resp.ok) answer = resp.data;
      else if (resp.status < 500) answer = {decision: "deny", reason: resp.data.reason || "unknown_session"};
    } catch (e) { answer = null; }
    if (!answer) answer = await offline(body);
    show(answer, fromCamera);
  }

  async function offline(body) {
    network(false);
    if (!state.bundle) return {decision: "deny", reason: "unknown_key", offline: true};
    const now = Date.now();
    const answer = await DoorOffline.decide(state.bundle, body.token, target(), body.direction, now, state.local);
    DoorOffline.record(state.local, answer);
    state.queue.push({...body, scanned_at: new Date(now).toISOString()});
    save();
    network(false);
    return answer;
  }

  async function flush() {
    if (!state.queue.length) return;
    const batch = state.queue.slice(0, 1000);
    try {
      const resp = await api("POST", `/events/${ev()}/gate/scans/batch`, {scans: batch});
      if (!resp.ok) return;
    } catch (e) { network(false); return; }
    state.queue = state.queue.slice(batch.length);
    state.local = {presence: {}, occupancy: {}};  // the server now counts these
    save();
    network(true);
    pollOccupancy();
  }

  /* QR decoding: the browser's BarcodeDetector where it has one, else the vendored jsQR. */
  let detector = null;
  async function decode(source, width, height) {
    if (detector === null && "BarcodeDetector" in window) {
      try {
        const formats = await BarcodeDetector.getSupportedFormats();
        detector = formats.includes("qr_code") ? new BarcodeDetector({formats: ["qr_code"]}) : false;
      } catch (e) { detector = false; }
    }
    if (detector) {
      const found = await detector.detect(source);
      return found.length ? found[0].rawValue : null;
    }
    const canvas = decode.canvas || (decode.canvas = document.createElement("canvas"));
    canvas.width = width; canvas.height = height;
    const ctx = canvas.getContext("2d", {willReadFrequently: true});
    ctx.drawImage(source, 0, 0, width, height);
    const found = jsQR(ctx.getImageData(0, 0, width, height).data, width, height);
    return found ? found.data : null;
  }

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
    } catch (e) { $("camera-status").textContent = t("camera_error"); return; }
    const video = $("camera");
    video.srcObject = stream;
    video.hidden = false; $("camera-start").hidden = true; $("camera-stop").hidden = false;
    await video.play();
    const tick = async () => {
      if (!stream) return;
      if (!busy && video.videoWidth) {
        const code = await decode(video, video.videoWidth, video.videoHeight);
        if (code) await scan(code, true);
      }
      setTimeout(tick, 200);
    };
    tick();
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(track => track.stop());
    stream = null;
    $("camera").hidden = true; $("camera-start").hidden = false; $("camera-stop").hidden = true;
  }

  async function photo(e) {
    const file = e.target.files[0];
    if (!file) return;
    const image = await createImageBitmap(file);
    const code = await decode(image, image.width, image.height);
    e.target.value = "";
    if (!code) { $("photo-status").textContent = t("no_code"); return; }
    $("photo-status").textContent = "";
    await scan(code);
  }

  document.addEventListener("DOMContentLoaded", () => {
    load();
    $("typed").addEventListener("submit", e => { e.preventDefault(); scan($("code").value); $("code").value = ""; });
    $("photo").addEventListener("change", photo);
    $("camera-start").addEventListener("click", startCamera);
    $("camera-stop").addEventListener("click", stopCamera);
    $("verdict-next").addEventListener("click", dismiss);
    $("target").addEventListener("change", showOccupancy);
    window.addEventListener("online", () => { flush(); refreshBundle(); });
    window.addEventListener("offline", () => network(false));
  });
  document.addEventListener("podium:signedin", () => {
    fillTargets();
    refreshBundle().then(pollOccupancy);
    setInterval(() => { flush(); pollOccupancy(); }, 5000);
    setInterval(refreshBundle, 60000);
  });
})();
