"""The organisers' agenda desk in a browser: sign in, edit with ETags, publish, changelog."""

from __future__ import annotations

from tests import flows
from tests.browser.conftest import check_page


def sign_in(page, token: str) -> None:
    page.fill("#token", token)
    page.click("#signin button[type=submit]")
    page.wait_for_selector("#signout", state="visible")


def open_desk(page, agenda, meeting_id: str, token: str, session: str, lang: str) -> None:
    """The agenda desk, signed in, with ``session`` open in the edit form."""
    page.goto(f"{agenda.url}/events/{meeting_id}/organise?lang={lang}")
    sign_in(page, token)
    page.wait_for_selector(f"#pick option[value={session}]", state="attached")
    page.select_option("#pick", session)
    page.wait_for_selector("#edit", state="visible")


def save_times(page, start: str, end: str, **fields: str) -> None:
    """Type new times (and other fields by name) into the edit form and save."""
    for name, value in {"start": start, "end": end, **fields}.items():
        page.fill(f"#f-{name}", value)
    page.click("#edit button[type=submit]")


def test_edit_publish_and_see_the_changelog(site, page, make_token, meeting_id):
    agenda = site["agenda"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    flows.publish(agenda, org, meeting_id, "First version")

    resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "visit", "day": "2030-06-20", "part_of_day": "morning", "title": "Site visit"})
    assert resp.status_code == 201, resp.text

    page.goto(f"{agenda.url}/events/{meeting_id}/organise?lang=en")
    sign_in(page, org)
    assert page.evaluate("() => location.search").count("pod_") == 0  # never in the URL
    page.wait_for_selector("#pick option[value=opening]", state="attached")
    # A part-of-day session is listed by the part's name, not its stored code.
    assert page.locator("#pick option[value=visit]").inner_text() == \
        "2030-06-20 Morning · Site visit"
    page.select_option("#pick", "opening")
    page.wait_for_selector("#edit", state="visible")
    assert page.input_value("#f-title") == "Opening remarks"
    page.fill("#f-start", "15:00")
    page.fill("#f-end", "15:30")
    page.click("#edit button[type=submit]")
    page.wait_for_selector("#edit-status .notice.ok")

    # A field without a value (no capacity: unlimited) shows as a dash, not as None.
    resp = flows.edit_session(agenda, org, f"/api/v1/events/{meeting_id}/sessions/opening",
                              {"capacity": None})
    assert resp.status_code == 200, resp.text
    page.fill("#note", "Opening moved to 15:00")
    page.click("#publish button[type=submit]")
    page.wait_for_selector("#v-2")
    # After the reload that shows the changelog, the desk still says what it did.
    page.wait_for_url("**published=2**")
    assert page.locator("#publish-status").inner_text() == "Published version 2."
    version = page.locator("#v-2").inner_text()
    assert "Opening moved to 15:00" in version and "new time" in version
    assert "start: 14:00 → 15:00" in version
    assert "capacity: 10 → —" in version and "None" not in version
    check_page(page, "organise")


def test_a_stale_edit_says_someone_else_changed_it(site, page, make_token, meeting_id):
    agenda = site["agenda"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)

    page.goto(f"{agenda.url}/events/{meeting_id}/organise?lang=en")
    sign_in(page, org)
    page.wait_for_selector("#pick option[value=opening]", state="attached")
    page.select_option("#pick", "opening")
    page.wait_for_selector("#edit", state="visible")
    # Another organiser saves first; this page still holds the old ETag.
    resp = flows.edit_session(agenda, org, f"/api/v1/events/{meeting_id}/sessions/opening",
                              {"title": "Opening ceremony"})
    assert resp.status_code == 200
    page.fill("#f-title", "Welcome")
    page.click("#edit button[type=submit]")
    alert = page.wait_for_selector("#edit-status .notice.error")
    assert "Someone else changed this session" in alert.inner_text()
    draft = agenda.get(f"/api/v1/events/{meeting_id}/sessions/opening", org).json()
    assert draft["title"] == "Opening ceremony"  # nothing overwritten


def test_a_wrong_token_is_refused_at_sign_in(site, page, meeting_id, make_token):
    agenda = site["agenda"]
    flows.create_meeting(agenda, make_token(meeting_id), meeting_id)
    page.goto(f"{agenda.url}/events/{meeting_id}/organise?lang=en")
    page.fill("#token", "pod_not-a-token")
    page.click("#signin button[type=submit]")
    alert = page.wait_for_selector("#signin-status .notice.error")
    assert "invalid_token" in alert.inner_text()
    assert page.locator("#import").is_hidden()
    check_page(page, "organise-signin")


def _docx(text: str) -> bytes:
    import io

    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_import_a_document_and_review_the_report(site, page, make_token, meeting_id, tmp_path):
    from services.agenda.tests.importer.helpers import read

    agenda = site["agenda"]
    org = make_token(meeting_id)
    text = read("agenda-en-variant.txt").replace(
        "PROVISIONAL AGENDA", "PROVISIONAL AGENDA\n%%% smudged line from the fax %%%")
    flows.create_meeting(agenda, org, meeting_id)
    page.goto(f"{agenda.url}/events/{meeting_id}/organise?lang=en")
    sign_in(page, org)

    page.fill("#import-text", text)  # pasted text
    page.click("#import button[type=submit]")
    page.wait_for_selector("#import-status .notice.ok")
    report = page.locator("#import-report").inner_text()
    assert "11 sessions" in report and "Warnings (1)" in report
    warning = page.locator("#warnings tbody tr").inner_text()
    assert "11" in warning and "smudged line from the fax" in warning
    check_page(page, "organise-import")

    page.fill("#import-text", "")
    docx = tmp_path / "agenda.docx"
    docx.write_bytes(_docx(read("agenda-en-variant.txt")))
    page.set_input_files("#import-file", str(docx))  # a Word upload
    page.click("#import button[type=submit]")
    page.wait_for_selector("#import-report:has-text('Warnings (0)')")
    assert "No warnings." in page.locator("#import-report").inner_text()
    # The session picker now lists the placeholder and the 11 imported sessions.
    page.wait_for_function("() => document.querySelectorAll('#pick option').length === 12")


def test_a_room_clash_is_shown_from_the_body_and_a_second_publish_says_nothing_changed(
        site, page, make_token, meeting_id):
    """A clash naming a title in typographic quotes (it answered 500 when the warning went
    in a header) is worded in the page's language; publishing an unchanged draft again
    publishes nothing, and the desk says so."""
    agenda = site["agenda"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "panel", "day": "2030-06-19", "start": "15:00", "end": "16:00",
        "title": "Panel “Migración segura”", "room": "honor"})
    assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, meeting_id, "First version")

    open_desk(page, agenda, meeting_id, org, "opening", "es")
    save_times(page, "15:30", "16:30", room="honor")
    notice = page.wait_for_selector("#edit-status .notice.warn").inner_text()
    assert notice == ("Guardado. La sala honor también la usa panel (Panel “Migración "
                      "segura”) a esa hora.")
    assert agenda.get(f"/api/v1/events/{meeting_id}/sessions/opening",
                      org).json()["start"] == "15:30"
    check_page(page, "organise-clash-es")

    flows.publish(agenda, org, meeting_id, "Opening moved")
    page.fill("#note", "Otra vez")
    page.click("#publish button[type=submit]")
    status = page.wait_for_selector("#publish-status .notice.ok").inner_text()
    assert status == "Nada cambió desde la versión 2: no se publicó de nuevo."
    versions = agenda.get(f"/api/v1/events/{meeting_id}/versions").json()
    assert [v["version"] for v in versions] == [1, 2]
