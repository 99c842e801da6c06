"""Badge images (the QR, via segno) and printable A4 sheets of badges."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]))
# Badges per A4 sheet -> grid columns (the sheet is portrait, 2 columns from 2 badges on).
LAYOUTS = {1: 1, 2: 1, 4: 2, 6: 2, 8: 2}


def _qr(token: str) -> segno.QRCode:
    # Medium error correction survives a scuffed or folded badge; the token is ASCII.
    return segno.make_qr(token, error="m")


def svg(token: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    _qr(token).save(out, kind="svg", scale=scale, border=2)
    return out.getvalue()


def png(token: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    _qr(token).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def sheet(meeting: str, badges: list[dict], per_page: int) -> str:
    """HTML for the printer: each badge has name, delegation, category and its QR."""
    for badge in badges:
        badge["qr"] = _qr(badge["token"]).svg_inline(scale=3, border=2)
    pages = [badges[i:i + per_page] for i in range(0, len(badges), per_page)] or [[]]
    return _env.get_template("sheet.html").render(
        meeting=meeting, pages=pages, per_page=per_page, columns=LAYOUTS[per_page])
