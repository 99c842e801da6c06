"""Redis keys owned by the registration service (all under the meeting's hash tag).

Lua scripts build the per-session and per-delegate keys themselves from :func:`prefix`
(they cannot know every session up front); they stay in the meeting's hash slot.
"""

from shared.keys import meeting


def prefix(event_id: str) -> str:
    """Common prefix of this service's keys for one meeting, ending with ':'."""
    return meeting(event_id, "reg") + ":"


def event(event_id: str) -> str:
    """JSON copy of the meeting (timezone, days, hours) from the agenda's events."""
    return meeting(event_id, "reg", "event")


def settings(event_id: str) -> str:
    """Hash of registration settings (self_registration open/closed)."""
    return meeting(event_id, "reg", "settings")


def delegate(event_id: str, delegate_id: str) -> str:
    return meeting(event_id, "reg", "delegate", delegate_id)


def delegates(event_id: str) -> str:
    """Sorted set of delegate ids by registration time."""
    return meeting(event_id, "reg", "delegates")


def emails(event_id: str) -> str:
    """Hash normalised e-mail -> delegate id (one registration per e-mail)."""
    return meeting(event_id, "reg", "emails")


def session(event_id: str, session_id: str) -> str:
    """Hash: this service's copy of a published session (times, capacity, access, status)."""
    return meeting(event_id, "reg", "session", session_id)


def sessions(event_id: str) -> str:
    """Set of session ids in the copy."""
    return meeting(event_id, "reg", "sessions")


def confirmed(event_id: str, session_id: str) -> str:
    """Sorted set delegate -> arrival sequence, of confirmed seats."""
    return meeting(event_id, "reg", "confirmed", session_id)


def waitlist(event_id: str, session_id: str) -> str:
    """Sorted set delegate -> arrival sequence, first come first served."""
    return meeting(event_id, "reg", "waitlist", session_id)


def mine(event_id: str, delegate_id: str) -> str:
    """Hash session -> confirmed|waitlisted for one delegate."""
    return meeting(event_id, "reg", "mine", delegate_id)


def accreditation(event_id: str, delegate_id: str) -> str:
    """Set of accreditation scopes a delegate holds ('general' covers every session)."""
    return meeting(event_id, "reg", "accred", delegate_id)


def audit(event_id: str, delegate_id: str) -> str:
    """List of JSON audit entries (accreditation decisions)."""
    return meeting(event_id, "reg", "audit", delegate_id)


def sequence(event_id: str) -> str:
    """Counter giving every sign-up its arrival order."""
    return meeting(event_id, "reg", "seq")


def agenda_version(event_id: str) -> str:
    """Number of the agenda version the copy reflects."""
    return meeting(event_id, "reg", "agenda-version")


def quotas(event_id: str) -> str:
    """Hash delegation -> maximum number of delegates."""
    return meeting(event_id, "reg", "quotas")


def delegation(event_id: str, name: str) -> str:
    """Set of delegate ids of one delegation."""
    return meeting(event_id, "reg", "delegation", name)


def rooms(event_id: str) -> str:
    """Hash room id -> JSON room (name, fire-safety capacity), copied from the agenda."""
    return meeting(event_id, "reg", "rooms")


def focal_points(event_id: str) -> str:
    """Hash delegation -> delegate id of its focal point (who may list its members)."""
    return meeting(event_id, "reg", "focal")


def seen(event_id: str, delegate_id: str) -> str:
    """Hash session -> sequence a delegate last saw on their page ('version' -> agenda version)."""
    return meeting(event_id, "reg", "seen", delegate_id)
