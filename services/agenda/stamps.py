"""Each process's memory of which version of each meeting is published.

Reading the published agenda is the hot path (every delegate's app and calendar polls it),
and asking Redis which version is current cost as much as the rest of the request. So a
process keeps the stamps it has read, and forgets one as soon as that meeting is published
again: :func:`services.agenda.operations.publish` PUBLISHes the meeting id on
:func:`services.agenda.keys.published_channel` in the same transaction as the new stamp, and
one daemon thread per process and Redis server listens.

The memory is trusted only while that subscription is up. A lost connection may have missed
a message, so the memory is emptied at once and reads go to Redis until the thread has
subscribed again. A read racing a publish cannot store the old stamp after the message has
gone by: every forget bumps a generation counter, and a stamp read from Redis is kept only if
no forget happened while it was being read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable

import redis

from services.agenda import keys

log = logging.getLogger("podium.agenda.stamps")
PING_AFTER_S = 5.0  # silence after which the listener checks its connection is alive
RETRY_S = 0.5


class StampMemory:
    """Stamps of one Redis server's meetings, valid while the listener is subscribed."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._stamps: dict[str, str] = {}
        self._generation = 0
        self._live = False
        self._lock = threading.Lock()
        self._pid = 0
        self.retry_s = RETRY_S
        self.retry_now = threading.Event()  # cuts a reconnection pause short

    # -- reading ----------------------------------------------------------------------------

    def known(self, eid: str) -> str | None:
        """The stamp if this process knows it is current, without asking Redis."""
        if self._pid != os.getpid():
            self._start()
            return None
        return self._stamps.get(eid) if self._live else None

    def get(self, eid: str, load: Callable[[], str]) -> str:
        """The current stamp: from memory when known, else ``load()`` (and remember it)."""
        found = self.known(eid)
        if found is not None:
            return found
        generation = self._generation
        value = load()
        with self._lock:
            if self._live and generation == self._generation:
                self._stamps[eid] = value
        return value

    def forget(self, eid: str | None = None) -> None:
        """Drop one meeting's stamp (it was published again), or all of them."""
        with self._lock:
            self._generation += 1
            if eid is None:
                self._stamps.clear()
            else:
                self._stamps.pop(eid, None)

    # -- listening --------------------------------------------------------------------------

    def _start(self) -> None:
        # Started lazily and again after a fork: gunicorn's workers do not inherit threads.
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid, self._live = os.getpid(), False
            self._stamps.clear()
            self._generation += 1
        threading.Thread(target=self._listen, name="podium-stamps", daemon=True).start()

    def _set_live(self, live: bool) -> None:
        with self._lock:
            self._live = live
            self._generation += 1
            self._stamps.clear()

    def _listen(self) -> None:
        channel = keys.published_channel()
        lost = False  # said once per outage, not at every attempt
        while True:
            pubsub = self._client.pubsub()
            try:
                pubsub.subscribe(channel)
                quiet_since = time.monotonic()
                while True:
                    message = pubsub.get_message(timeout=PING_AFTER_S)
                    if message is None:
                        if time.monotonic() - quiet_since >= PING_AFTER_S:
                            pubsub.ping()  # a dead connection raises here
                            quiet_since = time.monotonic()
                        continue
                    quiet_since = time.monotonic()
                    if message["type"] == "subscribe":
                        self._set_live(True)
                        if lost:
                            log.warning("published-stamp listener is back")
                            lost = False
                    elif message["type"] == "message":
                        self.forget(message["data"])
            except (redis.RedisError, OSError, ValueError) as exc:
                if not lost:
                    log.warning("published-stamp listener lost Redis (%s); every read asks "
                                "Redis until it is back", exc)
                lost = True
            finally:
                self._set_live(False)
                with contextlib.suppress(redis.RedisError, OSError):
                    pubsub.close()
            self.retry_now.wait(self.retry_s)
            self.retry_now.clear()


_memories: dict[tuple, StampMemory] = {}
_memories_lock = threading.Lock()


def memory(client: redis.Redis) -> StampMemory:
    """The stamp memory for the server ``client`` talks to (one per server per process)."""
    kwargs = client.connection_pool.connection_kwargs
    server = (kwargs.get("host"), kwargs.get("port"), kwargs.get("path"), kwargs.get("db"))
    found = _memories.get(server)
    if found is None:
        with _memories_lock:
            found = _memories.setdefault(server, StampMemory(client))
    return found


def published(eid: str) -> None:
    """This process published ``eid``: forget its stamp now, not when the message arrives,
    so that the publisher's next read sees its own version."""
    for found in list(_memories.values()):
        found.forget(eid)
