"""``podium``: the suite's command-line entry point."""

from __future__ import annotations

import sys

import click

from shared.config import load
from shared.store import connect


@click.group()
def main() -> None:
    """Podium: registration, agenda and access control for meetings."""


@main.group()
def token() -> None:
    """API tokens for organisers and gatekeeper devices."""


@token.command("create")
@click.option("--event", "event_id", required=True, help="Meeting id, e.g. rcm-2017.")
@click.option("--role", type=click.Choice(["organiser", "gatekeeper"]), required=True)
@click.option("--label", default="", help="Who or what holds it (a device name).")
@click.option("--room", "rooms", multiple=True, help="Gatekeepers: rooms this device guards.")
def token_create(event_id: str, role: str, label: str, rooms: tuple[str, ...]) -> None:
    """Create a token and print it once (only its hash is stored).

    A gatekeeper token is a door device, as one made through the API: listed and revocable
    under /gate/devices, for a published meeting and its rooms only. An organiser token may
    come before its meeting (it is what creates it)."""
    import redis

    from services.registration import keys as reg_keys
    from services.registration.gate import devices
    from shared.auth import create_token
    from shared.errors import Problem

    if rooms and role != "gatekeeper":
        raise click.UsageError("--room is for gatekeeper tokens")
    url = load()["REDIS_URL"]
    r = connect(url)
    try:
        published = bool(r.exists(reg_keys.event(event_id)))
        if role == "gatekeeper":
            if not published:
                raise click.ClickException(f"no published meeting {event_id!r}: doors need "
                                           "its rooms and sessions")
            device = devices.create(r, event_id, label or "door", list(rooms))
            click.echo(f"door device {device['id']}: list and revoke it under "
                       f"/api/v1/events/{event_id}/gate/devices", err=True)
            secret = device["token"]
        else:
            if not published:
                click.echo(f"no published meeting {event_id!r} yet: this token can create it "
                           f"(PUT /api/v1/events/{event_id} on the agenda service)", err=True)
            secret = create_token(r, event_id, role, label=label, subject=label or None)
    except Problem as exc:
        raise click.ClickException(exc.detail) from exc
    except redis.ConnectionError as exc:
        raise click.ClickException(
            f"cannot reach Redis at {url}: set REDIS_URL to the suite's Redis "
            "(`make run` prints the command with it)") from exc
    click.echo(secret)


@main.command()
@click.argument("service", type=click.Choice(["registration", "notify"]))
@click.option("--name", default=None, help="Consumer name (stable across restarts).")
def consume(service: str, name: str | None) -> None:
    """Run a service's bus consumer until SIGTERM."""
    from shared import bus, logs

    config = load()
    logs.configure(config["LOG_LEVEL"], config["LOG_JSON"])
    r = connect(config["REDIS_URL"])
    if service == "registration":
        from services.registration.consumer import make_consumer

        consumer = make_consumer(r, name)
    else:
        from services.notify.consumer import make_consumer
        from services.notify.worker import celery

        consumer = make_consumer(r, celery, name)
    consumer.keep_s = config["BUS_KEEP_S"]
    bus.run_forever(consumer)


@main.group()
def gate() -> None:
    """Door checks without the network."""


@gate.command("verify")
@click.option("--bundle", "bundle_file", required=True, type=click.File("r"),
              help="An offline bundle saved from /gate/offline-bundle.")
@click.option("--session", "target", required=True, help="Session (or room) at this door.")
@click.option("--direction", type=click.Choice(["in", "out"]), default="in")
@click.option("--at", "at", type=float, default=None, help="Epoch seconds (default: now).")
@click.option("--keys", "keys_file", type=click.File("r"), default=None,
              help="Trusted public keys (JSON kid -> key, from /badge-keys), pinned on the "
                   "device beforehand. Without them the bundle's own keys prove only that "
                   "it is intact, not who made it.")
@click.argument("token")
def gate_verify(bundle_file, target: str, direction: str, at: float | None, keys_file,
                token: str) -> None:
    """Decide a scanned TOKEN from a bundle alone, as the server would; exit 1 on deny."""
    import json
    import time

    from services.registration.gate import offline

    trusted = json.load(keys_file) if keys_file else None
    if trusted is None:
        click.echo("warning: no --keys pinned; trusting the keys inside the bundle", err=True)
    try:
        bundle = offline.verify_bundle(json.load(bundle_file), trusted)
    except (offline.BundleError, ValueError) as exc:
        raise click.ClickException(f"unusable bundle: {exc}") from exc
    answer = offline.decide(bundle, token, target, direction, time.time() if at is None else at)
    click.echo(json.dumps(answer, ensure_ascii=False))
    sys.exit(0 if answer["decision"] == "allow" else 1)


@main.command()
def run() -> None:
    """Start the whole suite locally (what ``make run`` does)."""
    from podium.devrun import main as devrun

    sys.exit(devrun())


@main.command("mailcatcher")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8025, type=int)
@click.option("--dir", "directory", default="var/mail", type=click.Path())
def mailcatcher(host: str, port: int, directory: str) -> None:
    """Run a local SMTP server that keeps every message as a .eml file."""
    from podium.mailcatcher import serve

    serve(host, port, directory)


@main.group()
def agenda() -> None:
    """Meeting agendas."""


@agenda.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--event", "event_id", required=True, help="Meeting id, e.g. rcm-2017.")
@click.option("--publish", is_flag=True, help="Publish the imported draft as a new version.")
@click.option("--note", default="", help="Note for the published version.")
def agenda_import(path: str, event_id: str, publish: bool, note: str) -> None:
    """Import an agenda document (.txt or .docx) into a meeting's draft."""
    from pathlib import Path

    from services.agenda import importing, publishing
    from shared.errors import Problem

    r = connect(load()["REDIS_URL"])
    file = Path(path)
    if file.stat().st_size > importing.MAX_DOCUMENT_BYTES:
        raise click.ClickException(importing.too_large().detail)
    try:
        text = importing.document_text(file.read_bytes(), file.name)
        report = importing.import_text(r, event_id, text)
    except Problem as exc:
        raise click.ClickException(f"{exc.reason}: {exc.detail}") from exc
    click.echo(f"Imported {report['sessions']} sessions over {len(report['days'])} days "
               f"({report['days'][0]} to {report['days'][-1]}), "
               f"{len(report['rooms'])} rooms into the draft of {event_id}.")
    for warning in report["warnings"]:
        click.echo(f"  line {warning['line']}: {warning['message']}")
    if publish:
        try:
            version, new = publishing.publish(r, event_id, note)
        except Problem as exc:
            raise click.ClickException(f"{exc.reason}: {exc.detail}") from exc
        click.echo(f"Published version {version['version']} "
                   f"({len(version['changes'])} changes)." if new else
                   f"Nothing changed since version {version['version']}: nothing published.")
