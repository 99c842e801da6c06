"""Redis keys of badges (all under the meeting's hash tag, beside the registration keys)."""

from services.registration.keys import prefix


def _k(event_id: str, *parts: str) -> str:
    return prefix(event_id) + ":".join(("badge", *parts))


def signing_keys(event_id: str) -> str:
    """Hash kid -> JSON {kid, public, private (encrypted PEM), created}; live keys only."""
    return _k(event_id, "keys")


def active_key(event_id: str) -> str:
    """The kid new badges are signed with."""
    return _k(event_id, "active-key")


def badge(event_id: str, delegate_id: str) -> str:
    """Hash of a delegate's current badge: serial, kid, token, issued_at."""
    return _k(event_id, "of", delegate_id)


def serials(event_id: str) -> str:
    """Hash serial -> delegate id, for every serial ever issued (revoked ones too)."""
    return _k(event_id, "serials")


def serial_counter(event_id: str) -> str:
    return _k(event_id, "serial-seq")


def revoked(event_id: str) -> str:
    """Set of revoked serials (a reissue revokes the previous one)."""
    return _k(event_id, "revoked")
