"""Redis keys of door checks and the offline bundle (under the meeting's hash tag)."""

from services.registration.keys import prefix


def _k(event_id: str, *parts: str) -> str:
    return prefix(event_id) + ":".join(("gate", *parts))


def devices(event_id: str) -> str:
    """Hash device id -> JSON {id, label, rooms, token_id, created}."""
    return _k(event_id, "devices")


def nonces(event_id: str, utc_day: int) -> str:
    """Hash 'device:nonce' -> JSON answer, for scans made on one UTC day (days since 1970).

    A scan uploaded twice is recorded once. Buckets expire after the last upload of their
    day's scans can be accepted (scanned_at up to 30 days old), so they do not grow for ever.
    """
    return _k(event_id, "nonces", str(utc_day))


def scan_rate(event_id: str, device: str) -> str:
    """Counter of one device's scans in the current rate-limit window (expires with it)."""
    return _k(event_id, "rate", device)


def scans(event_id: str) -> str:
    """Stream of every scan, allowed or denied, for the organisers' live view."""
    return _k(event_id, "scans")


def presence(event_id: str, day: str) -> str:
    """Hash delegate id -> room the delegate is inside, on one local day of the meeting.

    Per day, so presence and occupancy start empty each morning: people who left without
    scanning out do not block their own entry, nor fill a room, the next day.
    """
    return _k(event_id, "presence", day)


def occupancy(event_id: str, day: str) -> str:
    """Hash room id -> number of people inside, on one local day of the meeting."""
    return _k(event_id, "occupancy", day)


def occupancy_audit(event_id: str) -> str:
    """List of JSON entries: organisers' corrections of a room's occupancy."""
    return _k(event_id, "occupancy-audit")


def bundle_version(event_id: str) -> str:
    """Counter bumped by every change an offline device must learn about."""
    return _k(event_id, "bundle-version")


def bundle_changes(event_id: str) -> str:
    """Sorted set 'serial', 'key:<kid>' or 'session:<id>' -> bundle version of its last
    change (one member per thing, so it is bounded by the meeting's size)."""
    return _k(event_id, "bundle-changes")


def bundle_dirty(event_id: str) -> str:
    """Sorted set delegate id -> bundle version of the last change to what a door knows of
    them (accreditation, details, sign-ups). Written by the registration scripts through
    ``mark_bundle`` in ``lua/prelude.lua``, which builds these key names from the prefix."""
    return _k(event_id, "bundle-dirty")
