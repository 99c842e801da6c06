"""Published reads from memory: the same answers as Flask's, and never a stale version.

The agenda's exports are answered from each process's memory of the current stamp and of
the renderings (services/agenda/fastpath.py, stamps.py). These tests run the agenda service
over real HTTP against a private Redis server, publish from another process (as a second
gunicorn worker or the CLI would), and watch what readers get.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, LiveServer, wait_until
from podium import redisserver
from services.agenda import importing
from shared.store import connect

FORMATS = ("agenda", "agenda.ics", "schedule.xml", "schedule.json")
SEED = (ROOT / "data" / "rcm-2017-agenda.txt").read_text()
VOLATILE = {"X-Request-Id", "Date", "Server"}


@pytest.fixture(scope="module")
def private(tmp_path_factory):
    """A Redis server of this module's own, so its command counts are ours alone."""
    port = redisserver.free_port()
    proc = redisserver.start(tmp_path_factory.mktemp("fastpath-redis"), port,
                             appendonly=False)
    url = f"redis://127.0.0.1:{port}/0"
    client = connect(url)
    yield url, client
    client.close()
    proc.terminate()
    proc.wait(10)


def _serve(url: str, **config) -> LiveServer:
    from services.agenda.app import create_app

    return LiveServer(create_app({"REDIS_URL": url, "LOG_LEVEL": "WARNING", "TESTING": True,
                                  **config}))


@pytest.fixture(scope="module")
def served(private):
    url, _client = private
    fast, plain = _serve(url), _serve(url, FAST_READS=False)
    yield fast, plain
    fast.stop()
    plain.stop()


def _publish_elsewhere(url: str, eid: str, note: str) -> None:
    """Change the draft and publish it from another process, as another gunicorn worker or
    the CLI would (a draft unchanged since the last version publishes nothing)."""
    code = ("import sys; from shared.store import connect; "
            "from services.agenda import publishing; "
            "from tests.test_agenda_fastpath import change_draft; "
            "r = connect(sys.argv[1]); change_draft(r, sys.argv[2], sys.argv[3]); "
            "assert publishing.publish(r, sys.argv[2], sys.argv[3])[1]")
    subprocess.run([sys.executable, "-c", code, url, eid, note], cwd=ROOT, check=True,
                   timeout=60)


def change_draft(client, eid: str, note: str) -> None:
    """Retitle the draft's first session after ``note``."""
    from services.agenda import operations as ops

    first = ops.list_sessions(client, eid)[0]
    ops.update_session(client, eid, first["id"], {"title": f"Opening ({note})"},
                       f'"{ops.etag_of(first)}"')


def _version(server: LiveServer, eid: str) -> int:
    return server.get(f"/api/v1/events/{eid}/agenda").json()["version"]


def _gets(client) -> int:
    return int(client.info("commandstats").get("cmdstat_get", {}).get("calls", 0))


def _subscribed(client) -> int:
    return client.pubsub_numsub("podium:agenda:published")[0][1]


def _from_memory(server: LiveServer, client, eid: str) -> None:
    """Wait until the reader answers from memory (its listener is up and it read once)."""
    wait_until(lambda: _subscribed(client) >= 1)
    server.get(f"/api/v1/events/{eid}/agenda")
    before = _gets(client)
    server.get(f"/api/v1/events/{eid}/agenda")
    assert _gets(client) == before


@pytest.fixture
def published(private, meeting_id):
    url, client = private
    importing.import_text(client, meeting_id, SEED)
    _publish_elsewhere(url, meeting_id, "first")
    return meeting_id


@pytest.mark.parametrize("name", FORMATS)
def test_fast_answers_are_the_ones_flask_gives(served, published, name):
    fast, plain = served
    path = f"/api/v1/events/{published}/{name}"
    fast.get(path)  # fills the memory; the next reads are answered by the fast path
    for headers in ({}, {"If-None-Match": plain.get(path).headers["ETag"]},
                    {"If-None-Match": '"something-else", W/"' + name + '"'}):
        ours, theirs = fast.get(path, headers=headers), plain.get(path, headers=headers)
        assert ours.status_code == theirs.status_code
        assert ours.content == theirs.content
        assert {k: v for k, v in ours.headers.items() if k not in VOLATILE} == \
            {k: v for k, v in theirs.headers.items() if k not in VOLATILE}
        assert ours.headers["X-Request-Id"]


