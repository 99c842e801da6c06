"""``make bench``: run every ``bench/*_bench.py``, print one table, keep the results as JSON.

    python -m bench [--quick] [--only agenda,gate] [--compare bench/results/OLD.json]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


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
            "os": f"{platform.system()} {platform.release()}"}


def modules(only: set[str] | None) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*_bench.py"))
    return [n for n in names if not only or n.removesuffix("_bench") in only]


def run(names: list[str], quick: bool) -> list[dict]:
    rows: list[dict] = []
    for name in names:
        print(f"... {name}", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            found = importlib.import_module(f"bench.{name}").main(quick=quick)
        except Exception:  # one broken benchmark must not hide the others' numbers
            traceback.print_exc()
            found = [{"figure": f"{name}: FAILED (see stderr)", "podium": None, "floor": None,
                      "ratio": None, "unit": ""}]
        for item in found:
            item.setdefault("module", name)
        rows += found
        print(f"    {name} took {time.monotonic() - started:.0f}s", file=sys.stderr)
    return rows


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
             f"Python {m['python']}, {m['redis']}, {m['os']}", ""]
    head = ("figure", "Podium", "floor", "ratio", "unit")
    cells = [head] + [(r["figure"], _fmt(r["podium"]), _fmt(r["floor"]), _fmt(r["ratio"]),
                       r["unit"]) for r in result["rows"]]
    widths = [max(len(c[i]) for c in cells) for i in range(5)]
    for k, c in enumerate(cells):
        lines.append(" | ".join(c[0].ljust(widths[0]) if i == 0 else c[i].rjust(widths[i])
                                for i in range(5)).rstrip())
        if k == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def compare(result: dict, old: dict) -> str:
    before = {r["figure"]: r for r in old["rows"]}
    lines = [f"change against {old['started']} ({old['machine']['cpu']}):"]
    for r in result["rows"]:
        prev = before.get(r["figure"])
        if not prev or not prev.get("ratio") or not r.get("ratio"):
            lines.append(f"  {r['figure']}: new or without ratio")
            continue
        change = (r["ratio"] / prev["ratio"] - 1) * 100
        lines.append(f"  {r['figure']}: ratio {prev['ratio']} -> {r['ratio']} ({change:+.0f}%)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs")
    parser.add_argument("--only", default="", help="comma-separated areas, e.g. agenda,gate")
    parser.add_argument("--compare", type=Path, help="an earlier results JSON")
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()} or None
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    result = {"started": started, "quick": args.quick, "machine": machine(),
              "rows": run(modules(only), args.quick)}
    print(table(result))
    if args.compare:
        print()
        print(compare(result, json.loads(args.compare.read_text())))
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    (RESULTS / f"{started.replace(':', '')}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
