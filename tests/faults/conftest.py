"""Fault tests: a private Redis a test may kill, and the soak gate (``make soak``)."""

from __future__ import annotations

import pytest

from conftest import LiveServer
from podium import redisserver


def pytest_runtest_setup(item):
    if item.get_closest_marker("soak") and not item.config.getoption("--run-soak"):
        pytest.skip("soak test: run with `make soak` (--run-soak)")


class KillableRedis:
    """A Redis server of one test, with AOF everysec, that the test may SIGKILL and restart
    on the same port and directory (so the AOF is what survives)."""

    def __init__(self, directory) -> None:
        self.directory = directory
        self.port = redisserver.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = redisserver.start(directory, self.port)

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no shutdown save, only what the AOF fsynced survives
        self.proc.wait(10)

    def restart(self) -> None:
        self.proc = redisserver.start(self.directory, self.port)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def killable_redis(tmp_path):
    server = KillableRedis(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture
def live_on(suite_env):
    """Start a service in-process over real HTTP on a given Redis, with config overrides."""
    made: list[LiveServer] = []

    def start(service: str, redis_url: str, **config) -> LiveServer:
        module = __import__(f"services.{service}.app", fromlist=["create_app"])
        server = LiveServer(module.create_app({
            "REDIS_URL": redis_url, "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": int(suite_env["SMTP_PORT"]), "LOG_LEVEL": "ERROR", "TESTING": True,
            **config}))
        made.append(server)
        return server

    yield start
    for server in made:
        server.stop()
