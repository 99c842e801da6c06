"""The accreditation desk's Approve choices: general, or named restricted sessions."""

from __future__ import annotations

from tests import flows
from tests.browser.test_organiser_agenda import sign_in


def test_ticking_one_restricted_session_does_not_also_grant_every_session(
        site, new_page, make_token, meeting_id, mailbox):
    """'General' is ticked by default; an organiser who ticks the one workshop a delegate is
    cleared for and presses Approve grants 'general' as well, i.e. every restricted session
    (the ministers' round table included). Ticking a session should untick 'general' (or the
    two should be exclusive)."""
    agenda, registration = site["agenda"], site["registration"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    for sid, start, title, scope in (("child", "10:00", "Child protection workshop",
                                      "child-protection"),
                                     ("ministers", "12:00", "Ministerial round table",
                                      "ministers")):
        resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
            "id": sid, "day": "2030-06-20", "start": start, "end": start[:2] + ":30",
            "title": title, "room": "honor", "access": "accredited", "accreditation": scope})
        assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, meeting_id)
    rosa, _ = flows.register(registration, mailbox, meeting_id,
                             f"rosa.{meeting_id}@example.org", "Rosa Díaz")
    desk = new_page()
    desk.goto(f"{registration.url}/events/{meeting_id}/accreditation?lang=en")
    sign_in(desk, org)
    row = desk.locator("#queue tr", has_text="Rosa Díaz")
    row.locator("input[name=reason]").fill("Child-protection focal point")
    row.locator("fieldset.scopes label", has_text="Child protection workshop") \
        .locator("input").check()
    row.locator("button[data-decision=approve]").click()
    desk.wait_for_selector("#queue-status .notice.ok")
    got = registration.get(f"/api/v1/events/{meeting_id}/delegates/{rosa}/accreditation", org)
    assert got.json()["scopes"] == ["child-protection"], \
        "ticking one workshop granted every restricted session"
