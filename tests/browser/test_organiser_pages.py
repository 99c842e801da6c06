"""Organisers in a browser: approve an accreditation, publish a change the delegate then sees
highlighted, print badges, broadcast with an audience preview and follow its delivery."""

from __future__ import annotations

from conftest import wait_until
from tests import flows
from tests.browser.conftest import check_page
from tests.browser.test_delegate_pages import (
    meeting_with_a_full_session,
    open_my_page,
    register_in_browser,
)
from tests.browser.test_organiser_agenda import open_desk, save_times, sign_in


def test_approve_then_publish_a_change_the_delegate_sees(site, page, new_page, make_token,
                                                         meeting_id, mailbox):
    agenda, registration = site["agenda"], site["registration"]
    org = make_token(meeting_id)
    meeting_with_a_full_session(agenda, org, meeting_id)
    link = register_in_browser(page, site, mailbox, meeting_id,
                               f"eva.{meeting_id}@example.org", "Eva Castro")
    open_my_page(page, link, "closing")
    page.locator("#catalogue [data-session=closing] button").click()
    page.wait_for_selector("#message")
    assert page.locator("#badge-none").is_visible()  # no badge before accreditation

    # The organiser approves Eva in the accreditation queue, with a reason.
    desk = new_page()
    desk.goto(f"{registration.url}/events/{meeting_id}/accreditation?lang=en")
    sign_in(desk, org)
    row = desk.locator("#queue tr", has_text="Eva Castro")
    check_page(desk, "accreditation")
    row.locator("input[name=reason]").fill("Member country delegate, credentials received")
    row.locator("button[data-decision=approve]").click()
    desk.wait_for_selector("#queue-status .notice.ok")
    desk.select_option("#q-status", "approved")
    desk.click("#filters button[type=submit]")
    row = desk.locator("#queue tr", has_text="Eva Castro")
    assert "approved" in row.locator(".status").inner_text()
    with desk.context.expect_page() as opened:
        row.locator("button", has_text="Print badge").click()
    sheet = opened.value
    sheet.wait_for_load_state()
    assert "Eva Castro" in sheet.locator("body").inner_text() and sheet.locator("svg").count()
    desk.wait_for_selector("#rooms tr[data-room=honor]")  # live occupancy of every room

    # The organiser moves the closing session and publishes from the agenda desk.
    org_page = new_page()
    open_desk(org_page, agenda, meeting_id, org, "closing", "en")
    save_times(org_page, "17:00", "18:00")
    org_page.wait_for_selector("#edit-status .notice.ok")
    org_page.fill("#note", "Closing moved to 17:00")
    org_page.click("#publish button[type=submit]")
    org_page.wait_for_selector("#v-2")

    # Eva reloads her page: the change is highlighted, her badge is there.
    def highlighted():
        page.goto(link)
        return page.locator("#mine [data-session=closing].changed").count()

    wait_until(highlighted)
    mine = page.locator("#mine [data-session=closing]")
    assert "Changed since your last visit" in mine.inner_text() and "17:00" in mine.inner_text()
    assert page.locator("#accreditation").inner_text() == "approved"
    assert page.locator("#badge-qr").evaluate("img => img.naturalWidth") > 0
    check_page(page, "delegate-changed")
    ics = registration.get(page.locator("#ics-download").get_attribute("href"))
    assert "BEGIN:VCALENDAR" in ics.text and "Closing" in ics.text
    page.click("#changes a")  # the agenda, highlighting what changed since she last looked
    assert "changed" in page.locator("#s-closing").get_attribute("class")


