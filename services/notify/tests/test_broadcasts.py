"""Organiser broadcasts: audiences, preview without sending, header safety."""

from __future__ import annotations

import pytest

from conftest import wait_until
from services.notify import keys
from services.notify.tests.conftest import notice_settled
from tests import flows


@pytest.fixture
def crowd(suite, r, meeting_id, make_token, mailbox) -> dict[str, str]:
    """Four delegates registered through the registration API (name -> id); Ana and Eva
    signed up for the 'opening' session. notify learns all of it from registration's events."""
    agenda, registration = suite["agenda"], suite["registration"]
    org, eid = make_token(meeting_id), meeting_id
    flows.create_meeting(agenda, org, eid)
    flows.publish(agenda, org, eid)
    people = {}
    for name, delegation, category, language in (
            ("ana", "Honduras", "member_country", "en"),
            ("ben", "Belize", "observer_organisation", "en"),
            ("eva", "Honduras", "member_country", "es"),
            ("carl", "Panama", "member_country", "en")):
        did, token = flows.register(registration, mailbox, eid, f"{name}.{eid}@example.org",
                                    name.title(), language, delegation, category)
        people[name] = did
        if name in ("ana", "eva"):
            assert flows.sign_up(registration, eid, did, token, "opening").status_code == 201
    wait_until(lambda: r.hlen(keys.directory(meeting_id)) == 4
               and r.hlen(keys.participants(meeting_id, "opening")) == 2)
    return people


def _broadcasts(notify, org, eid):
    return [n for n in notify.get(f"/api/v1/events/{eid}/notices", org).json()
            if n["kind"] == "broadcast"]


def _body(audience, subject="Shuttle to the venue", body="The shuttle leaves at 8:00."):
    return {"subject": subject, "body": body, "audience": audience}


def test_preview_shows_recipients_and_message_and_sends_nothing(suite, meeting_id, make_token,
                                                               crowd, mailbox):
    notify, org = suite["notify"], make_token(meeting_id)
    resp = notify.post(f"/api/v1/events/{meeting_id}/notices/preview?first=1", org,
                       json=_body({"kind": "delegation", "value": "Honduras"}))
    assert resp.status_code == 200, resp.text
    preview = resp.json()
    assert preview["count"] == 2 and len(preview["recipients"]) == 1
    first = min(crowd["ana"], crowd["eva"])  # recipients come in id order
    assert preview["recipients"][0]["id"] == first
    assert preview["message"]["subject"] == "Shuttle to the venue"
    assert ("Dear Ana" if first == crowd["ana"] else "Estimado/a Eva") in \
        preview["message"]["text"]
    assert "The shuttle leaves at 8:00." in preview["message"]["html"]
    assert _broadcasts(notify, org, meeting_id) == []


@pytest.mark.parametrize("audience, expected", [
    ({"kind": "everybody"}, {"ana", "ben", "eva", "carl"}),
    ({"kind": "session", "value": "opening"}, {"ana", "eva"}),
    ({"kind": "delegation", "value": "Honduras"}, {"ana", "eva"}),
    ({"kind": "category", "value": "observer_organisation"}, {"ben"}),
    ({"kind": "delegates", "value": ["carl", "ben"]}, {"carl", "ben"}),
])
def test_a_broadcast_reaches_exactly_its_audience(suite, meeting_id, make_token, crowd,
                                                  mailbox, audience, expected):
    notify, org = suite["notify"], make_token(meeting_id)
    if audience["kind"] == "delegates":
        audience = {**audience, "value": [crowd[name] for name in audience["value"]]}
    resp = notify.post(f"/api/v1/events/{meeting_id}/notices", org, json=_body(audience))
    assert resp.status_code == 202, resp.text
    nid = resp.json()["id"]
    status = notice_settled(notify, org, meeting_id, nid, len(expected))
    assert set(status["recipients"]) == {crowd[name] for name in expected}
    got = wait_until(lambda: (lambda ms: ms if len(ms) == len(expected) else None)(
        [m for m in mailbox.messages if str(m["Podium-Notice"]) == f"{meeting_id}/{nid}"]))
    assert {str(m["To"]).split("<")[1].split(".")[0] for m in got} == expected
    for m in got:
        assert m.get_body(("html",)) is not None and m.get_body(("plain",)) is not None


def test_unknown_delegates_and_empty_audiences_are_refused(suite, meeting_id, make_token,
                                                           crowd):
    notify, org = suite["notify"], make_token(meeting_id)
    path = f"/api/v1/events/{meeting_id}/notices"
    resp = notify.post(path, org, json=_body({"kind": "delegates",
                                              "value": [crowd["ana"], "zed"]}))
    assert resp.status_code == 422 and resp.json()["reason"] == "unknown_delegates"
    assert resp.json()["unknown"] == ["zed"]
    resp = notify.post(path, org, json=_body({"kind": "delegation", "value": "Nowhere"}))
    assert resp.status_code == 422 and resp.json()["reason"] == "empty_audience"
    resp = notify.post(path, org, json=_body({"kind": "planet", "value": "Mars"}))
    assert resp.status_code == 422
    delegate = make_token(meeting_id, "gatekeeper")
    assert notify.post(path, delegate, json=_body({"kind": "everybody"})).status_code == 403
    assert _broadcasts(notify, org, meeting_id) == []


@pytest.mark.parametrize("subject", ["Hi\r\nBcc: evil@example.org", "Hi\nBcc: x@y.z",
                                     "Hi\rthere", "Hi\x00there", "Hi\u2028there"])
def test_subjects_with_line_breaks_or_nul_are_refused(suite, meeting_id, make_token, crowd,
                                                      subject):
    notify, org = suite["notify"], make_token(meeting_id)
    for path in ("notices", "notices/preview"):
        resp = notify.post(f"/api/v1/events/{meeting_id}/{path}", org,
                           json=_body({"kind": "everybody"}, subject=subject))
        assert resp.status_code == 422 and "subject" in resp.json()["errors"]
    resp = notify.post(f"/api/v1/events/{meeting_id}/notices", org,
                       json=_body({"kind": "delegation", "value": "Hond\r\nuras"}))
    assert resp.status_code == 422
    assert _broadcasts(notify, org, meeting_id) == []


def test_nothing_typed_by_a_user_adds_a_header(suite, r, meeting_id, make_token, mailbox,
                                               make_delegate):
    """A name with CRLF arriving over the bus and a body with header lines: still one To.
    (Registration refuses such names at its API, so only a bus event can bring one: the
    factory writes it, to prove notify's own defence.)"""
    notify, org = suite["notify"], make_token(meeting_id)
    make_delegate(meeting_id, "eve", name="Eve\r\nBcc: evil@example.org", welcome=False)
    wait_until(lambda: r.hlen(keys.directory(meeting_id)) == 1)
    resp = notify.post(f"/api/v1/events/{meeting_id}/notices", org, json=_body(
        {"kind": "everybody"}, body="Hello\r\nBcc: evil@example.org\r\n\r\nX-Evil: 1"))
    assert resp.status_code == 202
    nid = resp.json()["id"]
    (mail,) = wait_until(lambda: [m for m in mailbox.messages
                                  if str(m["Podium-Notice"]) == f"{meeting_id}/{nid}"])
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    (to,) = mail["To"].addresses  # the CRLF became a space inside the quoted display name
    assert to.addr_spec == f"eve.{meeting_id}@example.org"
    assert "Bcc: evil@example.org" in mail.get_body(("plain",)).get_content()
