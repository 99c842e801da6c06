"""``make bench``: measure the floors, run every ``bench/*_bench.py``, print one table, keep
the results as JSON (``bench/results/latest.json`` and a timestamped copy).

    python -m bench [--quick] [--only agenda,gate] [--compare [bench/results/OLD.json]]

A module that fails or overruns its time budget becomes a FAILED row; the others still run.
Every figure issue 8 asks for is checked for at the end and listed as MISSING if absent.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BUDGET_S = {True: 240, False: 1800}  # per module, quick or full: a hang must not stop the run
# (what the issue asks for, module, pattern of the figure's name): the table's checklist.
EXPECTED = [
    ("door scans/s at 64 devices", "gate_bench", r"scans per second, 64 devices"),
    ("door scan p50", "gate_bench", r"^p50 latency"),
    ("door scan p99", "gate_bench", r"^p99 latency"),
    ("sign-ups/s, one full session", "registration_bench", r"sign-ups/s, one .*session"),
    ("sign-ups/s, many sessions", "registration_bench", r"sign-ups/s, \d+ sessions"),
    ("sign-up p50/p99, one full session", "registration_bench", r"p99 latency, one"),
    ("sign-up p50/p99, many sessions", "registration_bench", r"p99 latency, \d+ sessions"),
    ("agenda JSON reads/s, ETag hit", "agenda_bench", r"JSON .*ETag hit"),
    ("agenda JSON reads/s, full", "agenda_bench", r"JSON .*full"),
    ("agenda ICS reads/s, ETag hit", "agenda_bench", r"ICS .*ETag hit"),
    ("agenda ICS reads/s, full", "agenda_bench", r"ICS .*full"),
    ("change-notice fan-out msgs/s", "notify_bench", r"change notice to"),
    ("publish to first e-mail", "notify_bench", r"first e-mail"),
    ("memory of the agenda service", "scale_bench", r"memory of the agenda"),
    ("memory of the registration service", "scale_bench", r"memory of the registration"),
    ("memory of the notify service", "scale_bench", r"memory of the notify service"),
    ("Redis bytes per delegate at 50,000", "scale_bench", r"Redis bytes per delegate at"),
    ("growth: sign-ups", "scale_bench", r"sign-ups/s .* at [\d,]+ delegates"),
    ("growth: agenda reads", "scale_bench", r"agenda JSON reads/s at [\d,]+ delegates"),
    ("growth: Redis bytes", "scale_bench", r"Redis bytes per delegate, delegates"),
    ("growth: door scans", "gate_bench", r"vs 1,000 delegates"),
]


def machine() -> dict:
    """What the numbers were measured on: they mean nothing without it."""
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    from bench import common

    with common.valkey(appendonly=False) as kv:
        info = kv.client.info("server")
    server = ("valkey " + info["valkey_version"]) if "valkey_version" in info else (
        "redis " + info["redis_version"])
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "redis": server,
            "os": f"{platform.system()} {platform.release()}",
            "load": "wrk" if shutil.which("wrk") else "python client only (install wrk)"}


def modules(only: set[str] | None) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*_bench.py"))
    return [n for n in names if not only or n.removesuffix("_bench") in only]


class Overrun(Exception):
    """A module ran past its time budget."""


def _overrun(signum, frame):
    raise Overrun()


def _floor_rows(quick: bool) -> list[dict]:
    from bench import floors

    return floors.rows(quick)


def run(names: list[str], quick: bool) -> list[dict]:
    """The floors first (cached for every module), then each module within its budget."""
    rows: list[dict] = []
    previous = signal.signal(signal.SIGALRM, _overrun)
    jobs = [("floors", _floor_rows)] + [
        (name, lambda q, n=name: importlib.import_module(f"bench.{n}").main(quick=q))
        for name in names]
    try:
        for name, job in jobs:
            print(f"... {name}", file=sys.stderr, flush=True)
            started = time.monotonic()
            signal.alarm(BUDGET_S[quick])
            try:
                found = job(quick)
            except Exception as exc:  # one broken benchmark must not hide the others' numbers
                traceback.print_exc()
                why = "over its time budget" if isinstance(exc, Overrun) else "see stderr"
                found = [{"figure": f"{name}: FAILED ({why})", "podium": None, "floor": None,
                          "ratio": None, "unit": ""}]
            finally:
                signal.alarm(0)
            for item in found:
                item.setdefault("module", name)
            rows += found
            print(f"    {name} took {time.monotonic() - started:.0f}s", file=sys.stderr)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return rows


def missing(rows: list[dict], names: list[str] | None) -> list[dict]:
    """A MISSING row for each expected figure not produced (``names``: only these modules)."""
    out = []
    for what, module, pattern in EXPECTED:
        if (names is None or module in names) and not any(r.get("module") == module
                                       and re.search(pattern, r["figure"]) for r in rows):
            out.append({"figure": f"MISSING: {what}", "podium": None, "floor": None,
                        "ratio": None, "unit": "", "module": module})
    return out


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def table(result: dict) -> str:
    m = result["machine"]
    lines = [f"Podium benchmarks {result['started']} ({'quick' if result['quick'] else 'full'})",
             f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
             f"Python {m['python']}, {m['redis']}, {m['os']}, load: {m.get('load', '?')}", ""]
    head = ("figure", "Podium", "floor", "ratio", "unit")
    cells, module = [head], None
    for r in result["rows"]:
        if r.get("module") != module:  # a heading line per module: "p50 latency" of what
            module = r.get("module")
            cells.append((f"[{module}]", "", "", "", ""))
        cells.append((r["figure"], _fmt(r["podium"]), _fmt(r["floor"]), _fmt(r["ratio"]),
                      r["unit"]))
    widths = [max(len(c[i]) for c in cells) for i in range(5)]
    for k, c in enumerate(cells):
        lines.append(" | ".join(c[0].ljust(widths[0]) if i == 0 else c[i].rjust(widths[i])
                                for i in range(5)).rstrip())
        if k == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def compare(result: dict, old: dict) -> str:
    before = {(r.get("module"), r["figure"]): r for r in old["rows"]}
    lines = [f"change against {old['started']} ({old['machine']['cpu']}):"]
    for r in result["rows"]:
        prev = before.get((r.get("module"), r["figure"]))
        # Ratios compare across machines; a figure without a floor only by its own value.
        key = "ratio" if prev and prev.get("ratio") and r.get("ratio") else "podium"
        if not prev or not prev.get(key) or r.get(key) is None:
            lines.append(f"  {r['figure']}: new, or nothing to compare")
            continue
        change = (r[key] / prev[key] - 1) * 100
        lines.append(f"  {r['figure']}: {key} {prev[key]} -> {r[key]} ({change:+.0f}%)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs")
    parser.add_argument("--only", default="", help="comma-separated areas, e.g. agenda,gate")
    parser.add_argument("--compare", type=Path, nargs="?", const=RESULTS / "latest.json",
                        help="an earlier results JSON (default: the previous latest.json)")
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()} or None
    # Read before this run overwrites latest.json.
    old = json.loads(args.compare.read_text()) if args.compare else None
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    names = modules(only)
    rows = run(names, args.quick)
    order: dict[str, int] = {}
    for item in rows:
        order.setdefault(item["module"], len(order))
    # Stable sort: each MISSING row goes after its module's rows.
    rows += missing(rows, None if only is None else names)
    rows = sorted(rows, key=lambda x: order.get(x["module"], len(order)))
    result = {"started": started, "quick": args.quick, "machine": machine(), "rows": rows}
    print(table(result))
    if old:
        print()
        print(compare(result, old))
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    (RESULTS / f"{started.replace(':', '')}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
