"""Accreditation: decisions with reasons, audit trail, bus events, scoped access, revocation."""

from __future__ import annotations

from services.registration.tests.helpers import (
    API,
    events,
    publish_copy,
    register,
    seats,
    session,
    token_for,
)


def _decide(registration, org, event_id, did, decision, reason="checked", scopes=None):
    body = {"decision": decision, "reason": reason}
    if scopes is not None:
        body["scopes"] = scopes
    return registration.post(f"{API}{event_id}/delegates/{did}/accreditation", org, json=body)


def _sign_up(registration, event_id, did, sid):
    return registration.post(f"{API}{event_id}/delegates/{did}/sessions",
                             token_for(registration, did, event_id), json={"session": sid})


def test_decisions_are_audited_and_announced(registration, r, meeting_id, make_token):
    publish_copy(r, meeting_id, [session("a")])
    org = make_token(meeting_id, label="Accreditation desk")
    d = register(registration, meeting_id, "ana@example.org")
    resp = _decide(registration, org, meeting_id, d["id"], "approve", "Passport checked")
    assert resp.status_code == 200 and resp.json()["accreditation"] == "approved"
    assert resp.json()["scopes"] == ["general"]
    resp = _decide(registration, org, meeting_id, d["id"], "reject", "too late")
    assert resp.status_code == 409 and resp.json()["reason"] == "invalid_transition"
    assert _decide(registration, org, meeting_id, d["id"], "revoke",
                   "Left the delegation").json()["accreditation"] == "revoked"
    audit = registration.get(f"{API}{meeting_id}/delegates/{d['id']}/accreditation", org).json()
    assert audit["accreditation"] == "revoked" and audit["scopes"] == []
    assert [(a["decision"], a["before"], a["after"], a["reason"]) for a in audit["audit"]] == [
        ("approve", "pending", "approved", "Passport checked"),
        ("revoke", "approved", "revoked", "Left the delegation")]
    assert audit["audit"][0]["by"]["label"] == "Accreditation desk"
    assert audit["audit"][0]["by"]["token"] and audit["audit"][0]["at"]
    announced = [(t, data) for t, data in events(r, meeting_id)
                 if t.startswith("registration.accreditation.")]
    assert [t for t, _ in announced] == ["registration.accreditation.approved",
                                         "registration.accreditation.revoked"]
    assert announced[0][1]["delegate"]["email"] == "ana@example.org"
    assert announced[0][1]["reason"] == "Passport checked" and announced[0][1]["scopes"] == [
        "general"]
    # Delegates can neither read the audit nor decide.
    mine = token_for(registration, d["id"], meeting_id)
    assert registration.get(f"{API}{meeting_id}/delegates/{d['id']}/accreditation",
                            mine).status_code == 403
    assert _decide(registration, mine, meeting_id, d["id"], "approve").status_code == 403


def test_scoped_accreditation_opens_only_its_sessions(registration, r, meeting_id, make_token):
    publish_copy(r, meeting_id, [
        session("child", "09:00", "10:00", access="accredited", accreditation="child-protection"),
        session("closed", "11:00", "12:00", access="accredited", accreditation="ministers"),
        session("open", "14:00", "15:00")])
    org = make_token(meeting_id)
    d = register(registration, meeting_id, "ana@example.org")
    resp = _sign_up(registration, meeting_id, d["id"], "child")
    assert resp.status_code == 403 and resp.json()["reason"] == "not_accredited"
    # Still undecided: the refusal says a decision is to come, and by e-mail.
    assert resp.json()["accreditation"] == "pending" and "pending" in resp.json()["detail"]
    assert _sign_up(registration, meeting_id, d["id"], "open").status_code == 201
    _decide(registration, org, meeting_id, d["id"], "approve", scopes=["child-protection"])
    assert _sign_up(registration, meeting_id, d["id"], "child").status_code == 201
    resp = _sign_up(registration, meeting_id, d["id"], "closed")
    assert resp.json()["reason"] == "not_accredited"
    assert resp.json()["accreditation"] == "approved" and "does not cover" in resp.json()[
        "detail"]


