"""Redis keys owned by the notify service (all under the meeting's hash tag)."""

from shared.keys import PREFIX, meeting


def directory(event_id: str) -> str:
    """Hash delegate -> compact record (name, e-mail, language, delegation, category), from
    the bus: one field per delegate (see ``directory``)."""
    return meeting(event_id, "notify", "directory")


def participants(event_id: str, session_id: str) -> str:
    """Hash delegate -> confirmed|waitlisted, from the registration events."""
    return meeting(event_id, "notify", "participants", session_id)


def notice(event_id: str, notice_id: str) -> str:
    """JSON notice of a bulk notice (broadcast, change): kind, subject, version..."""
    return meeting(event_id, "notify", "notice", notice_id)


def notices(event_id: str) -> str:
    """Sorted set of bulk notice ids by creation time (one-recipient notices: ``solo``)."""
    return meeting(event_id, "notify", "notices")


def deliveries(event_id: str, notice_id: str) -> str:
    """Hash delegate -> JSON delivery status (queued, sent, retrying, failed)."""
    return meeting(event_id, "notify", "deliveries", notice_id)


def sending(event_id: str, notice_id: str, delegate_id: str) -> str:
    """Short-lived claim on one (notice, recipient): only one worker sends it."""
    return meeting(event_id, "notify", "sending", notice_id, delegate_id)


def solo(event_id: str) -> str:
    """Hash notice id -> one-recipient notice (registration, link, accreditation, sign-up):
    notice, recipient, payload and delivery record in one JSON (see ``records``)."""
    return meeting(event_id, "notify", "solo")


def outbox(event_id: str, delegate_id: str) -> str:
    """List of notice ids a delegate was sent (all but their registration notice, which is
    found by its id: most delegates need no list)."""
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


def sessions(event_id: str) -> str:
    """Hash session -> JSON (title, times, room) from the last published agenda."""
    return meeting(event_id, "notify", "sessions")


def targets(event_id: str, notice_id: str) -> str:
    """Hash delegate -> key of a bulk notice's payload meant for them (payloads are shared)."""
    return meeting(event_id, "notify", "targets", notice_id)


def open_notices(event_id: str) -> str:
    """Set of notice ids with deliveries not yet final (a restarted worker sweeps these)."""
    return meeting(event_id, "notify", "open")


def payloads(event_id: str, notice_id: str) -> str:
    """Hash payload key -> JSON content shared by the recipients that have that key."""
    return meeting(event_id, "notify", "payloads", notice_id)


def sequence_offsets(event_id: str) -> str:
    """Hash session -> what notify adds to the agenda's SEQUENCE in that session's iMIP
    parts. It only grows (by 2 for each CANCEL notify plans), so a REQUEST sent after a
    CANCEL outranks it (RFC 5546 2.1.5) while agenda changes still raise the number."""
    return meeting(event_id, "notify", "seq")


def sweep_lock() -> str:
    """Held for one sweep interval by the worker that looks for stranded deliveries."""
    return f"{PREFIX}:notify:sweep"


def warm_reply() -> str:
    """Where the worker answers the consumer's start-up ping (expires in a minute)."""
    return f"{PREFIX}:notify:warm"


# The directory's layout before ``directory`` (a hash per delegate and a set per audience):
# read once, by ``directory.adopt_old``, then deleted.
def old_recipient(event_id: str, delegate_id: str) -> str:
    return meeting(event_id, "notify", "recipient", delegate_id)


def old_delegates(event_id: str) -> str:
    return meeting(event_id, "notify", "delegates")


def old_audience(event_id: str, kind: str, name: str) -> str:
    """kind: delegation or category."""
    return meeting(event_id, "notify", kind, name)
