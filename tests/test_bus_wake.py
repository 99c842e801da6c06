"""A consumer blocked on the streams it knows hears of a new meeting at once: its first event
is handled without waiting for the blocking read to time out."""

from __future__ import annotations

import threading
import uuid

from conftest import wait_until
from shared import bus


def _emit(r, event_id: str, etype: str) -> None:
    bus.register_meeting(r, event_id)
    with r.pipeline(transaction=True) as pipe:
        bus.add(pipe, event_id, etype, {"n": 1})
        pipe.execute()


def test_a_new_meetings_first_event_wakes_a_blocked_consumer(r):
    seen: list[tuple[str, str]] = []
    group = "wake-test-" + uuid.uuid4().hex[:8]
    # A blocking read of a minute: only the announcement of the new meeting can make the
    # consumer see its stream within the test's wait.
    consumer = bus.Consumer(r, group, lambda m: seen.append((m.event, m.type)),
                            types=("test.ping",), block_ms=60_000)
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    first, second = "t-" + uuid.uuid4().hex[:10], "t-" + uuid.uuid4().hex[:10]
    _emit(r, first, "test.ping")
    wait_until(lambda: (first, "test.ping") in seen)  # the consumer is in its loop
    _emit(r, second, "test.ping")
    wait_until(lambda: (second, "test.ping") in seen)
    stop.set()
    _emit(r, "t-" + uuid.uuid4().hex[:10], "test.other")  # wakes it to see the stop
    thread.join(30)
    assert not thread.is_alive()
