"""Pictures of a badge for the door page's camera and photo paths, made from its token."""

from __future__ import annotations

from pathlib import Path

import segno

WIDTH, HEIGHT = 640, 480


def _pixels(token: str, width: int, height: int) -> list[bytearray]:
    """Rows of 8-bit grey pixels: the QR code (with its quiet zone) centred on white."""
    matrix = [list(row) for row in segno.make(token, error="m").matrix_iter(border=4)]
    scale = min(width, height) * 9 // 10 // len(matrix)
    size = scale * len(matrix)
    left, top = (width - size) // 2, (height - size) // 2
    rows = [bytearray(b"\xff" * width) for _ in range(height)]
    for y in range(size):
        line = matrix[y // scale]
        row = rows[top + y]
        for x in range(size):
            if line[x // scale]:
                row[left + x] = 0
    return rows


def y4m(token: str, path: Path, frames: int = 10) -> Path:
    """A YUV4MPEG2 video of the badge, for Chromium's --use-file-for-fake-video-capture."""
    rows = _pixels(token, WIDTH, HEIGHT)
    luma = b"".join(rows)
    chroma = b"\x80" * (WIDTH // 2 * HEIGHT // 2)  # no colour
    frame = b"FRAME\n" + luma + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
                     + frame * frames)
    return path


def png(token: str, path: Path) -> Path:
    """A photo-like PNG of the badge for the page's image-upload fallback."""
    segno.make(token, error="m").save(str(path), kind="png", scale=8, border=4)
    return path
