"""Redis keys owned by the notify service (all under the meeting's hash tag)."""

from shared.keys import PREFIX, meeting


def recipient(event_id: str, delegate_id: str) -> str:
    """Hash: what notify knows of a delegate (name, e-mail, language), from the bus."""
    return meeting(event_id, "notify", "recipient", delegate_id)


def participants(event_id: str, session_id: str) -> str:
    """Hash delegate -> confirmed|waitlisted, from the registration events."""
    return meeting(event_id, "notify", "participants", session_id)


def notice(event_id: str, notice_id: str) -> str:
    """JSON notice: kind, subject, per-recipient content."""
    return meeting(event_id, "notify", "notice", notice_id)


def notices(event_id: str) -> str:
    """Sorted set of notice ids by creation time."""
    return meeting(event_id, "notify", "notices")


def deliveries(event_id: str, notice_id: str) -> str:
    """Hash delegate -> JSON delivery status (queued, sent, retrying, failed)."""
    return meeting(event_id, "notify", "deliveries", notice_id)


def sending(event_id: str, notice_id: str, delegate_id: str) -> str:
    """Short-lived claim on one (notice, recipient): only one worker sends it."""
    return meeting(event_id, "notify", "sending", notice_id, delegate_id)


def outbox(event_id: str, delegate_id: str) -> str:
    """List of notice ids a delegate was sent."""
    return meeting(event_id, "notify", "outbox", delegate_id)


def dead_letters(event_id: str) -> str:
    """Hash 'notice:delegate' -> JSON of deliveries that gave up after retries."""
    return meeting(event_id, "notify", "dead")


def event(event_id: str) -> str:
    """JSON copy of the meeting (title, timezone) from the agenda's events."""
    return meeting(event_id, "notify", "event")


def suppressed(event_id: str) -> str:
    """Hash notice -> how many repeated deliveries were recognised and not sent."""
    return meeting(event_id, "notify", "suppressed")


def delegates(event_id: str) -> str:
    """Set of every delegate id notify knows (the 'everybody' audience)."""
    return meeting(event_id, "notify", "delegates")


def delegation(event_id: str, name: str) -> str:
    """Set of the delegate ids of one delegation."""
    return meeting(event_id, "notify", "delegation", name)


def category(event_id: str, name: str) -> str:
    """Set of the delegate ids of one category (member_country, observer, ...)."""
    return meeting(event_id, "notify", "category", name)


def sessions(event_id: str) -> str:
    """Hash session -> JSON (title, times, room) from the last published agenda."""
    return meeting(event_id, "notify", "sessions")


def targets(event_id: str, notice_id: str) -> str:
    """Hash delegate -> key of the notice's payload meant for them (payloads are shared)."""
    return meeting(event_id, "notify", "targets", notice_id)


def open_notices(event_id: str) -> str:
    """Set of notice ids with deliveries not yet final (a restarted worker sweeps these)."""
    return meeting(event_id, "notify", "open")


def payloads(event_id: str, notice_id: str) -> str:
    """Hash payload key -> JSON content shared by the recipients that have that key."""
    return meeting(event_id, "notify", "payloads", notice_id)


def sweep_lock() -> str:
    """Held for one sweep interval by the worker that looks for stranded deliveries."""
    return f"{PREFIX}:notify:sweep"


def warm_reply() -> str:
    """Where the worker answers the consumer's start-up ping (expires in a minute)."""
    return f"{PREFIX}:notify:warm"
