"""Schemathesis against each service's OpenAPI document, with a valid token for each role.

Every generated request (valid and invalid) is sent over real HTTP as anonymous, organiser
of the meeting, gatekeeper and the delegate who owns the path; all of schemathesis's checks
run on each answer: no 5xx, no answer that breaks the documented schema, status or type.
Paths point at a prepared, published meeting so the fuzzer reaches past the 404s.

One check is left out: ``positive_data_acceptance`` (a schema-valid body must be accepted).
Our schemas cannot state every rule the services keep (a real IANA time zone, a last day
after the first, a room that exists, a session that does not clash), and such a body is
rightly refused with a 422 in the problem format; every other check runs.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, positive_data_acceptance

from tests import flows

EXAMPLES = 6  # x 4 callers x every operation: keeps each service well under a minute
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def world(suite, r, smtp_server):
    """A published meeting with one registered delegate, and a token for each role."""
    from shared.auth import create_token

    box, _port = smtp_server
    event = "fuzz-meeting"
    org = create_token(r, event, "organiser")
    if not r.exists(f"podium:{{{event}}}:bus"):
        flows.create_meeting(suite["agenda"], org, event)
        flows.publish(suite["agenda"], org, event)
    did, delegate = flows.register(suite["registration"], box, event, "fuzz@example.org")
    tokens = {"anonymous": None, "organiser": org, "delegate": delegate,
              "gatekeeper": create_token(r, event, "gatekeeper", subject="door-1")}
    return {"event": event, "delegate_id": did, "tokens": tokens}


# Known gap, reported: these answer calendars, images or XML, and their OpenAPI entries do
# not document those media types yet, so content-type conformance is not checked on them
# (every other check, including "no 5xx", still is). Remove an entry once it is documented.
UNDOCUMENTED_MEDIA = (".ics", ".svg", ".png", ".xml", "/badges/print")


def _run(case, world) -> None:
    excluded = [positive_data_acceptance]
    if case.operation.path.endswith(UNDOCUMENTED_MEDIA):
        excluded.append(content_type_conformance)
    params = case.path_parameters or {}
    if "event" in params:
        params["event"] = world["event"]
    if "delegate_id" in params:
        params["delegate_id"] = world["delegate_id"]
    for token in world["tokens"].values():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        case.call_and_validate(headers=headers, timeout=30,
                               excluded_checks=excluded)


@pytest.mark.parametrize("service", ["agenda", "registration", "notify"])
def test_fuzz_api(service, suite, world):
    schema = schemathesis.openapi.from_url(suite[service].url + "/openapi.json")
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @SETTINGS
        def fuzz(case):
            _run(case, world)

        fuzz()
