"""A chunk claimed and read in one round trip: the same verdicts, records and payloads as
the separate calls, also after Redis has lost its scripts (a restart)."""

from __future__ import annotations

from services.notify import chunks, claims, directory, planner, records


def _notice(r, eid: str, nid: str = "bc-1") -> str:
    people = {"ana": "en", "ben": "es", "eva": "en"}
    for did, lang in people.items():
        directory.upsert(r, eid, {"id": did, "name": did.title(), "language": lang,
                                  "email": f"{did}@example.org"})
    planner.store_notice(r, eid, nid, "broadcast", {"p1": {"n": 1}, "p2": {"n": 2}},
                         {"ana": "p1", "ben": "p2", "eva": "p1"})
    return nid


def test_a_chunk_comes_with_its_claims_records_and_payloads(r, meeting_id):
    nid = _notice(r, meeting_id)
    assert claims.claim(r, records.place(meeting_id, nid), ["eva"], "other-1", 60) == ["1"]
    chunk = chunks.fetch(r, meeting_id, nid, ["ana", "ben", "eva"], "me-1", 60,
                         with_notice=True)
    assert '"id": "bc-1"' in chunk.notice
    assert chunk.verdicts == ["1", "1", "held"]
    assert chunk.claimed == {"ana": 1, "ben": 1}
    assert [p["email"] for p in chunk.people] == ["ana@example.org", "ben@example.org",
                                                  "eva@example.org"]
    assert chunk.pkeys == ["p1", "p2", "p1"]
    assert chunk.payloads == {"p1": {"n": 1}, "p2": {"n": 2}}
    # Payloads the task holds already are not sent again.
    claims.release(r, records.place(meeting_id, nid), ["ana", "ben"], "me-1")
    again = chunks.fetch(r, meeting_id, nid, ["ana", "ben"], "me-2", 60, known=["p1"])
    assert again.verdicts == ["1", "1"] and again.payloads == {"p2": {"n": 2}}


def test_scripts_lost_by_redis_are_loaded_again(r, meeting_id):
    nid = _notice(r, meeting_id)
    r.script_flush()
    chunk = chunks.fetch(r, meeting_id, nid, ["ana", "ben"], "me-1", 60)
    assert chunk.verdicts == ["1", "1"] and chunk.pkeys == ["p1", "p2"]
    assert chunk.payloads == {"p1": {"n": 1}, "p2": {"n": 2}}
    # The claims were taken: a second worker is held off.
    assert claims.claim(r, records.place(meeting_id, nid), ["ana", "ben"], "other-1",
                        60) == ["held", "held"]


def test_a_one_recipient_notice_is_claimed_read_and_restamped_in_its_one_field(r, meeting_id):
    """A registration-like notice: its payload comes with the claim, survives the sweep's
    re-stamp as it was (empty lists, accents), and a second worker is held off."""
    eid, nid = meeting_id, "acc-1-0"
    directory.upsert(r, eid, {"id": "ana", "name": "Ana Peña", "email": "ana@example.org",
                              "language": "es"})
    content = {"scopes": [], "reason": "Pasaporte vencido", "still_accredited": False}
    planner.store_notice(r, eid, nid, "accreditation_rejected", {"p": content}, {"ana": "p"})
    where = records.place(eid, nid)
    assert where.solo
    assert claims.restamp(r, where, ["ana"], "2030-01-01T00:00:00.000Z") == ["ana"]
    chunk = chunks.fetch(r, eid, nid, ["ana"], "me-1", 60, with_notice=True)
    assert chunk.verdicts == ["1"] and chunk.people[0]["name"] == "Ana Peña"
    assert chunk.pkeys == ["p"] and chunk.payloads == {"p": content}
    assert records.notice(nid, chunk.notice)["kind"] == "accreditation_rejected"
    assert claims.claim(r, where, ["ana"], "other-1", 60) == ["held"]
