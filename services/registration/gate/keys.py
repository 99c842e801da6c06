"""Redis keys of door checks and the offline bundle (under the meeting's hash tag)."""

from services.registration.keys import prefix


def _k(event_id: str, *parts: str) -> str:
    return prefix(event_id) + ":".join(("gate", *parts))


def devices(event_id: str) -> str:
    """Hash device id -> JSON {id, label, rooms, token_id, created}."""
    return _k(event_id, "devices")


def nonces(event_id: str) -> str:
    """Hash 'device:nonce' -> JSON answer: a scan uploaded twice is recorded once."""
    return _k(event_id, "nonces")


def scans(event_id: str) -> str:
    """Stream of every scan, allowed or denied, for the organisers' live view."""
    return _k(event_id, "scans")


def presence(event_id: str) -> str:
    """Hash delegate id -> room the delegate is inside."""
    return _k(event_id, "presence")


def occupancy(event_id: str) -> str:
    """Hash room id -> number of people inside."""
    return _k(event_id, "occupancy")


def bundle_version(event_id: str) -> str:
    """Counter bumped by every change an offline device must learn about."""
    return _k(event_id, "bundle-version")


def bundle_changes(event_id: str) -> str:
    """Sorted set 'serial' or 'key:<kid>' -> bundle version of its last change."""
    return _k(event_id, "bundle-changes")


def bundle_floor(event_id: str) -> str:
    """Oldest version a delta can start from (older change records were trimmed)."""
    return _k(event_id, "bundle-floor")


def bundle_digests(event_id: str) -> str:
    """Hash serial -> digest of what the last bundle said about it (to detect changes)."""
    return _k(event_id, "bundle-digests")