def test_revoking_removes_from_uncovered_sessions_and_promotes(registration, r, meeting_id,
                                                                make_token):
    publish_copy(r, meeting_id, [
        session("child", "09:00", "10:00", capacity=1, access="accredited",
                accreditation="child-protection"),
        session("general", "11:00", "12:00", capacity=1, access="accredited"),
        session("open", "14:00", "15:00")])
    org = make_token(meeting_id)
    ana, luis = (register(registration, meeting_id, f"{n}@example.org") for n in ("ana", "luis"))
    for d in (ana, luis):
        _decide(registration, org, meeting_id, d["id"], "approve",
                scopes=["general", "child-protection"])
        for sid in ("child", "general", "open"):
            assert _sign_up(registration, meeting_id, d["id"], sid).status_code == 201
    assert seats(r, meeting_id, "child") == ([ana["id"]], [luis["id"]])
    # Ana keeps child-protection but loses general: out of "general" only, Luis promoted.
    resp = _decide(registration, org, meeting_id, ana["id"], "revoke", "scope ended",
                   scopes=["general"])
    assert resp.json() == {"accreditation": "approved", "scopes": ["child-protection"],
                           "removed_from": ["general"]}
    assert seats(r, meeting_id, "general") == ([luis["id"]], [])
    assert seats(r, meeting_id, "child") == ([ana["id"]], [luis["id"]])
    # Luis loses everything: out of both restricted sessions (seat and waitlist), open stays.
    resp = _decide(registration, org, meeting_id, luis["id"], "revoke", "fraud")
    assert sorted(resp.json()["removed_from"]) == ["child", "general"]
    assert seats(r, meeting_id, "general") == ([], [])
    assert seats(r, meeting_id, "child") == ([ana["id"]], [])
    assert set(seats(r, meeting_id, "open")[0]) == {ana["id"], luis["id"]}
    said = [(t, data) for t, data in events(r, meeting_id)]
    cancelled = [data for t, data in said if t == "registration.signup.cancelled"]
    assert {(c["delegate"], c["session"], c["state"], c["reason"]) for c in cancelled} == {
        (ana["id"], "general", "confirmed", "accreditation_revoked"),
        (luis["id"], "general", "confirmed", "accreditation_revoked"),
        (luis["id"], "child", "waitlisted", "accreditation_revoked")}
    promoted = [data for t, data in said if t == "registration.signup.promoted"]
    assert [(p["delegate"], p["session"]) for p in promoted] == [(luis["id"], "general")]


def test_the_queue_filters_by_status_delegation_and_category(registration, r, meeting_id,
                                                              make_token):
    publish_copy(r, meeting_id, [session("a")])
    org = make_token(meeting_id)
    a = register(registration, meeting_id, "a@example.org", delegation="Mexico")
    b = register(registration, meeting_id, "b@example.org", delegation="Mexico", category="press")
    c = register(registration, meeting_id, "c@example.org", delegation="IOM",
                 category="observer_organisation")
    _decide(registration, org, meeting_id, a["id"], "approve")

    def ids(query):
        resp = registration.get(f"{API}{meeting_id}/delegates?{query}", org)
        assert resp.status_code == 200, resp.text
        return [d["id"] for d in resp.json()["delegates"]]

    assert ids("accreditation=pending") == [b["id"], c["id"]]
    assert ids("delegation=Mexico") == [a["id"], b["id"]]
    assert ids("delegation=Mexico&accreditation=pending&category=press") == [b["id"]]
    assert ids("limit=1&offset=1") == [b["id"]]
    resp = registration.get(f"{API}{meeting_id}/delegates?accreditation=maybe", org)
    assert resp.status_code == 422
    assert registration.get(f"{API}{meeting_id}/delegates",
                            token_for(registration, a["id"], meeting_id)).status_code == 403


