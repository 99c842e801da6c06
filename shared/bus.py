"""Domain events on Redis Streams, read through consumer groups.

Writers put the state change and its event in ONE atomic step: either by calling
:func:`add` on a MULTI pipeline that also holds the state writes, or from inside a Lua script
with :data:`LUA_EMIT` (the meeting's stream is passed as a key, so the script stays on the
meeting's hash slot).

Readers run a :class:`Consumer`: at-least-once delivery, recovery of entries left pending by
a crashed consumer (its own on restart, others' after ``claim_idle_ms``), and a dead-letter
stream for entries that keep failing. Handlers must be idempotent.

Streams are trimmed (:func:`trim`): an entry goes once every consumer group on the stream
has acknowledged it, never before, and never while one of :data:`GROUPS` is missing. Those
groups are created with the stream (:func:`register_meeting`), so a consumer that starts late
still finds every entry it has not acknowledged.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from shared import keys, store
from shared.logs import request_id_var

log = logging.getLogger("podium.bus")

# Lua fragment: emit(stream_key, type, event_id, data_json, request_id)
LUA_EMIT = """
local function emit(stream, etype, event_id, data_json, request_id, at)
  return redis.call('XADD', stream, '*', 'type', etype, 'event', event_id,
                    'data', data_json, 'request_id', request_id or '', 'at', at)
end
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fields(event_id: str, etype: str, data: dict[str, Any]) -> dict[str, str]:
    return {
        "type": etype,
        "event": event_id,
        "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        "request_id": request_id_var.get() or "",
        "at": now_iso(),
    }


# Every consumer group that must see every entry of every meeting (the services' GROUP
# constants). Their groups are created together with a meeting's stream, before its first
# entry: a group that appeared only when its consumer first ran could find the entries it
# needs already trimmed. A new service's group is added here.
GROUPS = ("registration", "notify")


def register_meeting(client: redis.Redis, event_id: str,
                     groups: Iterable[str] = GROUPS) -> None:
    """Make a meeting's stream and its consumer groups exist, and let consumers discover it
    (idempotent, outside the atomic step; call it before the meeting's first event).

    A new meeting is also announced on a small stream that consumers block on with their
    meetings' streams, so a consumer learns of it at once instead of after its blocking read
    times out (the first events of a meeting would otherwise wait up to ``block_ms``)."""
    stream = keys.bus_stream(event_id)
    with client.pipeline(transaction=False) as pipe:
        for group in groups:  # from 0: the group sees the stream's whole history
            pipe.xgroup_create(stream, group, id="0", mkstream=True)
        for reply in pipe.execute(raise_on_error=False):
            if isinstance(reply, Exception) and "BUSYGROUP" not in str(reply):
                raise reply
    if client.sadd(keys.meetings(), event_id):
        client.xadd(keys.meetings_added(), {"event": event_id}, maxlen=1000, approximate=True)


# Remove the entries every group has acknowledged, in one atomic step (no group can move or
# appear between reading the groups and trimming). A group has acknowledged everything below
# its oldest pending entry, and everything up to its last-delivered id when nothing is
# pending; entries after that id it has not even read. Nothing goes while a required group
# is missing, nor anything younger than ARGV[1] ms (a retention window, by Redis's clock,
# the one that makes the ids). KEYS[1]: stream; ARGV: keep_ms, required groups...
_TRIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local now = redis.call('TIME')
local low_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  - tonumber(ARGV[1])
local low_seq = 0
local present = {}
for _, raw in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local g = {}
  for i = 1, #raw, 2 do g[raw[i]] = raw[i + 1] end
  present[g['name']] = true
  local ms, seq
  if tonumber(g['pending']) > 0 then
    ms, seq = parse(redis.call('XPENDING', KEYS[1], g['name'])[2])
  else
    ms, seq = parse(g['last-delivered-id'])
    seq = seq + 1
  end
  if ms < low_ms or (ms == low_ms and seq < low_seq) then low_ms, low_seq = ms, seq end
end
for i = 2, #ARGV do
  if not present[ARGV[i]] then return 0 end
