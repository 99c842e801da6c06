"""The Redis client never sends a write twice, even when a reply comes late."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
import redis

from shared.store import connect


class SlowReplyProxy:
    """A TCP proxy to Redis that can hold the next reply back for a while."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.delay = delay
        self.hold_next = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.upstream_port = upstream_port
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, False),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True),
                             daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, replies: bool) -> None:
        try:
            while data := src.recv(65536):
                if replies and self.hold_next.is_set():
                    self.hold_next.clear()
                    time.sleep(self.delay)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.close()

    def close(self) -> None:
        self.listener.close()


def test_a_late_reply_is_an_error_not_a_second_write(redis_url, r):
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    proxy = SlowReplyProxy(port, delay=1.0)
    client = connect(f"redis://127.0.0.1:{proxy.port}/0", socket_timeout=0.3)
    key = "podium:test:late-reply-counter"
    r.delete(key)
    try:
        assert client.ping()
        proxy.hold_next.set()
        with pytest.raises(redis.TimeoutError):
            client.incr(key)
        time.sleep(1.5)  # let the held reply go by; the point is what did NOT happen meanwhile
        assert r.get(key) == "1", "the increment ran once, not once per retry"
        assert client.incr(key) == 2, "the client reconnects by itself on the next call"
    finally:
        proxy.close()
        client.close()
