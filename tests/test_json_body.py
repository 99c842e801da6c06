"""``shared.web.json_body`` reads hot-path bodies without webargs: it must answer exactly as
``blp.arguments`` does, for bodies it accepts and, above all, for every body it refuses.

Two routes with the same schema, one behind each decorator, on an app built like every
service's; every body is sent to both and the answers compared (status and problem document,
field errors and wording included). The OpenAPI record must be the same too.
"""

from __future__ import annotations

import io
import json

import marshmallow as ma
import pytest
from flask.views import MethodView
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import fields, validate

from shared.auth import public
from shared.web import api_blueprint, create_base_app, json_body


class Strict(ma.Schema):
    session = fields.String(required=True, validate=validate.Length(1, 100))
    note = fields.String(load_default="")
    seats = fields.Integer(validate=validate.Range(1, 10))


_SCHEMA = Strict()


def _app(name: str, config: dict):
    """An app built like every service's, one route behind each decorator, same schema."""
    app, api = create_base_app(f"podium.{name}", "json_body test", config)
    blp = api_blueprint(name, __name__, "json_body test")

    @blp.route("/webargs/<thing>")
    class ByWebargs(MethodView):
        @public
        @blp.arguments(_SCHEMA)
        @blp.response(200)
        def post(self, data, thing):
            return {"thing": thing, "data": data}

    @blp.route("/fast/<thing>")
    class ByJsonBody(MethodView):
        @public
        @json_body(blp, _SCHEMA)
        @blp.response(200)
        def post(self, data, thing):
            return {"thing": thing, "data": data}

    api.register_blueprint(blp)
    app.testing = True
    return app


@pytest.fixture(scope="module")
def client(redis_url):
    with _app("jb", {"REDIS_URL": redis_url}).test_client() as c:
        yield c


def _both(client, **request):
    answers = []
    for route in ("webargs", "fast"):
        resp = client.post(f"/api/v1/{route}/x", **request)
        body = resp.get_json(silent=True)
        if isinstance(body, dict):
            body.pop("request_id", None)
        answers.append((resp.status_code, resp.mimetype, body))
    return answers


CASES = [
    {"json": {"session": "a"}},
    {"json": {"session": "a", "note": "n", "seats": 3}},
    {"json": {"session": "a", "status": "confirmed"}},  # unknown field
    {"json": {"session": "a", "capacity": 99, "accredited": True}},
    {"json": {}},
    {"json": {"session": ""}},
    {"json": {"session": 5}},
    {"json": {"session": "a", "seats": 11}},
    {"json": {"session": None}},
    {"json": []},
    {"json": ["session", "a"]},
    {"json": "a"},
    {"json": 1},
    {"json": None},
    {"data": "not json", "content_type": "application/json"},
    {"data": '{"session": "a",}', "content_type": "application/json"},
    {"data": '{"session": "a"}', "content_type": "application/merge-patch+json"},
    {"data": "session=a", "content_type": "application/x-www-form-urlencoded"},
    {"data": '{"session": "a"}', "content_type": "text/plain"},
    {},
]


@pytest.mark.parametrize("request_", CASES, ids=[json.dumps(c)[:60] for c in CASES])
def test_every_answer_is_the_one_webargs_gives(client, request_):
    by_webargs, by_json_body = _both(client, **request_)
    assert by_json_body == by_webargs


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=6)
bodies = st.fixed_dictionaries({}, optional={
    "session": json_values | st.text(max_size=120), "note": json_values,
    "seats": json_values | st.integers(-2, 12)}) | st.dictionaries(st.text(max_size=8),
                                                                   json_values, max_size=4)


@settings(max_examples=200, deadline=None)
@given(body=bodies)
def test_any_json_object_gets_the_same_answer(client, body):
    by_webargs, by_json_body = _both(client, json=body)
    assert by_json_body == by_webargs


def test_the_openapi_record_is_smorest_s_own(client):
    spec = client.get("/openapi.json").get_json()
    fast = spec["paths"]["/api/v1/fast/{thing}"]["post"]
    slow = spec["paths"]["/api/v1/webargs/{thing}"]["post"]
    assert fast["requestBody"] == slow["requestBody"]
    assert fast["responses"] == slow["responses"]


@settings(max_examples=500, deadline=None)
@given(body=st.dictionaries(st.sampled_from(["session", "Session", "status", "capacity", ""]),
                            json_values | st.text(max_size=110), max_size=3)
       | st.fixed_dictionaries({"session": st.text(min_size=0, max_size=105)}))
