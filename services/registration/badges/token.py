"""The badge token a QR code carries: small, binary, signed with Ed25519, nothing private.

Layout (then base64url without padding, about 140 characters for usual ids)::

    version:1 | kid:4 | serial:4 (big-endian) | len:1 meeting | len:1 delegate | signature:64

The signature covers a domain tag plus every byte before it. Parsing is strict: one canonical
encoding only, so no changed character can decode to the same bytes and still pass. This
module is pure (no Redis, no Flask): the server and the offline verifier share it.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = 1
MAX_TOKEN_CHARS = 512
DOMAIN = b"podium-badge-v1\x00"
SIG_LEN = 64
_HEAD = struct.Struct(">B4sI")
_ALPHABET = re.compile(r"^[A-Za-z0-9_-]+$")
_MIN_LEN = _HEAD.size + 1 + 1 + 1 + 1 + SIG_LEN


@dataclass(frozen=True)
class Badge:
    meeting: str
    delegate: str
    serial: int
    kid: str  # 8 hex digits


class BadToken(Exception):
    """The token cannot be trusted; ``reason`` is ``bad_signature`` or ``unknown_key``."""

    def __init__(self, reason: str, badge: Badge | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.badge = badge


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pack(badge: Badge) -> bytes:
    meeting, delegate = badge.meeting.encode(), badge.delegate.encode()
    if not (0 < len(meeting) < 256 and 0 < len(delegate) < 256):
        raise ValueError("meeting and delegate ids must be 1-255 bytes")
    return (_HEAD.pack(VERSION, bytes.fromhex(badge.kid), badge.serial)
            + bytes([len(meeting)]) + meeting + bytes([len(delegate)]) + delegate)


def sign(badge: Badge, key: Ed25519PrivateKey) -> str:
    body = pack(badge)
    return b64encode(body + key.sign(DOMAIN + body))


def parse(token: str | bytes) -> tuple[Badge, bytes, bytes]:
    """Split a token into (badge, signed body, signature); BadToken when malformed."""
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise BadToken("bad_signature") from None
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS \
            or not _ALPHABET.match(token):
        raise BadToken("bad_signature")
    try:
        raw = b64decode(token)
    except (binascii.Error, ValueError):
        raise BadToken("bad_signature") from None
    if b64encode(raw) != token or len(raw) < _MIN_LEN:  # one canonical spelling only
        raise BadToken("bad_signature")
    version, kid, serial = _HEAD.unpack_from(raw)
    at = _HEAD.size
    try:
        meeting, at = _field(raw, at)
        delegate, at = _field(raw, at)
    except (IndexError, UnicodeDecodeError):
        raise BadToken("bad_signature") from None
    if version != VERSION or serial == 0 or len(raw) - at != SIG_LEN:
        raise BadToken("bad_signature")
    return Badge(meeting, delegate, serial, kid.hex()), raw[:at], raw[at:]


def _field(raw: bytes, at: int) -> tuple[str, int]:
    size = raw[at]
    value = raw[at + 1:at + 1 + size]
    if size == 0 or len(value) != size:
        raise IndexError("short field")
    return value.decode("utf-8"), at + 1 + size


def check(token: str | bytes, meeting: str,
          public_key: Callable[[str], Ed25519PublicKey | None]) -> Badge:
    """Return the badge if the token is genuine for this meeting, else raise BadToken.

    ``public_key(kid)`` looks a key up among the meeting's live keys (None when unknown).
    """
    badge, body, signature = parse(token)
    key = public_key(badge.kid)
    if key is None:
        raise BadToken("unknown_key", badge)
    try:
        key.verify(signature, DOMAIN + body)
    except InvalidSignature:
        raise BadToken("bad_signature") from None
    if badge.meeting != meeting:
        # Same kid in two meetings is a 1-in-4-billion accident; never trust it.
        raise BadToken("unknown_key", badge)
    return badge
