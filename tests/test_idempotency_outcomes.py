"""An Idempotency-Key remembers outcomes, not "try again later" answers."""

from __future__ import annotations

from flask import jsonify

from shared import idempotency
from shared.auth import public
from shared.web import create_base_app


def test_a_rate_limited_answer_is_not_replayed_to_the_retry(redis_url, meeting_id):
    app, _api = create_base_app("podium.testidem", "test", {"REDIS_URL": redis_url})
    idempotency.init_app(app, "testidem")
    calls = []

    @public
    def write(event):
        calls.append(event)
        if len(calls) == 1:
            return jsonify(reason="rate_limited"), 429, {"Retry-After": "1"}
        return jsonify(done=True), 201

    app.add_url_rule("/api/v1/events/<event>/thing", "thing", write, methods=["POST"])
    client = app.test_client()
    headers = {"Idempotency-Key": f"k-{meeting_id}"}
    first = client.post(f"/api/v1/events/{meeting_id}/thing", json={"a": 1}, headers=headers)
    assert first.status_code == 429
    retry = client.post(f"/api/v1/events/{meeting_id}/thing", json={"a": 1}, headers=headers)
    assert retry.status_code == 201 and retry.get_json() == {"done": True}
    again = client.post(f"/api/v1/events/{meeting_id}/thing", json={"a": 1}, headers=headers)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert len(calls) == 2
