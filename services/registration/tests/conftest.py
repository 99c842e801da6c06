"""Fixtures shared by the registration service's door and badge tests."""

from __future__ import annotations

import pytest

from services.registration.tests import gate_support as gs


@pytest.fixture
def meeting(agenda, registration, registration_consumer, r, meeting_id, make_token):
    """A one-day meeting happening now (gate_support's rooms and sessions), published, with
    registration's copy of it in place; (meeting id, organiser token)."""
    org = make_token(meeting_id)
    gs.create_meeting(agenda, r, org, meeting_id)
    return meeting_id, org
