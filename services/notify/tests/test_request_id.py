"""One request id follows a publish from the HTTP request to the e-mail: agenda request ->
bus event -> notify consumer -> Celery task (and its logs) -> X-Podium-Request-Id header."""

from __future__ import annotations

import json
import uuid

from conftest import wait_until
from services.notify.tests.conftest import notice_settled
from tests import flows

API = "/api/v1/events/"


def test_the_request_id_of_a_publish_reaches_the_change_email(suite, meeting_id, make_token,
                                                              mailbox):
    agenda, registration, notify = suite["agenda"], suite["registration"], suite["notify"]
    org, eid = make_token(meeting_id), meeting_id
    session = flows.create_meeting(agenda, org, eid)
    flows.publish(agenda, org, eid)
    email = f"rita.{eid}@example.org"
    did, token = flows.register(registration, mailbox, eid, email, "Rita")
    assert flows.sign_up(registration, eid, did, token, session).status_code == 201
    assert flows.edit_session(agenda, org, f"{API}{eid}/sessions/{session}",
                              {"start": "16:00", "end": "16:15"}).status_code == 200
    rid = "abc" + uuid.uuid4().hex[:12]
    resp = agenda.post(f"{API}{eid}/publish", org, json={"note": "Moved"},
                       headers={"X-Request-Id": rid})
    assert resp.status_code == 201 and resp.headers["X-Request-Id"] == rid
    notice_settled(notify, org, eid, "chg-v2", 1)
    (mail,) = wait_until(lambda: [m for m in mailbox.to(email)
                                  if str(m["Podium-Notice"]) == f"{eid}/chg-v2"])
    assert mail["X-Podium-Request-Id"] == rid
    # Mails caused by other requests carry their own ids, never this one.
    others = [m for m in mailbox.to(email) if m is not mail]
    assert others and all(m["X-Podium-Request-Id"] != rid for m in others)


def test_a_broadcast_carries_the_request_id_of_its_post_into_mail_and_worker_logs(
        suite, meeting_id, make_token, mailbox, make_delegate, notify_worker):
    notify, org, eid = suite["notify"], make_token(meeting_id), meeting_id
    person = make_delegate(eid, "ana", welcome=False)
    bad = make_delegate(eid, "bad", welcome=False)
    mailbox.replies[bad["email"].lower()] = "550 No such user here"
    wait_until(lambda: notify.post(f"{API}{eid}/notices/preview", org, json={
        "subject": "s", "body": "b", "audience": {"kind": "everybody"}}).json().get(
        "count") == 2)
    rid = "abc-" + uuid.uuid4().hex[:12]
    resp = notify.post(f"{API}{eid}/notices", org, headers={"X-Request-Id": rid}, json={
        "subject": "Shuttle", "body": "At 8:00.", "audience": {"kind": "everybody"}})
    assert resp.status_code == 202
    (mail,) = wait_until(lambda: mailbox.to(person["email"]))
    assert mail["X-Podium-Request-Id"] == rid
    # The worker's warning about the refused address is logged under the same id.
    nid = resp.json()["id"]

    def logged():
        for line in notify_worker.log.read_text(errors="replace").splitlines():
            if nid in line and line.startswith("{"):
                return json.loads(line)
        return None

    entry = wait_until(logged)
    assert entry["request_id"] == rid and "550" in entry["msg"]


def test_a_request_id_unfit_for_a_header_is_replaced(suite, meeting_id, make_token, mailbox,
                                                     make_delegate):
    notify, org, eid = suite["notify"], make_token(meeting_id), meeting_id
    person = make_delegate(eid, "ben", welcome=False)
    wait_until(lambda: notify.post(f"{API}{eid}/notices/preview", org, json={
        "subject": "s", "body": "b", "audience": {"kind": "everybody"}}).status_code == 200)
    resp = notify.post(f"{API}{eid}/notices", org, headers={"X-Request-Id": "a b:c"}, json={
        "subject": "Shuttle", "body": "At 8:00.", "audience": {"kind": "everybody"}})
    assert resp.status_code == 202
    (mail,) = wait_until(lambda: mailbox.to(person["email"]))
    assert mail["X-Podium-Request-Id"] == resp.headers["X-Request-Id"] != "a b:c"
