"""Redis keys owned by the agenda service (all under the meeting's hash tag)."""

from shared.keys import meeting


def event(event_id: str) -> str:
    """JSON document describing the meeting."""
    return meeting(event_id, "agenda", "event")


def rooms(event_id: str) -> str:
    """Hash room id -> JSON room."""
    return meeting(event_id, "agenda", "rooms")


def draft(event_id: str) -> str:
    """Hash session id -> JSON session: the organisers' working copy."""
    return meeting(event_id, "agenda", "draft")


def draft_rev(event_id: str) -> str:
    """Counter bumped by every draft write (the draft's ETag)."""
    return meeting(event_id, "agenda", "draft-rev")


def published(event_id: str) -> str:
    """Number of the current published version."""
    return meeting(event_id, "agenda", "published")


def published_stamp(event_id: str) -> str:
    """Stamp of the current published version (cache key and ETag base for readers)."""
    return meeting(event_id, "agenda", "published-stamp")


def published_channel() -> str:
    """Pub/sub channel: the id of each meeting just published (readers drop its stamp)."""
    return "podium:agenda:published"


def version(event_id: str, number: int) -> str:
    """JSON snapshot of one published version with its changelog."""
    return meeting(event_id, "agenda", "version", str(number))


def import_report(event_id: str) -> str:
    """JSON report of the last import into the draft."""
    return meeting(event_id, "agenda", "import-report")
