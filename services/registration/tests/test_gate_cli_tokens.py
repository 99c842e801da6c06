"""Door tokens made with ``podium token create --role gatekeeper`` are door devices like those
made through the API: for a published meeting and its rooms only, listed, and revocable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from services.registration.tests import gate_support as gs

API = gs.API


def _cli(suite_env, *args):
    return subprocess.run([str(Path(sys.executable).parent / "podium"), "token", "create",
                           *args], env=suite_env, capture_output=True, text=True)


def test_a_cli_door_token_is_a_listed_revocable_device(suite_env, registration, r, meeting):
    event, org = meeting
    made = _cli(suite_env, "--event", event, "--role", "gatekeeper", "--label", "side door",
                "--room", "annex")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("pod_") and "/gate/devices" in made.stderr
    listed = registration.get(f"{API}{event}/gate/devices", org).json()
    device = next(d for d in listed if d["label"] == "side door")
    assert device["rooms"] == ["annex"] and "token" not in device

    did = gs.register(registration, org, event)
    gs.accredit(registration, org, event, did, ("general",))
    badge = gs.badge(registration, org, event, did)
    resp = gs.scan(registration, token, event, badge, session="press")
    assert resp.status_code == 200 and resp.json()["decision"] == "allow", resp.text

    resp = registration.delete(f"{API}{event}/gate/devices/{device['id']}", org)
    assert resp.status_code == 204
    resp = gs.scan(registration, token, event, badge, session="press")
    assert resp.status_code == 401  # a lost phone is refused from the next scan on


def test_a_cli_door_token_needs_a_published_meeting_and_its_rooms(suite_env, r, meeting):
    event, _org = meeting
    made = _cli(suite_env, "--event", event, "--role", "gatekeeper", "--room", "nowhere")
    assert made.returncode == 1 and "No such room: nowhere" in made.stderr and not made.stdout
    made = _cli(suite_env, "--event", "no-such-meeting", "--role", "gatekeeper")
    assert made.returncode == 1 and "no published meeting" in made.stderr and not made.stdout
    made = _cli(suite_env, "--event", event, "--role", "organiser", "--room", "annex")
    assert made.returncode == 2 and "--room is for gatekeeper tokens" in made.stderr


def test_an_organiser_token_may_come_before_its_meeting(suite_env):
    made = _cli(suite_env, "--event", "not-yet-a-meeting", "--role", "organiser")
    assert made.returncode == 0 and made.stdout.strip().startswith("pod_")
    assert "can create it" in made.stderr