def test_a_caller_request_id_comes_back(served, published):
    fast, _plain = served
    path = f"/api/v1/events/{published}/agenda"
    etag = fast.get(path).headers["ETag"]
    answer = fast.get(path, headers={"If-None-Match": etag, "X-Request-Id": "door-7-abc"})
    assert answer.status_code == 304
    assert answer.headers["X-Request-Id"] == "door-7-abc"
    unsafe = fast.get(path, headers={"If-None-Match": etag, "X-Request-Id": "a b\tc"})
    assert unsafe.headers["X-Request-Id"] != "a b\tc"


def test_repeated_reads_do_not_ask_redis(served, private, published):
    fast, _plain = served
    _url, client = private
    _from_memory(fast, client, published)
    path = f"/api/v1/events/{published}/agenda.ics"
    etag = fast.get(path).headers["ETag"]
    before = _gets(client)
    for _ in range(20):
        assert fast.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert fast.get(path).status_code == 200
    assert _gets(client) == before


def test_a_publish_in_another_process_reaches_every_reader(served, private, published):
    fast, plain = served
    url, client = private
    _from_memory(fast, client, published)
    assert _version(fast, published) == 1
    path = f"/api/v1/events/{published}/agenda"
    old_etag = fast.get(path).headers["ETag"]
    _publish_elsewhere(url, published, "second")
    # Another process's publish arrives by pub/sub, within moments, never "after a TTL".
    wait_until(lambda: _version(fast, published) == 2, timeout=10)
    assert _version(plain, published) == 2
    again = fast.get(path, headers={"If-None-Match": old_etag})
    assert again.status_code == 200 and again.json()["version"] == 2


def test_a_lost_subscription_falls_back_to_redis(served, private, published):
    """While the listener is disconnected a publish's message is lost: the memory must not
    be trusted then, or the old version would be served for ever."""
    from services.agenda import stamps

    fast, _plain = served
    url, client = private
    _from_memory(fast, client, published)
    assert _version(fast, published) == 1
    memory = stamps.memory(client)
    memory.retry_s = 600  # stay deaf while the next publish happens
    try:
        client.client_kill_filter(_type="pubsub")
        wait_until(lambda: _subscribed(client) == 0)
        _publish_elsewhere(url, published, "while deaf")
        assert _version(fast, published) == 2
    finally:
        memory.retry_s = stamps.RETRY_S
        memory.retry_now.set()
    # Once subscribed again, reads are served from memory and follow publishes.
    _from_memory(fast, client, published)
    _publish_elsewhere(url, published, "heard")
    wait_until(lambda: _version(fast, published) == 3, timeout=10)


def test_publishing_in_this_process_is_seen_at_once(served, private, published):
    from services.agenda import publishing

    fast, _plain = served
    _url, client = private
    _from_memory(fast, client, published)
    assert _version(fast, published) == 1
    change_draft(client, published, "here")
    publishing.publish(client, published, "here")
    assert _version(fast, published) == 2  # no waiting: this process forgot it itself


def test_filtered_and_unknown_reads_still_go_through_flask(served, published):
    fast, plain = served
    day = fast.get(f"/api/v1/events/{published}/agenda?day=2017-06-21").json()
    assert {d["day"] for d in day["days"]} == {"2017-06-21"}
    bad = fast.get(f"/api/v1/events/{published}/agenda?day=someday")
    assert bad.status_code == 422
    assert bad.headers["Content-Type"] == "application/problem+json"
    missing = fast.get("/api/v1/events/no-such-meeting/agenda")
    assert missing.status_code == 404 and missing.json()["reason"] == "not_published"
    assert fast.head(f"/api/v1/events/{published}/agenda").status_code == 200
