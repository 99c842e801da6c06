"""Fixtures for the whole suite: a private Redis server, a real SMTP server, live services
over HTTP, real consumer and Celery worker processes. Nothing here is faked.

Tests never flush Redis (live consumers and the worker keep their broker bindings there);
each test gets its own meeting id instead, from the ``meeting_id`` fixture.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from werkzeug.serving import make_server

from podium import redisserver
from shared.auth import create_token
from shared.store import connect

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def pytest_addoption(parser):
    # Soak tests (tests/faults/, marked soak) run only with `make soak`; see its conftest.
    parser.addoption("--run-soak", action="store_true", help="run the long soak tests")


# -- Redis -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A private server on a free port: never the user's Redis on 6379."""
    port = redisserver.free_port()
    proc = redisserver.start(tmp_path_factory.mktemp("redis"), port)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def r(redis_url):
    client = connect(redis_url)
    yield client
    client.close()


@pytest.fixture
def meeting_id() -> str:
    return "t-" + uuid.uuid4().hex[:10]


# -- SMTP --------------------------------------------------------------------------------

def _peer_gone(server) -> bool:
    """Whether the client of this SMTP session has closed its end (EOF or reset waiting)."""
    transport = server.transport
    if transport is None or transport.is_closing():
        return True
    peek = socket.socket(fileno=os.dup(transport.get_extra_info("socket").fileno()))
    try:
        peek.setblocking(False)
        return peek.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False  # connected, nothing sent: the sender is waiting for the answer
    except OSError:
        return True  # reset
    finally:
        peek.close()


class Mailbox:
    """What the test SMTP server received; tests wait on it instead of sleeping blindly."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()
        self.replies: dict[str, str] = {}  # address -> forced reply, e.g. "550 no such user"
        self.outage: str | None = None  # forced reply for every RCPT, e.g. "421 busy"
        self.hang_up_after_data: set[str] = set()  # addresses: drop the line, no reply
        # Hold every answer once this many messages have arrived, until released: lets a test
        # kill a sender in the middle of a batch whatever the machine's speed.
        self.hold_after: int | None = None
        self.released = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, options):
        forced = self.outage or self.replies.get(address.lower())
        if forced:
            return forced
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hang_up_after_data & {a.lower() for a in envelope.rcpt_tos}:
            # A server that crashes after reading the message, before answering: the sender
            # cannot know whether it was delivered.
            server.transport.abort()
            return "421 gone"
        held = False
        while self.hold_after is not None and len(self.messages) >= self.hold_after \
                and not self.released.is_set():
            held = True
            await asyncio.sleep(0.01)
        if held and _peer_gone(server):
            # The sender was killed while it waited for this answer (the tests release held
            # answers only after the killed process has exited): it never learns of a 250,
            # so nothing is recorded, as when aiosmtpd notices the lost connection first.
            # Without this, which of the two came first was a race on a loaded machine.
            return "421 gone"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)
        return "250 Message accepted"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, predicate, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [m for m in self.messages if predicate(m)]
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError("expected e-mail did not arrive in time")


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = redisserver.free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    box, _port = smtp_server
    box.replies.clear()
    box.hang_up_after_data.clear()
    box.hold_after = None
    box.released.clear()
    box.outage = None
    return box


# -- configuration shared by in-process apps and child processes -------------------------

@pytest.fixture(scope="session")
def suite_env(redis_url, smtp_server) -> dict[str, str]:
    _box, smtp_port = smtp_server
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_FAULT")}
    env.update(REDIS_URL=redis_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port),
               LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
               # Short retry delays and claims, so fault tests finish in seconds.
               NOTIFY_RETRY_BASE_S="0.2", NOTIFY_MAX_RETRIES="4", NOTIFY_CLAIM_S="3",
               # Tests read a meeting's bus history after the consumers have handled it: keep
               # it for the session (tests of trimming start consumers without it).
               BUS_KEEP_S="86400")
    return env


# -- live services over real HTTP --------------------------------------------------------

class LiveServer:
    def __init__(self, app) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.http = requests.Session()

    def request(self, method: str, path: str, token: str | None = None, **kw):
        headers = kw.pop("headers", {}) or {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.url + path, headers=headers, timeout=30, **kw)

    def get(self, path, token=None, **kw):
        return self.request("GET", path, token, **kw)

    def head(self, path, token=None, **kw):
        return self.request("HEAD", path, token, **kw)

    def post(self, path, token=None, **kw):
        return self.request("POST", path, token, **kw)

    def put(self, path, token=None, **kw):
        return self.request("PUT", path, token, **kw)

    def patch(self, path, token=None, **kw):
        return self.request("PATCH", path, token, **kw)

    def delete(self, path, token=None, **kw):
        return self.request("DELETE", path, token, **kw)

    def stop(self) -> None:
        self.server.shutdown()


def _live(factory, suite_env):
    config = {k: suite_env[k] for k in ("REDIS_URL", "SMTP_HOST", "SMTP_PORT")}
    config.update(SMTP_PORT=int(config["SMTP_PORT"]), LOG_LEVEL="WARNING", TESTING=True)
    return LiveServer(factory(config))


@pytest.fixture(scope="session")
def agenda(suite_env):
    from services.agenda.app import create_app

    server = _live(create_app, suite_env)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def registration(suite_env):
    from services.registration.app import create_app

    server = _live(create_app, suite_env)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notify(suite_env):
    from services.notify.app import create_app

    server = _live(create_app, suite_env)
    yield server
    server.stop()


# -- real processes ----------------------------------------------------------------------

class Process:
    """A child process of the suite (consumer, worker) that a test may kill and restart."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, **extra_env: str) -> Process:
        log = open(self.log, "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(self.args, env={**self.env, **extra_env}, cwd=ROOT,
                                     stdout=log, stderr=subprocess.STDOUT)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def wait_exit(self, timeout: float = 30) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)


@pytest.fixture(scope="session")
def process_factory(suite_env, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("logs")
    made: list[Process] = []

    def make(name: str, *args: str, env: dict | None = None) -> Process:
        proc = Process(name, list(args), {**suite_env, **(env or {})}, log_dir)
        made.append(proc)
        return proc

    yield make
    for proc in made:
        proc.stop()


def consumer_args(service: str, name: str) -> list[str]:
    return [str(BIN / "podium"), "consume", service, "--name", name]


def worker_args(name: str) -> list[str]:
    return [str(BIN / "celery"), "-A", "services.notify.worker", "worker", "--loglevel",
            "WARNING", "-c", "2", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat"]


@pytest.fixture(scope="session")
def registration_consumer(process_factory):
    return process_factory("registration-consumer",
                           *consumer_args("registration", "test")).start()


@pytest.fixture(scope="session")
def notify_consumer(process_factory):
    return process_factory("notify-consumer", *consumer_args("notify", "test")).start()


@pytest.fixture(scope="session")
def notify_worker(process_factory):
    return process_factory("notify-worker", *worker_args("test")).start()


@pytest.fixture(scope="session")
def suite(agenda, registration, notify, registration_consumer, notify_consumer, notify_worker):
    """Everything running, as ``make run`` would have it."""
    return {"agenda": agenda, "registration": registration, "notify": notify}


# -- factories ---------------------------------------------------------------------------

@pytest.fixture
def make_token(r):
    def make(event_id: str, role: str = "organiser", **kw) -> str:
        return create_token(r, event_id, role, **kw)

    return make


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05):
    """Poll until ``predicate()`` is truthy; return its value (no fixed sleeps in tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture
def until():
    return wait_until
