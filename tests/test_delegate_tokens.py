"""Personal tokens are made by itsdangerous and checked by ``auth.unsign``: the two must agree.

``unsign`` exists because checking through itsdangerous was a tenth of a sign-up's CPU; it
is only acceptable if it accepts exactly the tokens itsdangerous accepts (and nothing
itsdangerous refuses), whatever the payload, secret or damage.
"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import BadSignature, URLSafeTimedSerializer

from shared import auth

SALT = "podium-delegate-access"
ids = st.text(min_size=0, max_size=300)  # event and delegate ids, any Unicode
secrets_ = st.text(min_size=1, max_size=64)


def reference(secret: str, raw: str):
    """itsdangerous's own answer: (payload, signed at) or None."""
    try:
        payload, at = URLSafeTimedSerializer(secret, salt=SALT).loads(raw, return_timestamp=True)
    except BadSignature:
        return None
    return payload, int(at.timestamp())


@settings(max_examples=300, deadline=None)
@given(secret=secrets_, event=ids, delegate=ids)
def test_every_genuine_token_is_read_as_itsdangerous_reads_it(secret, event, delegate):
    raw = auth.delegate_token(secret, event, delegate)
    assert auth.unsign(secret, raw) == reference(secret, raw)
    assert auth.unsign(secret, raw)[0] == {"e": event, "d": delegate}


@settings(max_examples=300, deadline=None)
@given(secret=secrets_, other=secrets_, event=ids, delegate=ids)
def test_a_token_signed_with_another_secret_is_refused(secret, other, event, delegate):
    raw = auth.delegate_token(other, event, delegate)
    if other != secret:
        assert auth.unsign(secret, raw) is None
        assert reference(secret, raw) is None


@settings(max_examples=500, deadline=None)
@given(event=ids, delegate=ids, data=st.data())
def test_a_damaged_token_is_refused_whenever_itsdangerous_refuses_it(event, delegate, data):
    secret = "s3cret"
    raw = auth.delegate_token(secret, event, delegate)
    damage = data.draw(st.sampled_from(["flip", "cut", "insert", "extend"]))
    at = data.draw(st.integers(0, len(raw) - 1))
    char = data.draw(st.sampled_from(string.ascii_letters + string.digits + "-_.=é\n"))
    if damage == "flip":
        bad = raw[:at] + char + raw[at + 1:]
    elif damage == "cut":
        bad = raw[:at]
    elif damage == "insert":
        bad = raw[:at] + char + raw[at:]
    else:
        bad = raw + char
    ours, theirs = auth.unsign(secret, bad), reference(secret, bad)
    if theirs is None:
        assert ours is None, f"accepted {bad!r}, which itsdangerous refuses"
    elif ours is None:
        # Only where itsdangerous's lenient base64 ignores what was done to the signature's
        # padding or tail: the signed part must be untouched.
        assert bad.rsplit(".", 1)[0] == raw.rsplit(".", 1)[0]
    else:
        assert ours == theirs


@given(st.text(max_size=200))
def test_garbage_is_refused_without_an_error(raw):
    assert auth.unsign("s3cret", raw) is None or reference("s3cret", raw) is not None


def test_the_stricter_reading_of_a_signature_s_unused_bits():
    # 20 bytes of HMAC take 27 base64 characters: the last one's two low bits carry nothing,
    # so itsdangerous also accepts the signature with those bits changed. We accept only the
    # signature as written (nothing forged either way: the HMAC bytes are the same).
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    raw = auth.delegate_token("s3cret", "m1", "d1")
    twin = raw[:-1] + alphabet[alphabet.index(raw[-1]) ^ 1]
    assert reference("s3cret", twin) is not None, "itsdangerous is lenient here"
    assert auth.unsign("s3cret", twin) is None
    assert auth.unsign("s3cret", raw) is not None


def test_a_compressed_payload_is_read_too():
    # itsdangerous zlib-compresses a payload when that makes it shorter (long, repetitive
    # ids): such tokens must still work.
    raw = auth.delegate_token("s3cret", "m" * 200, "d" * 200)
    assert raw.startswith(".")
    assert auth.unsign("s3cret", raw) == reference("s3cret", raw)
    assert auth.unsign("s3cret", raw)[0] == {"e": "m" * 200, "d": "d" * 200}