end
if low_ms <= 0 then return 0 end
return redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d-%d', low_ms, low_seq))
"""


def trim(client: redis.Redis, stream: str, groups: Iterable[str] = GROUPS,
         keep_ms: int = 0) -> int:
    """Remove the stream's entries that every group on it has acknowledged; return how many.

    Safe to call from anywhere at any time: an entry pending for a group (read, not yet
    acknowledged, e.g. by a consumer that crashed) or not yet read by a group stays, and so
    does everything while one of ``groups`` does not exist yet."""
    return int(store.script(client, _TRIM)(keys=[stream], args=[int(keep_ms), *groups]))


def add(pipe: redis.client.Pipeline, event_id: str, etype: str, data: dict[str, Any]) -> None:
    """Queue the event on a MULTI pipeline that also holds the state change it reports."""
    pipe.xadd(keys.bus_stream(event_id), fields(event_id, etype, data))


@dataclass
class Message:
    stream: str
    id: str
    type: str
    event: str
    data: dict[str, Any]
    request_id: str
    at: str
    deliveries: int = 1

    @classmethod
    def parse(cls, stream: str, entry_id: str, raw: dict[str, str]) -> Message:
        try:
            data = json.loads(raw.get("data") or "{}")
        except ValueError:
            data = {"_unparseable": raw.get("data")}
        return cls(stream, entry_id, raw.get("type", ""), raw.get("event", ""), data,
                   raw.get("request_id", ""), raw.get("at", ""))


Handler = Callable[[Message], None]


class Consumer:
    """One member of a consumer group over every meeting's stream."""

    def __init__(self, client: redis.Redis, group: str, handle: Handler, *,
                 name: str | None = None, types: Iterable[str] | None = None,
                 block_ms: int = 500, claim_idle_ms: int = 30_000, batch: int = 100,
                 max_deliveries: int = 10, trim_groups: Iterable[str] = GROUPS,
                 keep_s: float = 0.0, trim_every_s: float = 1.0) -> None:
        self.client = client
        self.group = group
        self.handle = handle
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.types = set(types) if types else None
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.batch = batch
        self.max_deliveries = max_deliveries
        # Trimming: the consumer that acknowledges an entry is the one that knows it may now
        # be gone; whichever group acknowledges last removes it. At most once per
        # trim_every_s, and only streams this consumer acknowledged something on since, so it
        # costs one script call per active stream per second, not one per entry.
        self.trim_groups = tuple(trim_groups)
        self.keep_s = keep_s
        self.trim_every_s = trim_every_s
        self._acked: set[str] = set()
        self._last_trim = 0.0
        self._streams: set[str] = set()
        self._wake: str | None = None
        self._recovered_own = False

    # -- discovery ---------------------------------------------------------------------
    def _discover(self) -> list[str]:
        if self._wake is None:
            try:  # from now on: only meetings added after this consumer's group existed
                self.client.xgroup_create(keys.meetings_added(), self.group, id="$",
                                          mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
            self._wake = keys.meetings_added()
        for event_id in self.client.smembers(keys.meetings()):
            stream = keys.bus_stream(event_id)
            if stream in self._streams:
                continue
            try:
                # From 0: a new group reads the meeting's whole history (e.g. to build a copy).
                self.client.xgroup_create(stream, self.group, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
            self._streams.add(stream)
        return sorted(self._streams)

    # -- processing --------------------------------------------------------------------
    def _process(self, stream: str, entry_id: str, raw: dict[str, str] | None) -> None:
        if raw is None:  # entry trimmed away while pending: nothing left to do
            self.client.xack(stream, self.group, entry_id)
            return
        msg = Message.parse(stream, entry_id, raw)
        token = request_id_var.set(msg.request_id or None)
        try:
            if self.types is None or msg.type in self.types:
                self.handle(msg)
            _fault_point("before_ack", msg.type)
            self.client.xack(stream, self.group, entry_id)
            self._acked.add(stream)
        except redis.ConnectionError:
            raise
        except Exception:
            log.exception("handler failed for %s %s (%s)", stream, entry_id, msg.type)
            self._maybe_dead_letter(stream, entry_id, raw)
        finally:
            request_id_var.reset(token)

    def _maybe_dead_letter(self, stream: str, entry_id: str, raw: dict[str, str]) -> None:
        pending = self.client.xpending_range(stream, self.group, entry_id, entry_id, 1)
        if pending and pending[0]["times_delivered"] >= self.max_deliveries:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.xadd(keys.bus_dead_letters(raw.get("event", ""), self.group),
                          {**raw, "origin": entry_id})
                pipe.xack(stream, self.group, entry_id)
                pipe.execute()
            self._acked.add(stream)
            log.error("dead-lettered %s %s after %s deliveries", stream, entry_id,
                      self.max_deliveries)

    def _recover(self, streams: list[str]) -> int:
        count = 0
        for stream in streams:
            if not self._recovered_own:
                # Our own pending entries (we crashed between reading and acking).
                own = self.client.xreadgroup(self.group, self.name, {stream: "0"},
                                             count=self.batch)
                for _s, entries in own or []:
                    for entry_id, raw in entries:
                        self._process(stream, entry_id, raw or None)
                        count += 1
            # Entries of other consumers that have been idle too long: they died.
            _next, claimed, *_ = self.client.xautoclaim(
                stream, self.group, self.name, self.claim_idle_ms, "0-0", count=self.batch)
            for entry_id, raw in claimed:
                self._process(stream, entry_id, raw or None)
                count += 1
        self._recovered_own = True
        return count

    def poll_once(self) -> int:
        """Handle what is waiting; return how many entries were handled."""
        streams = self._discover()  # no meeting yet: block on the announcements alone
        count = self._recover(streams)
        watched = dict.fromkeys([*streams, *([self._wake] if self._wake else [])], ">")
        replies = self.client.xreadgroup(self.group, self.name, watched, count=self.batch,
                                         block=self.block_ms)
        for stream, entries in replies or []:
            if stream == self._wake:  # a new meeting: its stream joins the next read
                self.client.xack(stream, self.group, *[entry_id for entry_id, _ in entries])
                continue
            for entry_id, raw in entries:
                self._process(stream, entry_id, raw)
                count += 1
        self._maybe_trim()
        return count

    def _maybe_trim(self) -> None:
        if not self._acked or time.monotonic() - self._last_trim < self.trim_every_s:
            return
        self._last_trim = time.monotonic()
        streams, self._acked = self._acked, set()
        for stream in sorted(streams):
            try:
                trim(self.client, stream, self.trim_groups, int(self.keep_s * 1000))
            except redis.ResponseError as exc:  # housekeeping: the next round tries again
                log.warning("could not trim %s: %s", stream, exc)

    def run(self, stop: threading.Event | None = None) -> None:
        stop = stop or threading.Event()
        log.info("consumer %s/%s started", self.group, self.name)
        last_claim = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() - last_claim > self.claim_idle_ms / 1000:
                    self._recovered_own = False  # re-run recovery periodically
                    last_claim = time.monotonic()
                self.poll_once()
            except redis.ConnectionError as exc:
                log.warning("redis unavailable (%s); retrying", exc)
                self._streams.clear()
                self._wake = None
                stop.wait(0.5)
            except redis.ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                # The stream or group was deleted under us: discover again.
                self._streams.clear()
                self._wake = None
        log.info("consumer %s/%s stopped", self.group, self.name)


def _fault_point(where: str, etype: str) -> None:
    """Test-only crash injection: PODIUM_FAULT=crash_before_ack:<type> kills this process once.

    A marker file makes the crash happen once, so the restarted process can prove recovery.
    """
    spec = os.environ.get("PODIUM_FAULT", "")
    if spec != f"crash_{where}:{etype}":
        return
    marker = os.environ.get("PODIUM_FAULT_MARKER")
    if marker:
        if os.path.exists(marker):
            return
        with open(marker, "w") as fh:
            fh.write(str(os.getpid()))
    os.kill(os.getpid(), signal.SIGKILL)


def run_forever(consumer: Consumer) -> None:
    """Run a consumer until SIGTERM or SIGINT, finishing the entry in hand."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    consumer.run(stop)


def new_id() -> str:
    return uuid.uuid4().hex
