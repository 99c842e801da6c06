"""The scan body's fast path accepts nothing the schema refuses, and loads what it loads."""

from __future__ import annotations

import marshmallow as ma
from hypothesis import given, settings
from hypothesis import strategies as st

from services.registration.gate.parsing import plain_scan
from services.registration.gate.schemas import ScanSchema

_schema = ScanSchema()
_ids = st.one_of(st.sampled_from(["plenary", "hall", "a", "x" * 100, "x" * 101, "", "-a",
                                  "a.b_c-d", "abc\n", "a b", "é"]),
                 st.text(alphabet="ab9_.-\n ", max_size=12))
_values = {
    "token": st.one_of(st.text(max_size=20), st.just("A" * 8193), st.integers(), st.none()),
    "nonce": st.one_of(st.sampled_from(["abcdefgh", "abc", "n" * 100, "n" * 101,
                                        "abcdefgh\n", "abcd efgh"]), st.integers()),
    "session": st.one_of(_ids, st.none(), st.integers()),
    "room": st.one_of(_ids, st.none(), st.booleans()),
    "direction": st.sampled_from(["in", "out", "IN", "", None, 1, True]),
    "scanned_at": st.sampled_from(["2020-01-01T00:00:00Z", "nonsense"]),
    "extra": st.integers(),
}
_bodies = st.one_of(
    st.fixed_dictionaries({}, optional=_values),
    st.lists(st.integers(), max_size=2), st.text(max_size=5), st.none())


@settings(max_examples=1500, deadline=None)
@given(_bodies)
def test_the_fast_path_agrees_with_the_schema(body):
    fast = plain_scan(body)
    try:
        loaded = dict(_schema.load(body))
    except ma.ValidationError:
        assert fast is None  # every refusal is left to the schema, which words it
        return
    if fast is not None:
        assert fast == loaded


def test_a_usual_scan_takes_the_fast_path():
    body = {"token": "abc", "nonce": "n-0001-abcd", "session": "plenary"}
    assert plain_scan(body) == {**body, "direction": "in"} == dict(_schema.load(body))
    assert plain_scan({**body, "direction": "out"})["direction"] == "out"
