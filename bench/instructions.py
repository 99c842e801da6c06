"""Instructions per sign-up request, counted by callgrind: a figure a busy machine cannot move.

Throughput on a shared 2-core machine swings by tens of percent between runs of the same
code; the number of instructions the web process executes per request does not (same code,
same inputs: the same count, whatever else runs). This runs the sign-up request and the
floor's request through each WSGI app in-process (no HTTP server, one private Valkey), under
``valgrind --tool=callgrind``, twice with different request counts: the difference divided by
the difference in requests is the per-request cost, start-up and warm-up excluded. Only the
web process is counted (not Redis, not the client).

Used by ``registration_bench`` when valgrind is installed; on its own:
``python -m bench.instructions`` (about two minutes).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from bench import common

WARM = 100  # requests before the counted ones (caches, script load, first-call paths)
COUNTS = (100, 600)  # two runs; the difference is what is counted


def available() -> bool:
    return shutil.which("valgrind") is not None


def _environ(method: str, path: str, headers: dict[str, str], body: bytes) -> dict:
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
           "SERVER_NAME": "bench", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
           "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
           "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1",
           "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
           "wsgi.run_once": False}
    for name, value in headers.items():
        if name == "Content-Type":
            env["CONTENT_TYPE"] = value
        else:
            env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def _serve(app, requests: list[tuple]) -> None:
    statuses = set()

    def start_response(status, _headers, _exc=None):
        statuses.add(status)

    for request in requests:
        b"".join(app(_environ(*request), start_response))
    if statuses - {"201 CREATED"}:
        raise SystemExit(f"unexpected answers: {statuses}")


def _child(kind: str, count: int, url: str) -> None:
    """Inside valgrind: build the app, warm it, answer ``count`` distinct sign-ups."""
    from shared.auth import delegate_token
    from shared.config import DEV_SECRET

    n = WARM + COUNTS[-1]  # the same preparation in every run: only serving differs
    if kind == "floor":
        os.environ["REDIS_URL"] = url
        from bench.floor_app import create_app as floor_app

        app = floor_app()
        requests = [("POST", f"/floor/m/d{k:016x}",
                     {"Authorization": f"Bearer {delegate_token(DEV_SECRET, 'm', str(k))}",
                      "Content-Type": "application/json"}, b'{"session": "s1"}')
                    for k in range(n)]
    else:
        from bench.registration_bench import _meeting, _session
        from services.registration.app import create_app
        from shared.store import connect

        app = create_app({"REDIS_URL": url})
        event = "cg-" + uuid.uuid4().hex[:8]
        ids = _meeting(connect(url), event, [_session(f"s{i}", i, 30) for i in range(100)], n)
        requests = [("POST", f"/api/v1/events/{event}/delegates/{did}/sessions",
                     {"Authorization": f"Bearer {delegate_token(DEV_SECRET, event, did)}",
                      "Content-Type": "application/json"},
                     json.dumps({"session": f"s{k % 100}"}).encode())
                    for k, did in enumerate(ids)]
    _serve(app, requests[:WARM])
    _serve(app, requests[WARM:WARM + count])


def _total(kind: str, count: int, url: str, tmp: Path) -> int:
    out = tmp / f"callgrind.{kind}.{count}"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                    sys.executable, "-m", "bench.instructions", "--child", kind, str(count),
                    url], cwd=common.ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONHASHSEED": "0",
                                                   "LOG_LEVEL": "WARNING"})
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {out}")


def per_request(kind: str) -> float:
    """Instructions the web process runs per sign-up ('podium') or floor request ('floor')."""
    with common.valkey(appendonly=False) as kv, \
            tempfile.TemporaryDirectory(prefix="podium-cg-") as tmp:
        small, big = (_total(kind, count, kv.url, Path(tmp)) for count in COUNTS)
    return (big - small) / (COUNTS[1] - COUNTS[0])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        podium, floor = per_request("podium"), per_request("floor")
        print(json.dumps(common.row("instructions per sign-up request (callgrind)", podium,
                                    floor, "instructions")))
