"""Factories for notify's tests."""

from __future__ import annotations

import pytest

from conftest import wait_until
from shared import bus


@pytest.fixture
def emit(r):
    """Write a registration event to the bus as the registration service does.

    Only for what the registration API cannot produce: hundreds of delegates known to notify
    without a welcome e-mail each (the fault tests), and input registration refuses (a name
    with CR/LF, to test notify's own header defence). Everything else in these tests comes
    from the real registration flows; downstream runs for real either way.
    """

    def add(event_id: str, etype: str, data: dict) -> None:
        bus.register_meeting(r, event_id)
        with r.pipeline(transaction=True) as pipe:
            bus.add(pipe, event_id, etype, data)
            pipe.execute()

    return add


@pytest.fixture
def make_delegate(emit):
    """A delegate known to notify: ``delegate.registered`` (with its e-mail) on the bus, or
    ``delegate.updated`` with ``welcome=False`` for bulk fixtures."""

    def make(event_id: str, did: str, *, language: str = "en", delegation: str = "Honduras",
             category: str = "member_country", name: str | None = None,
             welcome: bool = True) -> dict:
        delegate = {"id": did, "name": name or f"Delegate {did}",
                    "email": f"{did}.{event_id}@example.org", "delegation": delegation,
                    "category": category, "language": language, "accreditation": "pending",
                    "registered_at": bus.now_iso()}
        if welcome:
            emit(event_id, "registration.delegate.registered",
                 {"delegate": delegate, "access_link": f"http://x/events/{event_id}/me?t=1"})
        else:  # known to notify without a registration e-mail (bulk fixtures)
            emit(event_id, "registration.delegate.updated", {"delegate": delegate})
        return delegate

    return make


def notice_settled(notify, token, event_id, nid, expected: int):
    """Wait until every recipient of a notice is final; return the notice."""
    def done():
        resp = notify.get(f"/api/v1/events/{event_id}/notices/{nid}", token)
        if resp.status_code != 200:
            return None
        body = resp.json()
        final = body["counts"].get("sent", 0) + body["counts"].get("failed", 0)
        return body if final == expected == body["recipients_count"] else None

    return wait_until(done, timeout=60)
