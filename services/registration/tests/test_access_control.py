"""A delegate's token reaches only that delegate: every route of the service is tried."""

from __future__ import annotations

from services.registration import keys
from services.registration.tests.helpers import (
    API,
    delegate_body,
    publish_copy,
    register,
    session,
    token_for,
)

BODIES = {"POST": {"session": "a"}, "PATCH": {"name": "Mallory"}, "PUT": {"quota": 1}}
PUBLIC = {("/api/v1/events/<event>/delegates", "POST"),
          ("/api/v1/events/<event>/access-link", "POST")}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


def test_a_delegate_token_cannot_touch_another_delegate_on_any_route(registration, r,
                                                                     meeting_id, make_token):
    publish_copy(r, meeting_id, [session("a")])
    org = make_token(meeting_id)
    ana = register(registration, meeting_id, "ana@example.org", delegation="Mexico")
    eve = register(registration, meeting_id, "eve@example.org", delegation="Mexico")
    registration.put(f"{API}{meeting_id}/delegations/Mexico", org,
                     json={"focal_point": ana["id"]})
    registration.post(f"{API}{meeting_id}/delegates/{ana['id']}/sessions",
                      token_for(registration, ana["id"], meeting_id), json={"session": "a"})
    eve_token = token_for(registration, eve["id"], meeting_id)
    before = {k: r.dump(k) for k in r.scan_iter(f"podium:{{{meeting_id}}}:reg:*")}
    tried = []
    for rule, method in _routes(registration.app):
        if (rule, method) in PUBLIC:
            continue
        path = (rule.replace("<event>", meeting_id).replace("<delegate_id>", ana["id"])
                .replace("<session_id>", "a").replace("<name>", "Mexico"))
        resp = registration.request(method, path, eve_token, json=BODIES.get(method))
        tried.append((rule, method))
        assert resp.status_code in (403, 404), (rule, method, resp.status_code, resp.text)
        assert "ana@example.org" not in resp.text
    assert len(tried) >= 12
    # Nothing of Ana's changed.
    assert {k: r.dump(k) for k in r.scan_iter(f"podium:{{{meeting_id}}}:reg:*")} == before
    # Registering Ana's address again reveals nothing new and changes nothing.
    resp = registration.post(f"{API}{meeting_id}/delegates", eve_token,
                             json=delegate_body("ana@example.org", name="Mallory"))
    assert resp.status_code == 409 and "Mallory" not in r.hget(
        keys.delegate(meeting_id, ana["id"]), "name")


def test_a_token_of_another_meeting_or_a_forged_one_is_refused(registration, r, meeting_id):
    publish_copy(r, meeting_id, [session("a")])
    ana = register(registration, meeting_id, "ana@example.org")
    other = token_for(registration, ana["id"], meeting_id + "x")
    path = f"{API}{meeting_id}/delegates/{ana['id']}"
    assert registration.get(path, other).status_code == 403
    assert registration.get(path, token_for(registration, ana["id"], meeting_id)[:-2] + "xx"
                            ).status_code == 401
