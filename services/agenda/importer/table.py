"""Word tables saved as text: cells separated by tabs, one row a line.

Word's "Plain text" export writes a table row as "time<TAB>item<TAB>lead"; without
this the lead would be glued to the title. A header row ("TIME<TAB>ACTIVITY<TAB>LEAD",
"HORA<TAB>TEMA<TAB>RESPONSABLE") names what each column holds.
"""

from __future__ import annotations

from .lexicon import COLUMNS, fold
from .text import clean

Cell = tuple[int, str]  # (column, cleaned text)


def split_cells(raw: str) -> list[Cell]:
    """The non-empty cells of a line with their columns; one cell for a line without tabs."""
    if "\t" not in raw.strip():
        return []  # leading or trailing tabs only: Word's indentation, not a table
    cells = [(column, clean(cell)) for column, cell in enumerate(raw.split("\t"))]
    return [(column, text) for column, text in cells if text]


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
