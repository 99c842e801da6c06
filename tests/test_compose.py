"""docker-compose.yml cannot run here (no Docker engine), so check that what it names exists:
every Podium command it runs resolves to real code, and Redis keeps its data safely."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from click.testing import CliRunner

from podium.cli import main as podium_cli

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_redis_keeps_data_and_never_evicts():
    command = " ".join(_compose()["services"]["redis"]["command"])
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command


def test_every_compose_command_exists_in_the_code(monkeypatch, redis_url):
    monkeypatch.setenv("REDIS_URL", redis_url)  # never the user's own Redis
    services = _compose()["services"]
    expected = {"agenda", "registration", "notify", "registration-consumer", "notify-consumer",
                "notify-worker", "mailcatcher", "redis"}
    assert expected <= services.keys()
    for name, spec in services.items():
        if name == "redis":
            continue
        program, *args = spec["command"]
        if program == "gunicorn":
            module, factory = args[-1].removesuffix("()").split(":")
            app = getattr(importlib.import_module(module), factory)()
            assert app.name.endswith(name), f"{name} runs the wrong app"
        elif program == "celery":
            module = args[args.index("-A") + 1]
            celery = importlib.import_module(module).celery
            assert "podium.notify.deliver" in celery.tasks
        elif program == "podium":
            result = CliRunner().invoke(podium_cli, [*args[:1], "--help"])
            assert result.exit_code == 0, f"{name}: podium {args[0]} is not a command"
        else:
            raise AssertionError(f"{name} runs an unknown program {program}")


def test_the_image_copies_every_package():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for folder in ("shared", "services", "podium", "data"):
        assert f"COPY {folder} {folder}" in dockerfile
