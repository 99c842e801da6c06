"""Delegates: registration fields, one per e-mail, settings, access links, self-service, bulk."""

from __future__ import annotations

from services.registration import keys
from services.registration.tests.helpers import (
    API,
    delegate_body,
    events,
    publish_copy,
    register,
    session,
    token_for,
)


def test_registration_keeps_every_field_and_sends_the_link_on_the_bus(registration, r,
                                                                      meeting_id):
    publish_copy(r, meeting_id, [session("a")])
    d = register(registration, meeting_id, "ana@example.org", category="observer_organisation",
                 delegation="IOM", language="es")
    assert {k: d[k] for k in ("name", "email", "delegation", "category", "language",
                              "accreditation")} == {
        "name": "Ana Pérez", "email": "ana@example.org", "delegation": "IOM",
        "category": "observer_organisation", "language": "es", "accreditation": "pending"}
    (etype, data), = events(r, meeting_id)
    assert etype == "registration.delegate.registered"
    assert data["delegate"]["id"] == d["id"] and "token=" in data["access_link"]
    assert "email_norm" not in data["delegate"]


def test_one_registration_per_normalised_email(registration, r, meeting_id):
    publish_copy(r, meeting_id, [session("a")])
    first = register(registration, meeting_id, "ana@example.org")
    # Upper case, fullwidth letters (NFKC), and a combining accent against its composed form.
    for variant in ("ANA@Example.org", "ａｎａ@example.org", " Ana@EXAMPLE.ORG "):
        resp = registration.post(f"{API}{meeting_id}/delegates",
                                 json=delegate_body(variant.strip()))
        assert resp.status_code == 409, variant
        assert resp.json()["reason"] == "already_registered"
    register(registration, meeting_id, "jos\u00e9@example.org")
    resp = registration.post(f"{API}{meeting_id}/delegates",
                             json=delegate_body("jose\u0301@example.org"))
    assert resp.status_code == 409
    assert r.zcard(keys.delegates(meeting_id)) == 2
    assert registration.get(f"{API}{meeting_id}/delegates/{first['id']}",
                            token_for(registration, first["id"], meeting_id)).status_code == 200


def test_closed_self_registration_is_refused_but_organisers_still_register(
        registration, r, meeting_id, make_token):
    publish_copy(r, meeting_id, [session("a")])
    org = make_token(meeting_id)
    resp = registration.put(f"{API}{meeting_id}/registration-settings", org,
                            json={"self_registration": "closed"})
    assert resp.status_code == 200 and resp.json() == {"self_registration": "closed",
                                                       "signups": "open"}
    resp = registration.post(f"{API}{meeting_id}/delegates", json=delegate_body("a@example.org"))
    assert resp.status_code == 403 and resp.json()["reason"] == "registration_closed"
    assert resp.json()["detail"]
    register(registration, meeting_id, "a@example.org", token=org)
    delegate_token = token_for(registration, "dx", meeting_id)
    resp = registration.put(f"{API}{meeting_id}/registration-settings", delegate_token,
                            json={"self_registration": "open"})
    assert resp.status_code == 403


def test_access_link_answers_alike_for_known_and_unknown_addresses(registration, r,
                                                                   meeting_id):
    publish_copy(r, meeting_id, [session("a")])
    d = register(registration, meeting_id, "ana@example.org")
    known = registration.post(f"{API}{meeting_id}/access-link", json={"email": "ANA@example.org"})
    unknown = registration.post(f"{API}{meeting_id}/access-link",
                                json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    sent = [data for t, data in events(r, meeting_id) if t == "registration.access_link.sent"]
    assert len(sent) == 1 and sent[0]["delegate"]["id"] == d["id"]
    assert sent[0]["delegate"]["email"] == "ana@example.org" and "token=" in sent[0]["access_link"]


def test_delegate_updates_name_and_language_only(registration, r, meeting_id):
    publish_copy(r, meeting_id, [session("a")])
    d = register(registration, meeting_id, "ana@example.org")
    token = token_for(registration, d["id"], meeting_id)
    path = f"{API}{meeting_id}/delegates/{d['id']}"
    resp = registration.patch(path, token, json={"name": "Ana P. Gómez", "language": "es"})
    assert resp.status_code == 200 and resp.json()["name"] == "Ana P. Gómez"
    assert resp.json()["language"] == "es"
    updated = [data for t, data in events(r, meeting_id) if t == "registration.delegate.updated"]
    assert updated[-1]["delegate"]["name"] == "Ana P. Gómez"
    before = r.hgetall(keys.delegate(meeting_id, d["id"]))
    for extra in ({"status": "approved"}, {"accredited": True}, {"accreditation": "approved"},
                  {"capacity": 99}, {"name": "X", "status": "approved"}, {"email": "b@x.org"}):
        resp = registration.patch(path, token, json=extra)
        assert resp.status_code == 422, extra
        assert resp.json()["reason"] == "invalid_input"
    assert r.hgetall(keys.delegate(meeting_id, d["id"])) == before


def test_extra_fields_in_registration_and_signup_are_refused(registration, r, meeting_id):
    publish_copy(r, meeting_id, [session("a", capacity=1)])
    for extra in ({"status": "approved"}, {"accredited": True}, {"capacity": 5}):
        resp = registration.post(f"{API}{meeting_id}/delegates",
                                 json={**delegate_body("x@example.org"), **extra})
        assert resp.status_code == 422, extra
    assert r.zcard(keys.delegates(meeting_id)) == 0
    d = register(registration, meeting_id, "ana@example.org")
    token = token_for(registration, d["id"], meeting_id)
    for extra in ({"status": "confirmed"}, {"accredited": True}, {"capacity": 5}):
        resp = registration.post(f"{API}{meeting_id}/delegates/{d['id']}/sessions", token,
                                 json={"session": "a", **extra})
        assert resp.status_code == 422, extra
    assert r.hgetall(keys.mine(meeting_id, d["id"])) == {}
    assert r.hget(keys.session(meeting_id, "a"), "capacity") == "1"


def test_bulk_registration_reports_each_row(registration, r, meeting_id, make_token):
    publish_copy(r, meeting_id, [session("a")])
    org = make_token(meeting_id)
    register(registration, meeting_id, "old@example.org")
    csv_text = ("name,email,delegation,category,language\n"
                "Ana,ana@example.org,El Salvador,member_country,es\n"
                "Old,OLD@example.org,El Salvador,member_country,\n"
                "Bad,not-an-email,El Salvador,astronaut,en\n"
                "Dup,Ana@Example.org,El Salvador,member_country,en\n")
    resp = registration.post(f"{API}{meeting_id}/delegates/bulk", org, data=csv_text.encode(),
                             headers={"Content-Type": "text/csv"})
    assert resp.status_code == 200, resp.text
    rows = resp.json()["rows"]
    assert [row["status"] for row in rows] == ["created", "already_registered", "invalid",
                                               "already_registered"]
    assert set(rows[2]["errors"]) == {"email", "category"}
    assert resp.json()["summary"] == {"created": 1, "already_registered": 2, "invalid": 1}
    resp = registration.post(f"{API}{meeting_id}/delegates/bulk", org, json=[
        delegate_body("luis@example.org", language="en"), {"name": "No e-mail"}, "junk"])
    assert [row["status"] for row in resp.json()["rows"]] == ["created", "invalid", "invalid"]
    assert r.zcard(keys.delegates(meeting_id)) == 3
    resp = registration.post(f"{API}{meeting_id}/delegates/bulk",
                             token_for(registration, rows[0]["id"], meeting_id), json=[])
    assert resp.status_code == 403
