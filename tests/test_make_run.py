"""`make run` as a user meets it: the suite comes up with the RCM agenda published, Ctrl-C
stops every process, and a second run keeps the data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from podium.redisserver import free_port

ROOT = Path(__file__).resolve().parent.parent


def _start(env: dict, log: Path, sigint_ignored: bool = False) -> subprocess.Popen:
    # sigint_ignored: as a shell script's background job (``make run &``) is started.
    return subprocess.Popen([str(Path(sys.executable).parent / "podium"), "run"], cwd=ROOT,
                            env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            start_new_session=True, preexec_fn=(
                                (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
                                if sigint_ignored else None))


def _wait_running(proc: subprocess.Popen, log: Path, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text()
        if "Press Ctrl-C to stop" in text:
            return text
        if proc.poll() is not None:
            pytest.fail(f"podium run exited early:\n{text}")
        time.sleep(0.2)
    pytest.fail(f"podium run did not come up:\n{log.read_text()}")


def _ctrl_c(proc: subprocess.Popen) -> int:
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    return proc.wait(60)


@pytest.mark.slow
def test_make_run_brings_up_the_suite_and_keeps_data(tmp_path):
    ports = {name: free_port() for name in ("AGENDA_PORT", "REGISTRATION_PORT", "NOTIFY_PORT",
                                            "SMTP_PORT", "PODIUM_DEV_REDIS_PORT")}
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SMTP_HOST")}
    env.update({k: str(v) for k, v in ports.items()}, PODIUM_VAR=str(tmp_path / "var"))
    agenda = f"http://127.0.0.1:{ports['AGENDA_PORT']}"

    first = _start(env, tmp_path / "first.log")
    try:
        banner = _wait_running(first, tmp_path / "first.log")
        assert f"http://127.0.0.1:{ports['REGISTRATION_PORT']}" in banner
        assert "podium token create --event rcm-2017 --role organiser" in banner
        body = requests.get(f"{agenda}/api/v1/events/rcm-2017/agenda", timeout=10).json()
        assert body["version"] == 1
        assert [d["day"] for d in body["days"]] == [
            "2017-06-19", "2017-06-20", "2017-06-21", "2017-06-22", "2017-06-23"]
        for service in ("AGENDA_PORT", "REGISTRATION_PORT", "NOTIFY_PORT"):
            ready = requests.get(f"http://127.0.0.1:{ports[service]}/ready", timeout=10)
            assert ready.status_code == 200
    finally:
        code = _ctrl_c(first)
    assert code == 0
    assert "Podium stopped." in (tmp_path / "first.log").read_text()

    # Started as a background job, with SIGINT ignored: Ctrl-C (SIGINT) still stops it all.
    second = _start(env, tmp_path / "second.log", sigint_ignored=True)
    try:
        banner = _wait_running(second, tmp_path / "second.log")
        assert "rcm-2017 already published (version 1)" in banner
    finally:
        assert _ctrl_c(second) == 0
    assert "Podium stopped." in (tmp_path / "second.log").read_text()
    for name in ("AGENDA_PORT", "PODIUM_DEV_REDIS_PORT"):  # nothing left listening
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", ports[name]), timeout=2).close()
