"""Word tables saved as text: cells separated by tabs, one row a line.

Word's "Plain text" export writes a table row as "time<TAB>item<TAB>lead"; without
this the lead would be glued to the title. A header row ("TIME<TAB>ACTIVITY<TAB>LEAD",
"HORA<TAB>TEMA<TAB>RESPONSABLE") names what each column holds.
"""

from __future__ import annotations

import re

from .lexicon import COLUMNS, fold
from .text import clean

Cell = tuple[int, str]  # (column, cleaned text)
# A list glyph alone in its cell ("•", "o", "1.", "a)"), as lines.py's bullets start.
_GLYPH_RE = re.compile(
    r"^(?:[\u00b7\u2022\u25cf*\u2023\u2043o\u25e6\u25aa\u25a0\u00a7\uf0b7\uf0a7\u2013-]"
    r"|\d{1,2}[.)]|[a-z][.)])$"
)


def split_cells(raw: str) -> list[Cell]:
    """The non-empty cells of a line with their columns; one cell for a line without tabs."""
    if "\t" not in raw.strip():
        return []  # leading or trailing tabs only: Word's indentation, not a table
    cells = [(column, clean(cell)) for column, cell in enumerate(raw.split("\t"))]
    cells = [(column, text) for column, text in cells if text]
    if len(cells) > 1 and _GLYPH_RE.match(cells[0][1]):
        # "•<TAB>Welcome" is one bullet: Word puts a tab after the list glyph.
        cells[:2] = [(cells[1][0], f"{cells[0][1]} {cells[1][1]}")]
    return cells if len(cells) > 1 else []


def column_roles(cells: list[Cell]) -> list[str] | None:
    """For a header row, the role of each column ("time", "title", "lead", "venue")."""
    roles: dict[int, str] = {}
    for column, text in cells:
        role = COLUMNS.get(fold(text).strip(" :.*"))
        if role is None:
            return None
        roles[column] = role
    if "title" not in roles.values():
        return None
    return [roles.get(column, "") for column in range(max(roles) + 1)]
