"""The permission matrix: every route of every service x every kind of caller, against
tests/permissions_table.py, over real HTTP. A route missing from the table fails the test."""

from __future__ import annotations

import re

import pytest

from conftest import wait_until
from shared.auth import create_token, delegate_token
from shared.config import DEV_SECRET
from tests import flows
from tests.permissions_table import ALLOW, CALLERS, OWNER_OR_ORGANISER, TABLE

# Refusals made by the access rules (shared/auth.py), as opposed to answers about the input.
DENIALS = {"unauthenticated", "invalid_token", "forbidden_role", "wrong_event",
           "no_access_rule"}
SAMPLE = {"session_id": "opening", "room_id": "honor", "number": "1", "notice_id": "none",
          "filename": "none.txt", "name": "Panama", "kid": "none", "device_id": "none"}


def _routes(service: str) -> set[tuple[str, str]]:
    module = __import__(f"services.{service}.app", fromlist=["create_app"])
    app = module.create_app({"REDIS_URL": "redis://127.0.0.1:1/0", "LOG_LEVEL": "CRITICAL"})
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


@pytest.mark.parametrize("service", sorted(TABLE))
def test_every_route_is_in_the_table(service):
    missing = _routes(service) - set(TABLE[service])
    assert not missing, f"add these routes to tests/permissions_table.py: {sorted(missing)}"
    gone = set(TABLE[service]) - _routes(service)
    assert not gone, f"routes in the table that no longer exist: {sorted(gone)}"


@pytest.fixture(scope="module")
def cast(suite, r, smtp_server):
    """A published meeting, two of its delegates, and a token for each kind of caller."""
    event = "perm-meeting"
    org = create_token(r, event, "organiser")
    if not r.exists(f"podium:{{{event}}}:bus"):
        flows.create_meeting(suite["agenda"], org, event)
        flows.publish(suite["agenda"], org, event)
    ids = []
    for name in ("owner", "other"):
        resp = wait_until(lambda n=name: (lambda x: x if x.status_code != 404 else None)(
            suite["registration"].post(f"/api/v1/events/{event}/delegates", org, json={
                "name": n, "email": f"{n}@perm.example.org", "delegation": "Panama",
                "category": "member_country"})))
        ids.append(resp.json()["id"])
    tokens = {"anonymous": None, "organiser": org,
              "other_organiser": create_token(r, "perm-other", "organiser"),
              "gatekeeper": create_token(r, event, "gatekeeper", subject="door-1"),
              "delegate": delegate_token(DEV_SECRET, event, ids[0]),
              "other_delegate": delegate_token(DEV_SECRET, event, ids[1])}
    return {"event": event, "owner": ids[0], "tokens": tokens}


def _path(rule: str, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule)


def _cases():
    for service, routes in sorted(TABLE.items()):
        for (method, rule), expected in sorted(routes.items()):
            for caller in CALLERS:
                yield pytest.param(service, method, rule, caller, expected[caller],
                                   id=f"{service}-{method}-{rule}-{caller}")


@pytest.mark.parametrize("service, method, rule, caller, expected", list(_cases()))
def test_permission(suite, cast, service, method, rule, caller, expected):
    values = {**SAMPLE, "event": cast["event"], "delegate_id": cast["owner"]}
    token = cast["tokens"][caller]
    # No body: the access rule is checked before the body is read, so an allowed caller
    # mostly gets an answer about the missing input (a bodiless DELETE may really delete:
    # the meeting is this module's own).
    resp = suite[service].request(method, _path(rule, values), token)
    body = resp.json() if resp.content and "json" in resp.headers.get("Content-Type", "") \
        else {}
    reason = body.get("reason") if isinstance(body, dict) else None
    if expected == ALLOW:
        assert reason not in DENIALS and resp.status_code not in (401, 403), resp.text
        if "<delegate_id>" in rule:
            assert not (resp.status_code == 404 and reason == "not_found"), resp.text
    else:
        assert resp.status_code == expected, resp.text


@pytest.mark.parametrize("rule", [r for (m, r), who in TABLE["registration"].items()
                                  if m == "GET" and who == OWNER_OR_ORGANISER])
def test_a_guessed_delegate_id_leaks_nothing(suite, cast, rule):
    """Another delegate's id and an id that does not exist get the very same answer."""
    other = cast["tokens"]["other_delegate"]
    answers = []
    for did in (cast["owner"], "d0000000000000000"):
        resp = suite["registration"].get(_path(rule, {**SAMPLE, "event": cast["event"],
                                                      "delegate_id": did}), other)
        body = resp.json()
        body.pop("request_id", None)
        answers.append((resp.status_code, body))
    assert answers[0] == answers[1] and answers[0][0] == 404