def test_an_unknown_scope_is_refused_and_nothing_is_stored(registration, r, meeting_id,
                                                           make_token):
    """Walkthrough finding: a misspelt scope was accepted and e-mailed to the delegate."""
    from services.registration import keys

    publish_copy(r, meeting_id, [
        session("child", "09:00", "10:00", access="accredited", accreditation="child-protection"),
        session("closed", "11:00", "12:00", access="accredited", accreditation="ministers"),
        session("open", "14:00", "15:00")])
    org = make_token(meeting_id)
    d = register(registration, meeting_id, "ana@example.org")
    before = len(events(r, meeting_id))
    for scopes in (["workshop-typo"], ["general", "workshop-typo"], ["open"]):
        resp = _decide(registration, org, meeting_id, d["id"], "approve", scopes=scopes)
        assert resp.status_code == 422, resp.text
        problem = resp.json()
        assert resp.headers["Content-Type"] == "application/problem+json"
        assert problem["reason"] == "unknown_scope"
        assert scopes[-1] in problem["detail"]
        # The known ones are named, so the organiser can correct the spelling.
        assert "child-protection" in problem["detail"] and "Session child" in problem["detail"]
        assert problem["errors"]["scopes"] and problem["known_scopes"] == [
            "child-protection", "general", "ministers"]
    assert r.hget(keys.delegate(meeting_id, d["id"]), "accreditation") == "pending"
    assert not r.exists(keys.accreditation(meeting_id, d["id"]))
    assert not r.exists(keys.audit(meeting_id, d["id"]))
    assert len(events(r, meeting_id)) == before  # nothing announced, so nobody e-mailed

    # A typo in a revocation is refused too, and takes nothing away.
    assert _decide(registration, org, meeting_id, d["id"], "approve",
                   scopes=["child-protection"]).status_code == 200
    resp = _decide(registration, org, meeting_id, d["id"], "revoke", scopes=["child-protektion"])
    assert resp.status_code == 422 and resp.json()["reason"] == "unknown_scope"
    audit = registration.get(f"{API}{meeting_id}/delegates/{d['id']}/accreditation", org).json()
    assert audit["scopes"] == ["child-protection"] and len(audit["audit"]) == 1


def test_a_held_scope_can_be_revoked_after_its_session_opened(registration, r, meeting_id,
                                                              make_token):
    """A scope the delegate holds stays revocable when no restricted session uses it any more."""
    publish_copy(r, meeting_id, [session("child", "09:00", "10:00", access="accredited",
                                         accreditation="child-protection")])
    org = make_token(meeting_id)
    d = register(registration, meeting_id, "ana@example.org")
    assert _decide(registration, org, meeting_id, d["id"], "approve",
                   scopes=["child-protection"]).status_code == 200
    publish_copy(r, meeting_id, [session("child", "09:00", "10:00")], version=2)
    assert _decide(registration, org, meeting_id, d["id"], "approve",
                   scopes=["child-protection"]).json()["reason"] == "unknown_scope"
    resp = _decide(registration, org, meeting_id, d["id"], "revoke", scopes=["child-protection"])
    assert resp.status_code == 200 and resp.json()["accreditation"] == "revoked"


def test_the_queue_shows_each_delegates_scopes(registration, r, meeting_id, make_token):
    publish_copy(r, meeting_id, [session("child", "09:00", "10:00", access="accredited",
                                         accreditation="child-protection")])
    org = make_token(meeting_id)
    a, b = (register(registration, meeting_id, f"{n}@example.org") for n in ("a", "b"))
    _decide(registration, org, meeting_id, a["id"], "approve", scopes=["child-protection"])
    listed = registration.get(f"{API}{meeting_id}/delegates", org).json()["delegates"]
    assert {d["id"]: d["scopes"] for d in listed} == {a["id"]: ["child-protection"],
                                                       b["id"]: []}
