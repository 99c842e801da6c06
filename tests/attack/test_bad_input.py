"""Bad and unusual input at the public registration door: 4xx or stored safely, never a 5xx,
and the e-mail that goes out stays a well-formed message with exactly the usual headers."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from conftest import wait_until
from tests import flows

UNUSUAL_NAMES = [
    "\u202eAnA\u202c Pérez",  # right-to-left override and pop
    "Zoë Ñúñez",  # precomposed
    "Zoe\u0308 N\u0303un\u0303ez",  # combining diaeresis and tildes
    "Ana 🇸🇻 Pérez 👩🏽‍💼",  # flag, skin tone, zero-width joiner
    "محمد عبد الله",  # Arabic, right-to-left
    '"Ana, <Pérez>"',  # quotes, comma and angle brackets: must stay text
]
# An ASCII word shaped like an RFC 2047 encoded-word: Python's e-mail package leaves it
# unencoded and readers decode it, unless the renderer forces encoding (notify does).
ENCODED_WORD_NAME = "Ana =?utf-8?q?Evil?= Pérez"
REFUSED = [
    ({"name": "Ana\x00Pérez"}, "name"),  # NUL
    ({"name": "Ana\r\nBcc: victim@example.org"}, "name"),  # header injection via the name
    ({"email": "ana@example.org\r\nBcc: victim@example.org"}, "email"),
    ({"email": "ana@example.org\nSubject: hi"}, "email"),
    ({"email": "ana@example.org, victim@example.org"}, "email"),  # a second recipient
    ({"name": "x" * 5000}, "name"),
]


@pytest.fixture
def published(suite, make_token, meeting_id, r):
    from services.registration import keys as rkeys

    org = make_token(meeting_id)
    flows.create_meeting(suite["agenda"], org, meeting_id)
    flows.publish(suite["agenda"], org, meeting_id)
    wait_until(lambda: r.exists(rkeys.event(meeting_id)))
    return meeting_id


def _body(**over) -> dict:
    return {"name": "Ana", "email": "ana@example.org", "delegation": "El Salvador",
            "category": "member_country", **over}


@pytest.mark.parametrize("over, field", REFUSED)
def test_dangerous_fields_are_refused(suite, published, over, field):
    resp = suite["registration"].post(f"/api/v1/events/{published}/delegates",
                                      json=_body(**over))
    assert resp.status_code == 422, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    assert field in resp.json()["errors"]


@pytest.mark.parametrize("payload, status", [
    (b'{"name": "Ana", ', 400),  # cut short
    (b"\xff\xfe\x00not json", 400),
    (b"[1, 2, 3]", 422),
    (b'{"name": "x", "name": 1}', 422),  # duplicate keys, the last (wrong type) wins
    (b'{"name": ' + b"[" * 300 + b"]" * 300 + b"}", 422),  # nested
    (b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400),  # too deep to parse
])
def test_malformed_bodies_get_a_clear_4xx(suite, published, payload, status):
    resp = suite["registration"].post(f"/api/v1/events/{published}/delegates", data=payload,
                                      headers={"Content-Type": "application/json"})
    assert resp.status_code == status, resp.text
    assert resp.json()["status"] == status


def test_oversized_body_is_refused_before_it_is_read(suite, published):
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    resp = suite["registration"].post(f"/api/v1/events/{published}/delegates", data=big,
                                      headers={"Content-Type": "application/json"})
    assert resp.status_code == 413 and resp.json()["reason"] == "body_too_large"


def _headers(msg) -> list[str]:
    return sorted(k.lower() for k in msg)


def test_unusual_names_are_stored_as_sent_and_mailed_intact(suite, published, mailbox):
    registration = suite["registration"]
    _did, _token = flows.register(registration, mailbox, published,
                                  f"plain.{published}@example.org", "Ana Plain")
    (plain,) = mailbox.to(f"plain.{published}@example.org")
    for k, name in enumerate(UNUSUAL_NAMES):
        email = f"u{k}.{published}@example.org"
        resp = registration.post(f"/api/v1/events/{published}/delegates",
                                 json=_body(name=name, email=email))
        assert resp.status_code == 201, resp.text
        assert resp.json()["name"] == name  # stored exactly, no silent normalising
        (mail,) = mailbox.wait_for(lambda m, e=email: e in str(m["To"]))
        # Re-parse the bytes as a strict reader would: one message, the usual headers.
        again = message_from_bytes(mail.as_bytes(), policy=policy.strict)
        assert _headers(again) == _headers(plain), name
        assert len(again.get_all("To")) == 1 and again.get_all("Bcc") is None
        (address,) = again["To"].addresses
        assert address.addr_spec == email
        assert address.display_name in ("", name), (address.display_name, name)
        assert not again.defects and not again.get_body(("plain",)).defects


def test_a_name_that_looks_like_an_encoded_word_is_mailed_as_written(suite, published,
                                                                     mailbox):
    email = f"ew.{published}@example.org"
    resp = suite["registration"].post(f"/api/v1/events/{published}/delegates",
                                      json=_body(name=ENCODED_WORD_NAME, email=email))
    assert resp.status_code == 201
    (mail,) = mailbox.wait_for(lambda m: email in str(m["To"]))
    assert mail["To"].addresses[0].display_name == ENCODED_WORD_NAME
