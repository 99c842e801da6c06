"""Agenda benchmark: importing and serving a 5-day, 500-session meeting, beside the floor.

The floor is the shared HTTP JSON floor (:mod:`bench.floors`: the same gunicorn config and
Flask answering a trivial JSON route, measured once per run). The agenda service runs under
gunicorn as ``make run`` has it; the load comes from ``wrk`` (or the Python client) in other
processes, 64 keep-alive connections, as for the floor.

Run on its own: ``python -m bench.agenda_bench [--quick]`` (rows as JSON lines); normally
through ``make bench``. Targets (issue 3): ETag hits >= 85% of the floor, full agenda JSON
>= 50%, importing the document well under a second.
"""

from __future__ import annotations

import json
import sys
import time

import requests

from bench import common, floors
from bench.common import row
from bench.loadgen import get_load

EVENT = "bench-2030"
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


def _import_cost(r, runs: int) -> tuple[float, int]:
    """Median seconds to import the document straight through the importer, and its size."""
    from services.agenda import importing

    text = agenda_document()
    timings = []
    report: dict = {}
    for _ in range(runs):
        started = time.perf_counter()
        report = importing.import_text(r, EVENT, text)
        timings.append(time.perf_counter() - started)
    return sorted(timings)[len(timings) // 2], report["sessions"]


def _etag(url: str) -> str:
    resp = requests.get(url, timeout=30)
    resp.raise_for_status()
    return resp.headers["ETag"]


def main(quick: bool = False) -> list[dict]:
    """Run the benchmark; return rows {figure, podium, floor, ratio, unit}."""
    from services.agenda import publishing

    floor = floors.http_json(quick)
    seconds = floors.duration(quick)
    with common.valkey(appendonly=False) as kv:
        import_s, count = _import_cost(kv.client, 3 if quick else 7)
        publishing.publish(kv.client, EVENT, "bench")
        with common.service("agenda", kv.url) as agenda:
            base = f"{agenda.url}/api/v1/events/{EVENT}"
            rows = [row(f"agenda: import {count}-session document", import_s, 1.0,
                        "s (floor: 1 s)")]
            for figure, url, headers in (
                    ("agenda JSON reads/s, ETag hit (304)", base + "/agenda",
                     {"If-None-Match": _etag(base + "/agenda")}),
                    (f"agenda JSON reads/s, full ({count} sessions)", base + "/agenda", {}),
                    ("agenda ICS reads/s, ETag hit (304)", base + "/agenda.ics",
                     {"If-None-Match": _etag(base + "/agenda.ics")}),
                    (f"agenda ICS reads/s, full ({count} sessions)", base + "/agenda.ics", {})):
                get_load(url, floors.CONNECTIONS, 1.0, headers)  # warm caches and connections
                load = get_load(url, floors.CONNECTIONS, seconds, headers)
                rows.append(row(figure, load.rps, floor.rps, "req/s"))
                if load.errors:
                    rows.append(row(f"{figure}: failed answers", load.errors, None, "requests"))
    return rows


if __name__ == "__main__":
    for item in main(quick="--quick" in sys.argv):
        print(json.dumps(item, ensure_ascii=False))
