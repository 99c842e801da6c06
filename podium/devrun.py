"""``make run``: the whole suite on one machine, with its own Redis and mail catcher if needed.

Children: Redis (unless REDIS_URL is set), the mail catcher (unless SMTP_HOST is set), the
three services under gunicorn, the two bus consumers and the notify Celery worker. Ctrl-C
stops them all. Data lives under ``var/`` and survives restarts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from podium import redisserver

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("PODIUM_VAR", ROOT / "var"))
SEED_EVENT = "rcm-2017"
SEED_FILE = ROOT / "data" / "rcm-2017-agenda.txt"
# Fixed, so a restart finds the same data; not 6379, which stays the user's own.
DEV_REDIS_PORT = int(os.environ.get("PODIUM_DEV_REDIS_PORT", "6479"))


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _spawn(procs: list, name: str, args: list[str], env: dict) -> None:
    log = open(VAR / "log" / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
    # Own session: Ctrl-C reaches only this supervisor, which stops the children in order
    # (services first, Redis last) instead of all of them being interrupted at once.
    proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                            start_new_session=True)
    procs.append((name, proc))


def _load_seed(env: dict) -> str:
    from services.agenda import importing, publishing
    from shared.store import connect

    r = connect(env["REDIS_URL"])
    if current := publishing.current_version(r, SEED_EVENT):
        return f"{SEED_EVENT} already published (version {current})"
    report = importing.import_text(r, SEED_EVENT, SEED_FILE.read_text(encoding="utf-8"))
    publishing.publish(r, SEED_EVENT, "Imported from the organisers' document")
    return (f"{SEED_EVENT} imported and published: {report['sessions']} sessions, "
            f"{len(report['warnings'])} warnings")


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C and SIGTERM stop everything, in order, whenever they come. Set explicitly: a
    # shell starting us as a background job (``make run &`` in a script) passes SIGINT on as
    # ignored, and Python would then keep ignoring it.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    (VAR / "log").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    procs: list[tuple[str, subprocess.Popen]] = []
    lines = []
    try:
        if "REDIS_URL" not in env:
            procs.append(("redis", redisserver.start(VAR / "redis", DEV_REDIS_PORT)))
            env["REDIS_URL"] = f"redis://127.0.0.1:{DEV_REDIS_PORT}/0"
            lines.append(f"redis         {env['REDIS_URL']}  (data in {VAR / 'redis'})")
        if "SMTP_HOST" not in env:
            env["SMTP_HOST"], env["SMTP_PORT"] = "127.0.0.1", env.get("SMTP_PORT", "8025")
            _spawn(procs, "mail", [_bin("podium"), "mailcatcher", "--port", env["SMTP_PORT"],
                                   "--dir", str(VAR / "mail")], env)
            lines.append(f"mail catcher  smtp://127.0.0.1:{env['SMTP_PORT']}  "
                         f"(every message kept in {VAR / 'mail'})")
        ports = {s: env.get(f"{s.upper()}_PORT", str(p))
                 for s, p in (("agenda", 8001), ("registration", 8002), ("notify", 8003))}
        for service, port in ports.items():
            _spawn(procs, service, [
                _bin("gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                "--no-control-socket",
                "--threads", "4", "--graceful-timeout", "5",
                f"services.{service}.app:create_app()"], env)
            lines.append(f"{service:<13} http://127.0.0.1:{port}  (API /api/v1, docs /docs)")
        _spawn(procs, "registration-consumer",
               [_bin("podium"), "consume", "registration", "--name", "dev"], env)
        _spawn(procs, "notify-consumer", [_bin("podium"), "consume", "notify", "--name", "dev"],
               env)
        _spawn(procs, "notify-worker", [_bin("celery"), "-A", "services.notify.worker",
                                        "worker", "--loglevel", "INFO", "-c", "2",
                                        "-n", "notify@%h"], env)
        seed = _load_seed(env)
        _wait_ready(procs, [f"http://127.0.0.1:{port}/ready" for port in ports.values()])
        print("\nPodium is running.\n")
        for line in lines:
            print("  " + line)
        print(f"\n  {seed}")
        print(f"  start page: http://127.0.0.1:{ports['agenda']}/  (agenda, registration, door, "
              "organiser pages)")
        print(f"  agenda API: http://127.0.0.1:{ports['agenda']}/api/v1/events/{SEED_EVENT}/agenda")
        print("\n  Organiser token (in another terminal):")
        print(f"    REDIS_URL={env['REDIS_URL']} .venv/bin/podium token create "
              f"--event {SEED_EVENT} --role organiser")
        print("  Logs: var/log/.  Press Ctrl-C to stop.\n", flush=True)
        return _watch(procs)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        _stop(procs)


def _wait_ready(procs: list, urls: list[str], timeout: float = 60) -> None:
    """Print the banner only once every service answers, so its URLs work when shown."""
    import urllib.request

    deadline = time.monotonic() + timeout
    for url in urls:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass  # not listening yet
            for name, proc in procs:
                if proc.poll() is not None:
                    raise SystemExit(f"{name} exited; see its log under {VAR / 'log'}")
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not become ready; see {VAR / 'log'}")
            time.sleep(0.2)


def _watch(procs: list) -> int:
    """Until a signal (KeyboardInterrupt) or a child's exit, which stops the rest."""
    while True:
        for name, proc in procs:
            if proc.poll() is not None:
                log = VAR / ("redis/server.log" if name == "redis" else f"log/{name}.log")
                print(f"{name} exited with {proc.returncode}; see {log}; stopping")
                return 1
        time.sleep(0.5)


def _stop(procs: list) -> None:
    # Services first, Redis last, so nothing loses its store while finishing its work.
    services = [(n, p) for n, p in procs if n != "redis"]
    for group in (services, [(n, p) for n, p in procs if n == "redis"]):
        for _name, proc in group:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for name, proc in group:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop; killing it")
                proc.kill()
    if procs:
        print("Podium stopped.", flush=True)
