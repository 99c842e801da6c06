"""Delegations: quota never exceeded under concurrency; focal points see their members."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from services.registration import keys
from services.registration.tests.helpers import (
    API,
    delegate_body,
    publish_copy,
    register,
    session,
    token_for,
)


def test_quota_is_never_exceeded_by_concurrent_registrations(registration, r, meeting_id,
                                                              make_token):
    publish_copy(r, meeting_id, [session("a")])
    org = make_token(meeting_id)
    resp = registration.put(f"{API}{meeting_id}/delegations/Mexico", org, json={"quota": 5})
    assert resp.status_code == 200 and resp.json()["quota"] == 5

    # Invariant: the register script counts members and adds one in the same atomic step,
    # so however many arrive at once, a delegation never has more members than its quota.
    def attempt(i):
        return requests.post(f"{registration.url}{API}{meeting_id}/delegates", timeout=30,
                             json=delegate_body(f"m{i}@example.org", delegation="Mexico"))

    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(attempt, range(60)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * 5 + [409] * 55
    assert {a.json()["reason"] for a in answers if a.status_code == 409} == {"delegation_full"}
    assert r.scard(keys.delegation(meeting_id, "Mexico")) == 5
    # Other delegations are not limited by it.
    register(registration, meeting_id, "g@example.org", delegation="Guatemala")


def test_focal_point_lists_members_of_their_delegation_only(registration, r, meeting_id,
                                                            make_token):
    publish_copy(r, meeting_id, [session("a")])
    org = make_token(meeting_id)
    focal = register(registration, meeting_id, "f@example.org", delegation="El Salvador")
    member = register(registration, meeting_id, "m@example.org", delegation="El Salvador")
    other = register(registration, meeting_id, "o@example.org", delegation="Honduras")
    path = f"{API}{meeting_id}/delegations/El Salvador"
    resp = registration.put(path, org, json={"focal_point": other["id"]})
    assert resp.status_code == 422 and resp.json()["reason"] == "not_a_member"
    resp = registration.put(path, org, json={"focal_point": focal["id"], "quota": 10})
    assert resp.json() == {"name": "El Salvador", "quota": 10, "focal_point": focal["id"],
                           "members": 2}
    resp = registration.get(path + "/members", token_for(registration, focal["id"], meeting_id))
    assert resp.status_code == 200
    assert sorted(m["email"] for m in resp.json()) == ["f@example.org", "m@example.org"]
    for token in (token_for(registration, member["id"], meeting_id),
                  token_for(registration, other["id"], meeting_id)):
        assert registration.get(path + "/members", token).status_code == 404
    own = f"{API}{meeting_id}/delegations/Honduras/members"
    assert registration.get(own, token_for(registration, focal["id"], meeting_id)
                            ).status_code == 404
    assert registration.get(path + "/members", org).status_code == 200
    assert registration.put(path, token_for(registration, focal["id"], meeting_id),
                            json={"quota": 99}).status_code == 403
