"""The door page in a browser: a gatekeeper scans badges (typed, camera, photo, offline)."""

from __future__ import annotations

import pytest

from conftest import wait_until
from services.registration.tests import gate_support as gate
from tests.browser import badge_images
from tests.browser.conftest import check_page


@pytest.fixture
def door(site, r, make_token, meeting_id):
    """A meeting happening now, an accredited and an unaccredited delegate, a door device."""
    agenda, registration = site["agenda"], site["registration"]
    org = make_token(meeting_id)
    gate.create_meeting(agenda, r, org, meeting_id)
    ana = gate.register(registration, org, meeting_id, "Ana Pérez", "El Salvador")
    luis = gate.register(registration, org, meeting_id, "Luis Gómez", "Honduras")
    # Ana holds a general accreditation; Luis one for the trafficking workshop only, which
    # does not open the press room.
    for who, scopes in ((ana, ["general"]), (luis, ["trafficking"])):
        resp = registration.post(f"/api/v1/events/{meeting_id}/delegates/{who}/accreditation",
                                 org, json={"decision": "approve", "scopes": scopes,
                                            "reason": "credentials checked"})
        assert resp.status_code == 200, resp.text
    return {"org": org, "event": meeting_id, "url": registration.url,
            "device": gate.device(registration, org, meeting_id, label="main door"),
            "ana": gate.badge(registration, org, meeting_id, ana),
            "luis": gate.badge(registration, org, meeting_id, luis)}


def open_door(page, door, target="session:press"):
    page.goto(f"{door['url']}/events/{door['event']}/door?lang=en")
    page.fill("#token", door["device"])
    page.click("#signin button[type=submit]")
    page.wait_for_selector(f"#target option[value='{target}']", state="attached")
    page.select_option("#target", target)


def verdict(page) -> dict:
    page.wait_for_selector("#verdict:not([hidden])")
    box = page.locator("#verdict")
    seen = {"decision": box.get_attribute("data-decision"),
            "reason": box.get_attribute("data-reason"), "text": box.inner_text()}
    return seen


def next_badge(page):
    page.click("#verdict-next")
    page.wait_for_selector("#verdict", state="hidden")


def type_code(page, token):
    page.fill("#code", token)
    page.click("#typed button[type=submit]")


def test_accredited_badge_allowed_unaccredited_denied(site, page, door):
    open_door(page, door)
    check_page(page, "door")
    # Each session says when it starts, in the meeting's time zone (the browser's is another),
    # so a workshop held on two days is not two identical entries.
    label = page.locator("#target option[value='session:press']").inner_text()
    assert label.startswith("Session: Press room (") and "10:00" in label and "Annex" in label
    type_code(page, door["ana"])
    seen = verdict(page)
    assert seen["decision"] == "allow"
    assert "ALLOW" in seen["text"] and "Ana Pérez" in seen["text"] and "El Salvador" in seen[
        "text"]
    check_page(page, "door-allow")
    next_badge(page)
    assert "Inside now: 1" in page.locator("#occupancy").inner_text()

    type_code(page, door["luis"])
    seen = verdict(page)
    assert seen["decision"] == "deny" and seen["reason"] == "wrong_session"
    assert "DENY" in seen["text"] and "does not cover this session" in seen["text"]
    assert "Luis Gómez" in seen["text"] and "Honduras" in seen["text"]
    check_page(page, "door-deny")
    next_badge(page)

    # Exit: the room empties.
    page.check("input[name=direction][value=out]")
    type_code(page, door["ana"])
    assert verdict(page)["decision"] == "allow"
    next_badge(page)
    wait_until(lambda: "Inside now: 0" in page.locator("#occupancy").inner_text())


def test_a_photo_of_the_badge_is_read(site, page, door, tmp_path):
    open_door(page, door)
    page.set_input_files("#photo", str(badge_images.png(door["ana"], tmp_path / "ana.png")))
    seen = verdict(page)
    assert seen["decision"] == "allow" and "Ana Pérez" in seen["text"]


def test_the_camera_reads_a_badge(site, launch, door, tmp_path):
    """Chromium's fake camera plays a video of Luis's badge; jsQR reads it from the frames."""
    video = badge_images.y4m(door["luis"], tmp_path / "luis.y4m")
    browser = launch("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                     f"--use-file-for-fake-video-capture={video}")
    context = browser.new_context(permissions=["camera"])
    try:
        page = context.new_page()
        open_door(page, door)
        page.click("#camera-start")
        seen = verdict(page)
        assert seen["decision"] == "deny" and seen["reason"] == "wrong_session"
        assert "Luis Gómez" in seen["text"]
    finally:
        context.close()


def test_offline_scans_decide_from_the_bundle_and_upload_later(site, browser, door):
    context = browser.new_context()
    try:
        page = context.new_page()
        open_door(page, door)
        page.wait_for_function("() => localStorage.length > 0")  # the bundle is kept
        context.set_offline(True)
        type_code(page, door["ana"])
        seen = verdict(page)
        assert seen["decision"] == "allow" and "Ana Pérez" in seen["text"]
        next_badge(page)
        type_code(page, door["luis"])
        seen = verdict(page)
        assert seen["decision"] == "deny" and "Offline" in seen["text"]
        next_badge(page)
        assert "2 scan(s) waiting to upload" in page.locator("#net").inner_text()
        type_code(page, door["ana"][:-4] + "AAAA")  # a forged code is refused offline too
        assert verdict(page)["reason"] == "bad_signature"
        next_badge(page)

        context.set_offline(False)
        page.wait_for_function("() => !document.getElementById('net').textContent"
                               ".includes('waiting')")
        scans = site["registration"].get(f"/api/v1/events/{door['event']}/gate/scans",
                                         door["org"]).json()["scans"]
        decisions = sorted((s["decision"], s.get("reason") or "") for s in scans)
        assert ("allow", "") in decisions and ("deny", "wrong_session") in decisions
    finally:
        context.close()