def test_the_sign_up_s_plain_check_loads_only_what_its_schema_loads(body):
    """``plain_signup`` (the sign-up rush's shortcut) must load exactly what SignupSchema
    loads, or pass: it may never accept a body the schema refuses."""
    from services.registration.schemas import SignupSchema, plain_signup

    try:
        expected = SignupSchema().load(body)
    except ma.ValidationError:
        expected = None
    loaded = plain_signup(body)
    if loaded is not None:
        assert loaded == expected
    if list(body) == ["session"] and expected is not None:
        assert loaded == expected, "the usual body takes the shortcut"


@pytest.mark.parametrize("raw", [
    '{"session": "a"}'.encode("utf-16"), '{"session": "a"}'.encode("utf-32-le"),
    b'\xef\xbb\xbf{"session": "a"}',  # a UTF-8 byte-order mark
], ids=["utf-16", "utf-32", "utf-8-bom"])
def test_json_in_another_encoding_is_refused_as_webargs_refuses_it(client, raw):
    # json.loads of bytes would guess these encodings; webargs reads UTF-8 only (400).
    by_webargs, by_json_body = _both(client, data=raw, content_type="application/json")
    assert by_webargs[0] == 400
    assert by_json_body == by_webargs


def _chunked(client, route: str, raw: bytes):
    # As gunicorn hands a chunked body over: no Content-Length, the input terminated.
    return client.post(f"/api/v1/{route}/x", input_stream=io.BytesIO(raw),
                       headers={"Transfer-Encoding": "chunked",
                                "Content-Type": "application/json"},
                       environ_overrides={"wsgi.input_terminated": True})


def test_a_chunked_body_past_the_limit_is_refused_not_cut_short(client):
    # Its first MAX_JSON_BYTES bytes are valid JSON: cut there, it used to be accepted.
    limit = client.application.config["MAX_JSON_BYTES"]
    raw = b'{"session": "a"}' + b" " * (limit - 16) + b"GARBAGE" * 1000
    for route in ("webargs", "fast"):
        resp = _chunked(client, route, raw)
        assert resp.status_code == 413, (route, resp.get_data()[:200])
        assert resp.get_json()["reason"] == "body_too_large"
    for route in ("webargs", "fast"):  # within the limit, a chunked body is read whole
        resp = _chunked(client, route, b'{"session": "a", "note": "' + b"n" * 1000 + b'"}')
        assert resp.status_code == 200, resp.get_data()[:200]
        assert resp.get_json()["data"]["note"] == "n" * 1000


def test_a_chunked_upload_past_the_limit_is_refused_not_cut_short(redis_url):
    # The same for non-JSON bodies a route accepts (a CSV of delegates): cut at the limit,
    # its first rows used to be read as the whole file.
    from shared.web import accepts

    app, _api = create_base_app("podium.uploadtest", "upload test",
                                {"REDIS_URL": redis_url, "MAX_CONTENT_LENGTH": 1000})

    @public
    @accepts("text/csv")
    def upload():
        from flask import request

        return {"received": len(request.get_data())}

    app.add_url_rule("/upload", "upload", upload, methods=["POST"])
    client = app.test_client()

    def send(raw: bytes):
        return client.post("/upload", input_stream=io.BytesIO(raw),
                           headers={"Transfer-Encoding": "chunked", "Content-Type": "text/csv"},
                           environ_overrides={"wsgi.input_terminated": True})

    resp = send(b"name,email\n" + b"ana,ana@example.org\n" * 100)
    assert resp.status_code == 413 and resp.get_json()["reason"] == "body_too_large"
    resp = send(b"name,email\n" + b"ana,ana@example.org\n" * 10)
    assert resp.status_code == 200 and resp.get_json() == {"received": 211}
    resp = client.post("/upload", data=b"x" * 1001, content_type="text/csv")
    assert resp.status_code == 413 and resp.get_json()["reason"] == "body_too_large"


def test_json_past_a_lowered_cap_on_any_body_is_refused(redis_url):
    # An operator who sets MAX_CONTENT_LENGTH (any body) below MAX_JSON_BYTES: JSON bodies
    # are held to the lower of the two, as werkzeug's cap on any body held them before.
    client = _app("sb", {"REDIS_URL": redis_url, "MAX_CONTENT_LENGTH": 1000}).test_client()
    resp = client.post("/api/v1/fast/x", json={"session": "a", "note": "n" * 1500})
    assert resp.status_code == 413 and resp.get_json()["reason"] == "body_too_large"
    assert resp.get_json()["detail"] == "JSON bodies are limited to 1000 bytes."
    resp = client.post("/api/v1/fast/x", json={"session": "a", "note": "n" * 900})
    assert resp.status_code == 200 and resp.get_json()["data"]["note"] == "n" * 900
