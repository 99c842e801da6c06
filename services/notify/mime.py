"""A notice's message bytes written directly, in the form the e-mail package would give.

``EmailMessage`` parses back every header it is handed (``headerregistry``) and walks the
tree again to generate it: about 2 ms a message, most of the time a worker needs before the
first e-mail of a notice can leave. What Podium sends always has the same shape (text and
HTML alternatives, then one calendar per changed session, every part 8bit), so it is
written here as the generator writes it (a test compares the two). Anything out of the
ordinary (a part that needs quoted-printable, an odd attachment name) returns None and the
caller builds the message with the e-mail package.
"""

from __future__ import annotations

import re
import uuid
from email import policy
from functools import lru_cache

_NL = b"\r\n"
_PLAIN = re.compile(r"[ -~]*")  # printable ASCII: nothing to encode or fold
_FILENAME = re.compile(r"[A-Za-z0-9._-]{1,60}")


@lru_cache(maxsize=64)
def _folded(name: str, value: str) -> bytes:
    """The policy's own parsing and folding, as the generator does it (cached: senders and
    subjects repeat)."""
    return policy.SMTP.fold_binary(*policy.SMTP.header_store_parse(name, value))


def header(name: str, value: str) -> bytes:
    line = f"{name}: {value}"
    if name in ("From", "To"):  # addresses: written as the policy normalises them
        return _folded(name, value)
    if len(line) <= 78 and _PLAIN.fullmatch(value) and "=?" not in value and \
            value == value.strip() and "  " not in value:
        return line.encode("ascii") + _NL
    return _folded(name, value)


def _body(text: str) -> bytes:
    # What set_content(cte="8bit") stores and the generator writes: lines ending in CRLF.
    return _NL.join(text.encode("utf-8").splitlines()) + _NL


def _text_part(subtype: str, text: str, mime_version: bool) -> bytes:
    head = (f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: 8bit\r\n").encode("ascii")
    return head + (b"MIME-Version: 1.0\r\n" if mime_version else b"") + _NL + _body(text)


def _calendar_part(filename: str, method: str, ics: str) -> bytes:
    head = ("Content-Transfer-Encoding: 8bit\r\n"
            f'Content-Disposition: attachment; filename="{filename}"\r\n'
            f'Content-Type: text/calendar; charset="utf-8"; method="{method}"\r\n'
            "MIME-Version: 1.0\r\n\r\n").encode("ascii")
    return head + _body(ics)


def _multipart(subtype: str, parts: list[bytes]) -> tuple[bytes, bytes]:
    """(Content-Type line, body) of a multipart holding these parts."""
    boundary = f"=_podium_{uuid.uuid4().hex}"
    while any(boundary.encode() in part for part in parts):  # practically never
        boundary = f"=_podium_{uuid.uuid4().hex}"
    mark = b"--" + boundary.encode("ascii")
    body = mark + _NL + (_NL + mark + _NL).join(parts) + _NL + mark + b"--" + _NL
    # Folded before the boundary, as the generator folds it (a new boundary each time: the
    # policy's folder would parse it afresh every time).
    head = f'Content-Type: multipart/{subtype};\r\n boundary="{boundary}"\r\n'
    return head.encode("ascii"), body


def message(headers: list[tuple[str, str]], text: str, html: str,
            calendars: list[tuple[str, str, str]]) -> bytes | None:
    """The whole message, or None when it is not of the ordinary shape (see above)."""
    if not all(_FILENAME.fullmatch(name) and method.isalpha() for name, method, _ in calendars):
        return None
    alt_type, alt_body = _multipart("alternative", [_text_part("plain", text, False),
                                                    _text_part("html", html, True)])
    if calendars:
        inner = alt_type + _NL + alt_body
        top_type, top_body = _multipart("mixed", [inner, *(
            _calendar_part(*cal) for cal in calendars)])
    else:
        top_type, top_body = alt_type, alt_body
    head = b"".join(header(name, value) for name, value in headers)
    return head + b"MIME-Version: 1.0\r\n" + top_type + _NL + top_body
