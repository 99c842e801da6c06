"""The shared core as every service exposes it: errors, access rules, docs, health, config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis as redis_lib

from shared import auth
from shared.config import DEV_SECRET, ConfigError

SERVICES = ("agenda", "registration", "notify")


@pytest.fixture(params=SERVICES)
def service(request, suite_env):
    """Each service, live over HTTP."""
    return request.getfixturevalue(request.param)


def _app_factory(name):
    module = __import__(f"services.{name}.app", fromlist=["create_app"])
    return module.create_app


def test_every_route_declares_who_may_call_it(suite_env):
    for name in SERVICES:
        app = _app_factory(name)({"REDIS_URL": suite_env["REDIS_URL"]})
        for rule in app.url_map.iter_rules():
            for method in rule.methods - {"OPTIONS"}:
                declared = auth.rule_for(app, rule.endpoint, method)
                assert declared, f"{name}: {method} {rule.rule} has no access rule"


def test_a_route_without_a_rule_is_refused(suite_env):
    app = _app_factory("agenda")({"REDIS_URL": suite_env["REDIS_URL"]})
    app.add_url_rule("/api/v1/forgotten", "forgotten", lambda: "secret data")
    resp = app.test_client().get("/api/v1/forgotten")
    assert resp.status_code == 403
    assert resp.get_json()["reason"] == "no_access_rule"
    assert b"secret data" not in resp.data


def test_health_ready_and_openapi(service):
    assert service.get("/health").json()["status"] == "ok"
    assert service.get("/ready").json()["status"] == "ready"
    spec = service.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in spec["paths"])
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    docs = service.get("/docs")
    assert docs.status_code == 200
    # Swagger UI's files come from the service itself (no internet needed), and the page's
    # policy allows nothing from elsewhere.
    assert "/docs/ui/swagger-ui-bundle.js" in docs.text
    assert "http" not in docs.headers["Content-Security-Policy"]
    assert "base-uri 'none'" in docs.headers["Content-Security-Policy"]
    for asset, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "css")):
        resp = service.get(f"/docs/ui/{asset}")
        assert resp.status_code == 200 and kind in resp.headers["Content-Type"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert len(resp.content) > 10_000


def _problem(resp, status, reason):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.json()
    assert {"type", "title", "status", "detail", "reason"} <= body.keys()
    assert body["status"] == status and body["reason"] == reason
    return body


def test_bad_requests_get_one_clear_error_shape(agenda, make_token, meeting_id):
    org = make_token(meeting_id)
    path = f"/api/v1/events/{meeting_id}"
    good = {"title": "M", "timezone": "America/El_Salvador", "first_day": "2030-01-01",
            "last_day": "2030-01-02"}
    assert agenda.put(path, org, json=good).status_code == 200

    _problem(agenda.put(path, org, data="{not json", headers={
        "Content-Type": "application/json"}), 400, "bad_request")
    _problem(agenda.put(path, org, data="title=x", headers={
        "Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported_media_type")
    body = _problem(agenda.put(path, org, json={**good, "owner": "me"}), 422, "invalid_input")
    assert "owner" in body["errors"]
    # The detail says where and what, not only which top-level field.
    assert body["detail"] == "The request has invalid or unknown fields: owner: Unknown field."
    body = _problem(agenda.put(path, org, json={**good, "first_day": 5}), 422, "invalid_input")
    assert "first_day" in body["errors"] and "first_day: Not a valid date." in body["detail"]
    _problem(agenda.put(path, org, json={**good, "title": "x" * 2_000_000}), 413,
             "body_too_large")
    _problem(agenda.put(path, org, json=[good]), 422, "invalid_input")
    body = _problem(agenda.put(path, org, json={**good, "morning": "13:00-09:00"}), 422,
                    "invalid_input")
    assert "morning" in body["errors"]

    def chunks():  # no Content-Length: the limit must still hold while reading
        yield b'{"title": "'
        for _ in range(300):
            yield b"x" * 10_000
        yield b'"}'

    # gunicorn reads chunked bodies and stops at the cap (413); this test's development
    # server cannot read them at all (400). Either way: refused, nothing stored.
    resp = agenda.put(path, org, data=chunks(), headers={"Content-Type": "application/json"})
    assert resp.status_code in (400, 413) and resp.headers["Content-Type"].endswith(
        "problem+json")
    _problem(agenda.get("/api/v1/nowhere"), 404, "not_found")
    _problem(agenda.request("PATCH", path, org, json=good), 405, "method_not_allowed")
    # None of it changed what was stored.
    assert agenda.get(path).json()["title"] == "M"


def test_tokens_are_checked_for_role_and_meeting(agenda, make_token, meeting_id):
    path = f"/api/v1/events/{meeting_id}"
    body = {"title": "M", "timezone": "UTC", "first_day": "2030-01-01", "last_day": "2030-01-01"}
    _problem(agenda.put(path, json=body), 401, "unauthenticated")
    _problem(agenda.put(path, "pod_forged", json=body), 401, "invalid_token")
    _problem(agenda.put(path, make_token(meeting_id, "gatekeeper"), json=body), 403,
             "forbidden_role")
    _problem(agenda.put(path, make_token("another-meeting"), json=body), 403, "wrong_event")
    assert agenda.put(path, make_token(meeting_id), json=body).status_code == 200


def test_token_cli_shows_the_secret_once_and_stores_only_its_hash(suite_env, r):
    out = subprocess.run([str(Path(sys.executable).parent / "podium"), "token", "create",
                          "--event", "cli-meeting", "--role", "organiser"], env=suite_env,
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out.startswith("pod_")
    assert r.exists(f"podium:token:{auth.hash_secret(out)}")
    assert not any(out in str(v) for k in r.scan_iter("podium:token:*") for v in r.hvals(k))


def test_production_refuses_the_development_secret(suite_env):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        _app_factory("agenda")({"REDIS_URL": suite_env["REDIS_URL"], "PODIUM_ENV": "production",
                                "SECRET_KEY": DEV_SECRET})


def test_startup_refuses_a_redis_that_evicts(tmp_path):
    from podium import redisserver

    port = redisserver.free_port()
    proc = redisserver.start(tmp_path, port, appendonly=False)
    try:
        redis_lib.Redis(port=port).config_set("maxmemory-policy", "allkeys-lru")
        with pytest.raises(ConfigError, match="noeviction"):
            _app_factory("registration")({"REDIS_URL": f"redis://127.0.0.1:{port}/0"})
    finally:
        proc.terminate()
        proc.wait(10)


def test_redis_away_means_503_not_500(tmp_path, make_token):
    from podium import redisserver

    port = redisserver.free_port()
    proc = redisserver.start(tmp_path, port, appendonly=False)
    app = _app_factory("agenda")({"REDIS_URL": f"redis://127.0.0.1:{port}/0"})
    client = app.test_client()
    assert client.get("/ready").status_code == 200
    proc.kill()
    proc.wait(10)
    resp = client.get("/api/v1/events/whatever/agenda")
    assert resp.status_code == 503 and resp.get_json()["reason"] == "store_unavailable"
    assert client.get("/ready").status_code == 503
    # It comes back by itself when Redis does.
    proc = redisserver.start(tmp_path, port, appendonly=False)
    try:
        assert client.get("/ready").status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_request_id_travels_from_http_to_the_bus(agenda, r, make_token, meeting_id):
    org = make_token(meeting_id)
    resp = agenda.put(f"/api/v1/events/{meeting_id}", org, headers={"X-Request-Id": "req-42"},
                      json={"title": "M", "timezone": "UTC", "first_day": "2030-01-01",
                            "last_day": "2030-01-01"})
    assert resp.headers["X-Request-Id"] == "req-42"
    (_id, fields), = r.xrange(f"podium:{{{meeting_id}}}:bus")
    assert fields["type"] == "agenda.event.updated" and fields["request_id"] == "req-42"


def test_organiser_tokens_are_refused_in_urls(agenda, make_token, meeting_id):
    org = make_token(meeting_id)
    body = {"title": "M", "timezone": "UTC", "first_day": "2030-01-01", "last_day": "2030-01-01"}
    resp = agenda.put(f"/api/v1/events/{meeting_id}?token={org}", json=body)
    _problem(resp, 401, "token_in_url")
    assert agenda.put(f"/api/v1/events/{meeting_id}", org, json=body).status_code == 200


def test_an_expired_personal_link_is_refused_even_after_it_was_used(r, suite_env):
    import time as clock

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    secret = "s3cret"
    fresh = auth.delegate_token(secret, "m1", "d1")
    assert auth.resolve(r, secret, fresh) == auth.Principal("delegate", "m1", "d1")
    forged = auth.delegate_token("another secret", "m1", "d1")
    assert auth.resolve(r, secret, forged) is None, "a token signed by someone else is refused"

    class Then(TimestampSigner):  # signs as if longer ago than personal links live
        def get_timestamp(self):
            return int(clock.time()) - auth.DELEGATE_TOKEN_MAX_AGE - 60

    old = URLSafeTimedSerializer(secret, salt="podium-delegate-access", signer=Then).dumps(
        {"e": "m1", "d": "d1"})
    assert auth.resolve(r, secret, old) is None
    assert auth.resolve(r, secret, old) is None, "and still refused from the cache"
