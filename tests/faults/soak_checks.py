"""The invariants the soak test checks at the end, each from Redis state and the bus history.

Each function returns a list of violations (empty when the invariant holds), so the test can
report all of them at once rather than the first.
"""

from __future__ import annotations

import json
import time
from collections import Counter

from services.registration import keys as rkeys
from services.registration.gate import keys as gkeys
from services.registration.gate.occupancy import local_day
from shared.keys import bus_stream


def _events(r, event: str, prefix: str) -> list[dict]:
    out = []
    for _id, fields in r.xrange(bus_stream(event)):
        if fields["type"].startswith(prefix):
            out.append({"type": fields["type"], **json.loads(fields["data"])})
    return out


def seats(r, event: str, sessions: dict[str, int]) -> list[str]:
    """No session over capacity, and no one waiting while a seat is free."""
    bad = []
    for sid, capacity in sessions.items():
        confirmed = r.zcard(rkeys.confirmed(event, sid))
        waiting = r.zcard(rkeys.waitlist(event, sid))
        if confirmed > capacity:
            bad.append(f"{sid}: {confirmed} confirmed > capacity {capacity}")
        if waiting and confirmed < capacity:
            bad.append(f"{sid}: {waiting} waiting while {capacity - confirmed} seats are free")
    return bad


def waitlists(r, event: str, sessions: dict[str, int]) -> list[str]:
    """Replaying the bus, each promotion took the head of the waitlist, and the waitlist and
    seats left in Redis are exactly what the history says, in the same order."""
    bad = []
    waiting: dict[str, list[str]] = {sid: [] for sid in sessions}
    seated: dict[str, set[str]] = {sid: set() for sid in sessions}
    for e in _events(r, event, "registration.signup."):
        sid, did, kind = e["session"], e["delegate"], e["type"].rsplit(".", 1)[1]
        if sid not in sessions:
            continue
        if kind == "confirmed":
            seated[sid].add(did)
        elif kind == "waitlisted":
            waiting[sid].append(did)
        elif kind == "promoted":
            if not waiting[sid] or waiting[sid][0] != did:
                bad.append(f"{sid}: {did} promoted ahead of {waiting[sid][:1]}")
            if did in waiting[sid]:
                waiting[sid].remove(did)
            seated[sid].add(did)
        elif kind == "cancelled":
            seated[sid].discard(did)
            if did in waiting[sid]:
                waiting[sid].remove(did)
    for sid in sessions:
        if r.zrange(rkeys.waitlist(event, sid), 0, -1) != waiting[sid]:
            bad.append(f"{sid}: waitlist differs from its history")
        if set(r.zrange(rkeys.confirmed(event, sid), 0, -1)) != seated[sid]:
            bad.append(f"{sid}: seats differ from their history")
    return bad


def doors(r, event: str, capacities: dict[str, int | None]) -> list[str]:
    """No badge inside two rooms: replaying the allowed scans gives the presence Redis holds,
    one room per badge, and each room's head count matches it (and its capacity)."""
    inside: dict[str, str] = {}
    for _id, f in r.xrange(gkeys.scans(event)):
        if f["decision"] != "allow" or not f["delegate"]:
            continue
        if f["direction"] == "in":
            inside[f["delegate"]] = f["room"]  # entering a room leaves the previous one
        elif inside.get(f["delegate"]) == f["room"]:
            del inside[f["delegate"]]
    bad = []
    # Presence is kept per local day of the meeting; the soak runs around local noon.
    day = local_day(r, event, time.time())
    presence = r.hgetall(gkeys.presence(event, day))
    if presence != inside:
        bad.append(f"presence {len(presence)} badges differs from the scan history "
                   f"{len(inside)}")
    heads = Counter(presence.values())
    for room, count in r.hgetall(gkeys.occupancy(event, day)).items():
        if int(count) != heads.get(room, 0):
            bad.append(f"{room}: occupancy {count} but {heads.get(room, 0)} badges inside")
        if capacities.get(room) is not None and int(count) > capacities[room]:
            bad.append(f"{room}: {count} inside > capacity {capacities[room]}")
    return bad


def acknowledged(r, event: str, expected: dict[tuple[str, str], bool],
                 scan_ids: set[str]) -> list[str]:
    """Every write the clients saw acknowledged is in Redis: each delegate's last answered
    sign-up or cancellation, and every answered scan's record."""
    bad = []
    for (did, sid), signed_up in expected.items():
        state = r.hget(rkeys.mine(event, did), sid)
        if signed_up != (state is not None):
            bad.append(f"{did} {sid}: acknowledged {'sign-up' if signed_up else 'cancel'} "
                       f"but Redis has {state}")
    recorded = {entry_id for entry_id, _f in r.xrange(gkeys.scans(event))}
    lost = scan_ids - recorded
    if lost:
        bad.append(f"{len(lost)} acknowledged scans missing")
    return bad


def mails(messages: list, domain: str, worker_kills: int, in_flight: int) -> list[str]:
    """No e-mail sent twice, but for the one gap delivery cannot close: a worker SIGKILLed
    between the server's 250 and its record repeats that message (same Message-ID). Each
    kill can do that at most once per message in flight (connections x processes)."""
    ids = Counter(str(m["Message-ID"]) for m in messages if domain in str(m["To"]))
    repeats = {mid: n for mid, n in ids.items() if n > 1}
    if any(n > 2 for n in repeats.values()) or len(repeats) > worker_kills * in_flight:
        return [f"{mid} arrived {n} times" for mid, n in repeats.items()]
    return []
