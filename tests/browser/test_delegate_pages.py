"""A delegate in a browser: register, open the e-mailed link, sign up, waitlist, conflicts."""

from __future__ import annotations

import re

from conftest import wait_until
from tests import flows
from tests.browser.conftest import check_page


def meeting_with_a_full_session(agenda, org, meeting_id):
    """'opening' has one seat; 'lunch' collides with it; 'closing' is later."""
    flows.create_meeting(agenda, org, meeting_id, capacity=1)
    for sid, start, end in (("lunch", "14:00", "15:00"), ("closing", "16:00", "17:00")):
        resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
            "id": sid, "day": "2030-06-19", "start": start, "end": end,
            "title": sid.capitalize(), "room": "honor", "capacity": 50})
        assert resp.status_code == 201, resp.text
    resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "coffee", "day": "2030-06-19", "start": "15:00", "end": "15:30", "kind": "break",
        "title": "Coffee break", "room": "honor"})
    assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, meeting_id, "First version")


def register_in_browser(page, site, mailbox, meeting_id, email, name, shot=None) -> str:
    """Fill the registration form, then return the personal link from the e-mail."""
    registration = site["registration"]
    # Registration learns of the meeting from the bus.
    wait_until(lambda: registration.get(f"/events/{meeting_id}/register").status_code == 200)
    page.goto(f"{registration.url}/events/{meeting_id}/register?lang=en")
    page.fill("#r-name", name)
    page.fill("#r-email", email)
    page.fill("#r-delegation", "El Salvador")
    page.select_option("#r-category", "member_country")
    if shot:
        check_page(page, shot)
    page.click("form button[type=submit]")
    assert email in page.locator(".notice.ok").inner_text()
    mail = mailbox.wait_for(lambda m: email in str(m["To"]))[0]
    link = re.search(r"https?://\S+token=\S+", mail.get_body(("plain",)).get_content())
    assert link and link.group(0).startswith(registration.url), "the link opens this site"
    return link.group(0)


def open_my_page(page, link: str, sid: str) -> None:
    """Open the personal link once registration's copy of the agenda has ``sid``."""
    page.goto(link)
    wait_until(lambda: page.goto(link) and page.locator(f"[data-session={sid}]").count())


def sign_up(page, sid):
    page.locator(f"#catalogue [data-session={sid}] button").click()
    page.wait_for_selector("#message")


def test_register_sign_up_and_land_on_the_waitlist(site, page, new_page, make_token,
                                                   meeting_id, mailbox):
    agenda = site["agenda"]
    org = make_token(meeting_id)
    meeting_with_a_full_session(agenda, org, meeting_id)
    first = register_in_browser(page, site, mailbox, meeting_id,
                                f"ana.{meeting_id}@example.org", "Ana Pérez", shot="register")
    open_my_page(page, first, "opening")
    # A break is on the agenda for everybody: listed, with nothing to sign up for.
    assert page.locator("#catalogue [data-session=coffee]").count() == 1
    assert page.locator("#catalogue [data-session=coffee] button").count() == 0
    sign_up(page, "opening")
    assert page.locator("#message").inner_text() == "Done: you have a seat."
    assert "Seat confirmed" in page.locator("#mine [data-session=opening]").inner_text()
    # Post/Redirect/Get: the page is at its own address again, so a reload posts nothing.
    assert "/me?" in page.url and "/me/signup" not in page.url and "signed=opening" in page.url
    page.reload()
    assert page.locator("#message").inner_text() == "Done: you have a seat."

    other = new_page()
    second = register_in_browser(other, site, mailbox, meeting_id,
                                 f"luis.{meeting_id}@example.org", "Luis Gómez")
    other.goto(second)
    offer = other.locator("#catalogue [data-session=opening]")
    assert "Full; 0 on the waitlist." in offer.inner_text()
    assert offer.locator("button").inner_text() == "Join the waitlist"
    sign_up(other, "opening")
    assert "number 1 on its waitlist" in other.locator("#message").inner_text()
    assert "Waitlist: number 1" in other.locator("#mine [data-session=opening]").inner_text()
    check_page(other, "delegate-waitlisted")

    # A colliding session says which session it collides with.
    sign_up(other, "lunch")
    assert "already in “Opening remarks” at the same time" in other.locator(
        "#message").inner_text()

    # Ana leaves: Luis gets the seat.
    page.locator("#mine [data-session=opening] button").click()
    page.wait_for_selector("#message")
    assert page.locator("#message").inner_text() == "Done: you left the session."
    other.goto(second)
    assert "Seat confirmed" in other.locator("#mine [data-session=opening]").inner_text()


def test_without_the_link_a_delegate_can_ask_for_it_again(site, page, make_token, meeting_id,
                                                         mailbox):
    agenda, registration = site["agenda"], site["registration"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    flows.publish(agenda, org, meeting_id)
    email = f"marta.{meeting_id}@example.org"
    flows.register(registration, mailbox, meeting_id, email, "Marta Ruiz", language="es")

    page.goto(f"{registration.url}/events/{meeting_id}/me?lang=es")
    assert "enlace personal" in page.locator("main").inner_text()
    check_page(page, "delegate-no-link", phone=False)
    page.click("#access-link")
    page.fill("#a-email", email.upper())  # the address as typed, any case
    page.click("form button[type=submit]")
    assert "va en camino" in page.locator(".notice.ok").inner_text()
    check_page(page, "access")
    mails = wait_until(lambda: (lambda found: found if len(found) >= 2 else None)(
        mailbox.to(email)))  # the registration e-mail, then the link again
    link = re.search(r"https?://\S+token=\S+", mails[-1].get_body(("plain",)).get_content())
    page.goto(link.group(0))
    assert page.locator("h1").inner_text() == "Marta Ruiz"
