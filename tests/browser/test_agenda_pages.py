"""The published agenda in a browser: by day, side by side, changes highlighted, in Spanish."""

from __future__ import annotations

from tests import flows
from tests.browser.conftest import check_page


def _two_versions(agenda, org, meeting_id):
    flows.create_meeting(agenda, org, meeting_id)
    agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "workshop", "day": "2030-06-19", "start": "14:00", "end": "15:00",
        "title": "Workshop on children", "room": "honor", "access": "accredited",
        "leads": ["UNICEF"], "items": [{"title": "Best interest", "items": [
            {"title": "Case studies"}]}]})
    flows.publish(agenda, org, meeting_id, "First version")
    resp = flows.edit_session(agenda, org, f"/api/v1/events/{meeting_id}/sessions/workshop",
                              {"start": "16:00", "end": "17:00"})
    assert resp.status_code == 200, resp.text
    flows.publish(agenda, org, meeting_id, "Workshop moved")


def test_agenda_by_day_highlights_changes_since_a_version(site, page, make_token, meeting_id):
    agenda = site["agenda"]
    org = make_token(meeting_id)
    _two_versions(agenda, org, meeting_id)

    page.goto(f"{agenda.url}/events/{meeting_id}?lang=en")
    assert page.locator("h1").inner_text() == "Test meeting"
    assert "America/El_Salvador" in page.locator("main").inner_text()
    workshop = page.locator("#s-workshop")
    assert "Accredited participants only" in workshop.inner_text()
    assert "Case studies" in workshop.locator(".items .items").inner_text()  # nested item
    assert "changed" not in (workshop.get_attribute("class") or "")

    page.select_option("#since", "1")
    page.click("button:has-text('Show')")
    page.wait_for_url("**since=1**")
    workshop = page.locator("#s-workshop")
    assert "changed" in workshop.get_attribute("class")
    assert "Changed since version 1: new time" in workshop.inner_text()
    assert "16:00" in page.locator(".slot", has=workshop).inner_text()
    assert "changed" not in (page.locator("#s-opening").get_attribute("class") or "")
    check_page(page, "agenda-changes")


def test_parallel_sessions_side_by_side_and_spanish(site, new_page, make_token, meeting_id):
    agenda = site["agenda"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "parallel", "day": "2030-06-19", "start": "14:00", "end": "14:15",
        "title": "Liaison officers", "room": "honor"})
    flows.publish(agenda, org, meeting_id)

    page = new_page(locale="es-SV")  # the browser asks for Spanish (Accept-Language)
    page.goto(f"{agenda.url}/events/{meeting_id}")
    assert page.locator("html").get_attribute("lang") == "es"
    slot = page.locator(".slot", has=page.locator("#s-parallel"))
    assert slot.locator(".parallel article").count() == 2
    boxes = [slot.locator(f"#s-{sid}").bounding_box() for sid in ("opening", "parallel")]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1 and boxes[0]["x"] != boxes[1]["x"]
    assert "Descargar la agenda" in page.locator("main").inner_text()
    page.click("a.lang")
    assert page.locator("html").get_attribute("lang") == "en"
    check_page(page, "agenda-parallel")


def test_start_page_links_to_everything(site, page, make_token, meeting_id):
    agenda = site["agenda"]
    flows.create_meeting(agenda, make_token(meeting_id), meeting_id)
    page.goto(f"{agenda.url}/")
    card = page.locator(".card", has=page.locator(f"#m-{meeting_id}"))
    hrefs = [card.locator("a").nth(i).get_attribute("href")
             for i in range(card.locator("a").count())]
    registration = site["registration"].url
    assert f"/events/{meeting_id}?lang=en" in hrefs
    assert f"{registration}/events/{meeting_id}/register?lang=en" in hrefs
    assert f"{registration}/events/{meeting_id}/door?lang=en" in hrefs
    assert f"/events/{meeting_id}/organise?lang=en" in hrefs
    check_page(page, "start")
