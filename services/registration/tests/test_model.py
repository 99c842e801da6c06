"""Property-based: random sequences of register, sign up, cancel, change capacity (through an
agenda version applied by the consumer) and accreditation decisions, against an in-memory
model of the rules. Any difference between Redis and the model fails the test."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from services.registration import accreditation, keys
from services.registration import operations as ops
from services.registration.tests.helpers import publish_copy, session
from shared.errors import Problem

pytestmark = pytest.mark.slow
# id -> (start, end, access, slug); "a" and "b" overlap, "c" is apart.
SESSIONS = {"a": ("09:00", "10:00", "open", None),
            "b": ("09:30", "10:30", "accredited", "general"),
            "c": ("11:00", "12:00", "accredited", "child")}
EMAILS = ["ana@example.org", "ANA@example.org", "luis@example.org", "eva@example.org",
          "tom@example.org", "Tom@Example.org", "zoe@example.org"]
CAPS = st.one_of(st.none(), st.integers(0, 3))


class Model:
    def __init__(self) -> None:
        self.cap: dict[str, int | None] = {"a": 1, "b": 1, "c": 2}
        self.confirmed: dict[str, list[str]] = {s: [] for s in SESSIONS}
        self.waitlist: dict[str, list[str]] = {s: [] for s in SESSIONS}
        self.mine: dict[str, dict[str, str]] = {}
        self.status: dict[str, str] = {}
        self.scopes: dict[str, set[str]] = {}

    def covered(self, did: str, sid: str) -> bool:
        _s, _e, access, slug = SESSIONS[sid]
        return access == "open" or (self.status[did] == "approved" and bool(
            self.scopes[did] & {"general", slug}))

    def promote(self, sid: str) -> None:
        cap = self.cap[sid]
        while self.waitlist[sid] and (cap is None or len(self.confirmed[sid]) < cap):
            did = self.waitlist[sid].pop(0)
            self.confirmed[sid].append(did)
            self.mine[did][sid] = "confirmed"

    def sign_up(self, did: str, sid: str) -> str:
        if sid in self.mine[did]:
            return self.mine[did][sid]
        if not self.covered(did, sid):
            return "not_accredited"
        start, end = SESSIONS[sid][:2]
        for other in self.mine[did]:
            if SESSIONS[other][0] < end and start < SESSIONS[other][1]:
                return "conflict"
        cap = self.cap[sid]
        if cap is None or len(self.confirmed[sid]) < cap:
            self.confirmed[sid].append(did)
            self.mine[did][sid] = "confirmed"
        else:
            self.waitlist[sid].append(did)
            self.mine[did][sid] = "waitlisted"
        return self.mine[did][sid]

    def leave(self, did: str, sid: str) -> str:
        state = self.mine[did].pop(sid, None)
        if state is None:
            return "not_signed_up"
        (self.confirmed if state == "confirmed" else self.waitlist)[sid].remove(did)
        if state == "confirmed":
            self.promote(sid)
        return state

    def decide(self, did: str, decision: str, scopes: list[str]) -> str:
        before = self.status[did]
        if decision == "approve":
            self.scopes[did] |= set(scopes or ["general"])
            self.status[did] = "approved"
        elif before == "approved" and decision == "reject" or \
                before != "approved" and decision == "revoke":
            return "invalid_transition"
        elif decision == "reject":
            self.scopes[did], self.status[did] = set(), "rejected"
        else:
            self.scopes[did] = self.scopes[did] - set(scopes) if scopes else set()
            self.status[did] = "approved" if self.scopes[did] else "revoked"
        for sid in [s for s in self.mine[did] if not self.covered(did, s)]:
            self.leave(did, sid)
        return self.status[did]


@pytest.mark.timeout(600)
def test_redis_matches_the_model(r):
    class Machine(RuleBasedStateMachine):
        @initialize()
        def meeting(self):
            self.eid = "t-" + uuid.uuid4().hex[:10]
            self.version = 0
            self.model = Model()
            self.ids: dict[str, str] = {}  # normalised e-mail -> delegate id
            self.publish()

        def publish(self):
            self.version += 1
            publish_copy(r, self.eid, [
                session(sid, start, end, access=access, accreditation=slug,
                        capacity=self.model.cap[sid])
                for sid, (start, end, access, slug) in SESSIONS.items()], self.version)

        def delegate(self, index: int) -> str | None:
            ids = sorted(self.ids.values())
            return ids[index % len(ids)] if ids else None

        @rule(email=st.sampled_from(EMAILS))
        def register(self, email):
            data = {"name": "X", "email": email, "delegation": "D", "category": "press",
                    "language": "en"}
            delegate, created = ops.register(r, self.eid, data, public_url="", secret="s",
                                             by_organiser=False)
            norm = email.casefold()
            assert created == (norm not in self.ids)
            if created:
                self.ids[norm] = delegate["id"]
                self.model.mine[delegate["id"]] = {}
                self.model.status[delegate["id"]], self.model.scopes[delegate["id"]] = \
                    "pending", set()
            assert delegate["id"] == self.ids[norm]

        @rule(who=st.integers(0, 10), sid=st.sampled_from(sorted(SESSIONS)))
        def sign_up(self, who, sid):
            did = self.delegate(who)
            if did is None:
                return
            expected = self.model.sign_up(did, sid)
            try:
                got = ops.sign_up(r, self.eid, did, sid)["state"]
            except Problem as exc:
                got = exc.reason
            assert got == expected

        @rule(who=st.integers(0, 10), sid=st.sampled_from(sorted(SESSIONS)))
        def cancel(self, who, sid):
            did = self.delegate(who)
            if did is None:
                return
            expected = self.model.leave(did, sid)
            try:
                got = ops.leave(r, self.eid, did, sid)["was"]
            except Problem as exc:
                got = exc.reason
            assert got == expected

        @rule(sid=st.sampled_from(sorted(SESSIONS)), cap=CAPS)
        def change_capacity(self, sid, cap):
            self.model.cap[sid] = cap
            self.model.promote(sid)
            self.publish()

        @rule(who=st.integers(0, 10), decision=st.sampled_from(["approve", "reject", "revoke"]),
              scopes=st.lists(st.sampled_from(["general", "child"]), max_size=2, unique=True))
        def decide(self, who, decision, scopes):
            did = self.delegate(who)
            if did is None:
                return
            expected = self.model.decide(did, decision, scopes)
            try:
                got = accreditation.decide(r, self.eid, did, decision, scopes, "why",
                                           {"token": "t", "label": ""})["accreditation"]
            except Problem as exc:
                got = exc.reason
            assert got == expected

        @invariant()
        def same_state(self):
            if not hasattr(self, "eid"):
                return
            for sid in SESSIONS:
                confirmed = r.zrange(keys.confirmed(self.eid, sid), 0, -1)
                assert sorted(confirmed) == sorted(self.model.confirmed[sid]), sid
                assert r.zrange(keys.waitlist(self.eid, sid), 0, -1) == \
                    self.model.waitlist[sid], sid
            for did, mine in self.model.mine.items():
                assert r.hgetall(keys.mine(self.eid, did)) == mine
                d = ops.get_delegate(r, self.eid, did)
                assert d["accreditation"] == self.model.status[did]
                assert set(d["scopes"]) == self.model.scopes[did]

    Machine.TestCase.settings = settings(max_examples=100, stateful_step_count=50,
                                         deadline=None)
    Machine.TestCase().runTest()