def test_broadcast_with_audience_preview_and_delivery_status(site, page, new_page, make_token,
                                                             meeting_id, mailbox):
    agenda, registration, notify = site["agenda"], site["registration"], site["notify"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    flows.publish(agenda, org, meeting_id)
    email = f"rosa.{meeting_id}@example.org"
    _delegate_id, token = flows.register(registration, mailbox, meeting_id, email, "Rosa Díaz")

    page.goto(f"{notify.url}/events/{meeting_id}/notices?lang=en")
    sign_in(page, org)
    page.fill("#b-subject", "Bus to the venue")
    page.fill("#b-body", "The bus leaves the hotel at 8:00.")
    # The notify service learns of delegates from the bus: preview until Rosa is in.
    wait_until(lambda: page.click("#preview") or page.wait_for_selector("#preview-out p, "
               "#compose-status .notice") and "reaches 1" in page.locator("#main").inner_text())
    assert "Rosa Díaz" in page.locator("#preview-out").inner_text()
    page.click("#compose button[type=submit]")
    page.wait_for_selector("#compose-status .notice.ok")
    mailbox.wait_for(lambda m: email in str(m["To"]) and "Bus to the venue" in str(m["Subject"]))
    row = page.locator("#notices tr", has_text="Bus to the venue")
    wait_until(lambda: "delivered: 1" in row.locator(".counts").inner_text())
    assert "message to delegates" in row.inner_text() and "recipients: 1" in row.inner_text()
    # Rosa's registration e-mail is listed by what it is, not by its stored kind.
    assert "registration" in page.locator("#notices").inner_text()
    assert "signup_" not in page.locator("#notices").inner_text()
    check_page(page, "notices")

    mine = new_page()
    mine.goto(f"{notify.url}/events/{meeting_id}/me/notices?token={token}&lang=en")
    received = mine.locator("#received").inner_text()
    assert "Bus to the venue" in received and "delivered" in received
    check_page(mine, "delegate-notices")


def test_approve_for_named_restricted_sessions_and_see_who_holds_what(site, new_page,
                                                                       make_token, meeting_id,
                                                                       mailbox):
    """Walkthrough findings: Approve could only grant 'general', and the queue did not show
    what anyone was accredited for."""
    agenda, registration = site["agenda"], site["registration"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    for sid, day, start, end, title, scope in (
            ("child", "2030-06-20", "10:00", "12:00", "Child protection workshop",
             "child-protection"),
            ("ministers", "2030-06-21", "09:00", "10:00", "Ministerial round table", "ministers")):
        resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
            "id": sid, "day": day, "start": start, "end": end, "title": title, "room": "honor",
            "access": "accredited", "accreditation": scope})
        assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, meeting_id)
    rosa, _ = flows.register(registration, mailbox, meeting_id, f"rosa.{meeting_id}@example.org",
                             "Rosa Díaz")
    desk = new_page()
    desk.goto(f"{registration.url}/events/{meeting_id}/accreditation?lang=en")
    sign_in(desk, org)
    row = desk.locator("#queue tr", has_text="Rosa Díaz")
    choices = row.locator("fieldset.scopes")
    assert "Approve for" in choices.inner_text()
    child = choices.locator("label", has_text="Child protection workshop")
    assert "10:00–12:00" in child.inner_text()
    assert choices.locator("label", has_text="Ministerial round table").count() == 1
    assert row.locator("td.scopes").inner_text() == "—"
    assert "Member country" in row.inner_text() and "member_country" not in row.inner_text()
    check_page(desk, "accreditation-scopes")

    # No reason: the desk says one is needed (the delegate is told it) and sends nothing.
    row.locator("button[data-decision=approve]").click()
    desk.wait_for_selector("#queue-status .notice.error")
    assert "Give a reason" in desk.locator("#queue-status").inner_text()
    # Nothing ticked: the desk asks for a choice and sends nothing.
    row.locator("input[name=reason]").fill("Child-protection focal point")
    choices.locator("input[value=general]").uncheck()
    row.locator("button[data-decision=approve]").click()
    desk.wait_for_selector("#queue-status .notice.error")
    assert "Choose what to approve" in desk.locator("#queue-status").inner_text()
    # The workshop only.
    child.locator("input").check()
    row.locator("button[data-decision=approve]").click()
    desk.wait_for_selector("#queue-status .notice.ok")
    got = registration.get(f"/api/v1/events/{meeting_id}/delegates/{rosa}/accreditation", org)
    assert got.json()["scopes"] == ["child-protection"]
    desk.select_option("#q-status", "approved")
    desk.click("#filters button[type=submit]")
    row = desk.locator("#queue tr", has_text="Rosa Díaz")
    wait_until(lambda: row.locator("td.scopes").inner_text() == "Child protection workshop")

    # The same desk in Spanish.
    desk.goto(f"{registration.url}/events/{meeting_id}/accreditation?lang=es")
    desk.wait_for_selector("#signout", state="visible")
    assert "Acreditación para" in desk.locator("#queue thead").inner_text()
    desk.select_option("#q-status", "pending")
    assert "Aprobar para" in desk.locator("#scope-choices").inner_html()
    assert "General (todas las sesiones restringidas)" in desk.locator(
        "#scope-choices").inner_html()
