"""Agenda benchmark: importing and serving a 5-day, 500-session meeting, beside the floor.

The floor is a trivial JSON route added to the SAME agenda app, served by the same gunicorn
(same workers, same hooks) in the same run, so every figure is a ratio to what the stack
itself can do on this machine. The load comes from other processes over real HTTP with
keep-alive connections (``wrk`` when installed, otherwise a small multiprocessing client).

Run: ``python -m bench.agenda_bench [--quick]``; prints a table and writes JSON under
``bench/results/``. Targets (issue 3): ETag hits >= 85% of the floor, full agenda JSON
>= 50%, importing the document well under a second.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EVENT = "bench-2030"
RESULTS = Path(__file__).resolve().parent / "results"
WORKERS = 2
THREADS = 4
CONNECTIONS = 8
DAYS = ("MONDAY, 17 JUNE", "TUESDAY, 18 JUNE", "WEDNESDAY, 19 JUNE", "THURSDAY, 20 JUNE",
        "FRIDAY, 21 JUNE")


def agenda_document(per_day: int = 100) -> str:
    """An RCM-style agenda: 5 days x ``per_day`` timed items with leads and sub-items."""
    lines = ["REGIONAL CONFERENCE ON MIGRATION (RCM)", "Meeting of the Benchmark Group", "",
             "Ministry of Foreign Affairs", "San Salvador, El Salvador", "17-21 June, 2030",
             "", "PRELIMINARY AGENDA", ""]
    for day in DAYS:
        lines += [day, "Meeting of the Regional Consultation Group on Migration (RCGM)",
                  "Venue: Room of Honor"]
        for i in range(per_day):
            start = 7 * 60 + i * 5
            end = start + 5
            lines += [f"\t{start // 60:02d}:{start % 60:02d} – {end // 60:02d}:{end % 60:02d}",
                      f"\tAgenda item {i + 1} on regional cooperation for migrant protection",
                      "[Leads: PPT]", "· Presentation by the delegations", "· Discussion", ""]
        lines += ["", ""]
    lines.append("END OF THE AGENDA")
    return "\n".join(lines) + "\n"


def app_with_floor():
    """The agenda app plus ``/floor``: the trivial JSON route measured beside it."""
    from flask import jsonify

    from services.agenda.app import create_app
    from shared.auth import public

    app = create_app({"ACCESS_LOG": False, "LOG_LEVEL": "WARNING"})

    @public
    def floor():
        """Answer a constant: the cost of the stack itself."""
        return jsonify(ok=True)

    app.add_url_rule("/floor", "floor", floor)
    return app


# -- load generation ----------------------------------------------------------------------

def _client(port: int, path: str, headers: dict, seconds: float, out) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done, errors = 0, 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status in (200, 304):
            done += 1
        else:
            errors += 1
        if resp.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out.put((done, errors))


def _python_load(port: int, path: str, headers: dict, seconds: float) -> float:
    queue: mp.Queue = mp.Queue()
    procs = [mp.Process(target=_client, args=(port, path, headers, seconds, queue))
             for _ in range(CONNECTIONS)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    if sum(e for _d, e in results):
        raise RuntimeError(f"{path}: {sum(e for _d, e in results)} failed requests")
    return sum(d for d, _e in results) / seconds


def _wrk_load(port: int, path: str, headers: dict, seconds: float) -> float:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, f"http://127.0.0.1:{port}{path}"], capture_output=True,
                         text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"{path}: failed requests\n{out}")
    return float(next(line for line in out.splitlines()
                      if line.startswith("Requests/sec")).split()[1])


def measure(port: int, path: str, headers: dict, seconds: float) -> float:
    load = _wrk_load if shutil.which("wrk") else _python_load
    load(port, path, headers, min(1.0, seconds / 3))  # warm caches and connections
    return load(port, path, headers, seconds)


# -- the run ------------------------------------------------------------------------------

def _import_cost(r, runs: int) -> tuple[float, int]:
    from services.agenda import importing

    text = agenda_document()
    timings = []
    report: dict = {}
    for _ in range(runs):
        started = time.perf_counter()
        report = importing.import_text(r, EVENT, text)
        timings.append(time.perf_counter() - started)
    return sorted(timings)[len(timings) // 2], report["sessions"]


def _serve(redis_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS), "-k", "gthread",
         "--threads", str(THREADS), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "bench.agenda_bench:app_with_floor()"], env=env, cwd=Path(__file__).parents[1])


def _wait_up(port: int) -> None:
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/floor")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("gunicorn did not start")


def _etag(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 200, resp.status
    return resp.getheader("ETag")


def main(quick: bool = False) -> list[dict]:
    """Run the benchmark; return rows {figure, podium, floor, ratio, unit}."""
    from podium import redisserver
    from services.agenda import operations as ops
    from shared.store import connect

    seconds = 2.0 if quick else 8.0
    workdir = Path(tempfile.mkdtemp(prefix="podium-bench-"))
    rport, hport = redisserver.free_port(), redisserver.free_port()
    redis_proc = redisserver.start(workdir, rport, appendonly=False)
    server = None
    try:
        redis_url = f"redis://127.0.0.1:{rport}/0"
        r = connect(redis_url)
        import_s, count = _import_cost(r, 3 if quick else 7)
        ops.publish(r, EVENT, "bench")
        server = _serve(redis_url, hport)
        _wait_up(hport)
        agenda = f"/api/v1/events/{EVENT}/agenda"
        ics = f"/api/v1/events/{EVENT}/agenda.ics"
        floor = measure(hport, "/floor", {}, seconds)
        rows = [{"figure": f"import {count}-session document", "podium": round(import_s, 4),
                 "floor": 1.0, "ratio": round(import_s / 1.0, 3), "unit": "s (floor: 1 s)"}]
        for figure, path, headers in (
                ("agenda JSON, ETag hit (304)", agenda, {"If-None-Match": _etag(hport, agenda)}),
                (f"agenda JSON, full ({count} sessions)", agenda, {}),
                ("agenda ICS, ETag hit (304)", ics, {"If-None-Match": _etag(hport, ics)}),
                (f"agenda ICS, full ({count} sessions)", ics, {})):
            rps = measure(hport, path, headers, seconds)
            rows.append({"figure": figure, "podium": round(rps, 1), "floor": round(floor, 1),
                         "ratio": round(rps / floor, 3), "unit": "req/s"})
        return rows
    finally:
        if server:
            server.terminate()
            server.wait(20)
        redis_proc.terminate()
        redis_proc.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def _report(rows: list[dict]) -> None:
    print(f"{'figure':44} {'podium':>10} {'floor':>10} {'ratio':>7}  unit")
    for row in rows:
        print(f"{row['figure']:44} {row['podium']:>10} {row['floor']:>10} {row['ratio']:>7}  "
              f"{row['unit']}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"agenda-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps({"bench": "agenda", "workers": WORKERS, "threads": THREADS,
                                "connections": CONNECTIONS,
                                "load": "wrk" if shutil.which("wrk") else "python",
                                "rows": rows}, indent=2))
    print(f"written {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke check)")
    _report(main(quick=parser.parse_args().quick))
