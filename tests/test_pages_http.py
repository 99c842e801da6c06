"""The pages over plain HTTP: bad form input is a clear 4xx page, never a 500; every page is
HTML with its language, a strict content policy and no token leaking through Referer."""

from __future__ import annotations

import re

from conftest import wait_until
from tests import flows

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _meeting(suite, make_token, meeting_id) -> str:
    org = make_token(meeting_id)
    flows.create_meeting(suite["agenda"], org, meeting_id, capacity=1)
    flows.publish(suite["agenda"], org, meeting_id)
    wait_until(lambda: suite["registration"].get(
        f"/events/{meeting_id}/register").status_code == 200)
    return org


def test_every_page_is_html_with_language_and_policy(suite, make_token, meeting_id):
    _meeting(suite, make_token, meeting_id)
    pages = [(suite["agenda"], "/"), (suite["agenda"], f"/events/{meeting_id}"),
             (suite["agenda"], f"/events/{meeting_id}/organise"),
             (suite["registration"], f"/events/{meeting_id}/register"),
             (suite["registration"], f"/events/{meeting_id}/access"),
             (suite["registration"], f"/events/{meeting_id}/door"),
             (suite["registration"], f"/events/{meeting_id}/accreditation"),
             (suite["notify"], f"/events/{meeting_id}/notices")]
    for server, path in pages:
        resp = server.get(path + "?lang=es", headers=HTML)
        assert resp.status_code == 200, (path, resp.text[:200])
        assert resp.headers["Content-Type"].startswith("text/html")
        assert '<html lang="es">' in resp.text
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["Referrer-Policy"] == "no-referrer"
        # Its icon is served (a browser would otherwise ask for /favicon.ico and get a 404).
        icon = re.search(r'<link rel="icon" href="([^"]+)"', resp.text).group(1)
        answer = server.get(icon)
        assert answer.status_code == 200 and "svg" in answer.headers["Content-Type"]


def test_bad_registration_form_is_a_422_page_and_stores_nothing(suite, make_token, meeting_id,
                                                                 r):
    from services.registration import keys

    _meeting(suite, make_token, meeting_id)
    resp = suite["registration"].post(f"/events/{meeting_id}/register", headers=HTML, data={
        "name": "Ana", "email": "not-an-address", "delegation": "El Salvador",
        "category": "astronaut", "language": "en"})
    assert resp.status_code == 422
    assert 'aria-invalid="true"' in resp.text and "e-email" in resp.text
    assert r.zcard(keys.delegates(meeting_id)) == 0
    # Empty boxes are called empty, in the page's language (not "Length must be between").
    for lang, said in (("en", "Please fill this in."), ("es", "Complete este campo.")):
        resp = suite["registration"].post(
            f"/events/{meeting_id}/register?lang={lang}", headers=HTML,
            data={"name": " ", "email": "ana@example.org", "delegation": "",
                  "category": "member_country", "language": lang})
        assert resp.status_code == 422
        assert resp.text.count(said) == 2 and "Length must be" not in resp.text
    assert r.zcard(keys.delegates(meeting_id)) == 0


def test_page_errors_are_pages_for_people_and_problems_for_programs(suite, meeting_id):
    registration = suite["registration"]
    page = registration.get(f"/events/{meeting_id}/door", headers=HTML)
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    api = registration.get(f"/events/{meeting_id}/door")
    assert api.status_code == 404
    assert api.headers["Content-Type"] == "application/problem+json"
    assert api.json()["reason"] == "unknown_event"
    me = registration.get(f"/events/{meeting_id}/me?token=forged", headers=HTML)
    assert me.status_code == 401 and "personal link" in me.text


def test_signing_up_for_an_unknown_session_is_a_404_page(suite, make_token, meeting_id,
                                                          mailbox):
    _meeting(suite, make_token, meeting_id)
    _did, token = flows.register(suite["registration"], mailbox, meeting_id,
                                 f"ana.{meeting_id}@example.org")
    resp = suite["registration"].post(f"/events/{meeting_id}/me/signup?token={token}",
                                      headers=HTML, data={"session": "no-such-session"})
    assert resp.status_code == 404
    assert 'id="message"' in resp.text and "No such session" in resp.text


def test_the_forms_share_the_apis_rate_limits(suite, make_token, meeting_id):
    """Asking for a link through the page counts in the same window as through the API."""
    _meeting(suite, make_token, meeting_id)
    registration = suite["registration"]
    registration.app.config["RATE_LIMIT_ACCESS_LINK"] = "3/600"
    try:
        for _ in range(2):
            assert registration.post(f"/api/v1/events/{meeting_id}/access-link",
                                     json={"email": "x@example.org"}).status_code == 202
        form = f"/events/{meeting_id}/access"
        assert registration.post(form, headers=HTML,
                                 data={"email": "x@example.org"}).status_code == 200
        refused = registration.post(form, headers=HTML, data={"email": "x@example.org"})
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        assert refused.headers["Content-Type"].startswith("text/html")
    finally:
        registration.app.config.pop("RATE_LIMIT_ACCESS_LINK")


def test_a_pending_delegate_refused_a_restricted_session_is_told_why_in_their_language(
        suite, make_token, meeting_id, mailbox):
    agenda, registration = suite["agenda"], suite["registration"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "workshop", "day": "2030-06-19", "start": "16:00", "end": "17:00",
        "title": "Workshop", "room": "honor", "access": "accredited"})
    assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, meeting_id)
    _did, token = flows.register(registration, mailbox, meeting_id,
                                 f"marta.{meeting_id}@example.org", "Marta Ruiz", language="es")
    resp = registration.post(f"/events/{meeting_id}/me/signup?token={token}&lang=es",
                             headers=HTML, data={"session": "workshop"})
    assert resp.status_code == 403
    assert "Su acreditación está pendiente" in resp.text and "pending" not in resp.text
