"""The delegate page: refusals in the page's language, and what can be signed up for."""

from __future__ import annotations

from conftest import wait_until
from tests import flows
from tests.test_pages_http import HTML, _meeting


def test_leaving_a_session_one_is_not_in_is_refused_in_spanish_on_a_spanish_page(
        suite, make_token, meeting_id, mailbox):
    """Two tabs of the delegate page: Leave in one, then Leave in the other. The second is
    refused (not_signed_up); the Spanish page must say so in Spanish, not in the API's
    English detail (225efa0 only gave words to the sign-up refusals)."""
    _meeting(suite, make_token, meeting_id)
    registration = suite["registration"]
    did, token = flows.register(registration, mailbox, meeting_id,
                                f"marta.{meeting_id}@example.org", "Marta Ruiz", language="es")
    assert flows.sign_up(registration, meeting_id, did, token, "opening").status_code == 201
    url = f"/events/{meeting_id}/me/leave?token={token}&lang=es"
    first = registration.post(url, headers=HTML, data={"session": "opening"})
    assert first.status_code in (200, 303)  # the client may follow the 303
    resp = registration.post(url, headers=HTML, data={"session": "opening"})
    assert resp.status_code == 404
    assert '<html lang="es">' in resp.text
    assert "You are not signed up for this session." not in resp.text, \
        "English refusal on a Spanish page"


def test_a_meal_that_requires_sign_up_can_be_signed_up_for_on_the_delegate_page(
        suite, make_token, meeting_id, mailbox):
    """45c448c hides the sign-up button by kind (break, meal, departure). A meal that
    requires sign-up (an official dinner with limited seats) is then impossible to join from
    the page, while its door denies everyone not signed up (scan.lua requires_signup)."""
    org = _meeting(suite, make_token, meeting_id)
    agenda, registration = suite["agenda"], suite["registration"]
    resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "dinner", "day": "2030-06-19", "start": "20:00", "end": "22:00",
        "title": "Official dinner", "kind": "meal", "room": "honor", "capacity": 20,
        "requires_signup": True})
    assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, meeting_id)
    _did, token = flows.register(registration, mailbox, meeting_id,
                                 f"ana.{meeting_id}@example.org", "Ana")
    page = wait_until(lambda: (lambda p: p if "Official dinner" in p.text else None)(
        registration.get(f"/events/{meeting_id}/me?token={token}&lang=en", headers=HTML)))
    item = page.text.split('data-session="dinner"', 1)[1].split("</li>", 1)[0]
    assert 'name="session" value="dinner"' in item, "no way to sign up for a sign-up meal"


def test_every_refusal_has_words_in_both_languages():
    from services.registration.operations import REFUSALS
    from shared.pages.strings import STRINGS

    for lang in ("en", "es"):
        missing = [r for r in REFUSALS if f"refusal_{r}" not in STRINGS[lang]]
        assert not missing, (lang, missing)
