"""The extra cells of a Word table row (see table.py): a mixin of BodyParser.

A cell under a "LEAD"/"RESPONSABLE" column adds leads, one under "VENUE"/"LUGAR" names
the room. Without a header row, a cell after the title is read by what it says
("Moderator: IOM", "Venue: Sala 2", "Sala 2"), and otherwise as the lead: in the genre
the column after the item is who leads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .drafts import Draft, restrict
from .lexicon import ROOM_START_RE, fold
from .lines import Line, classify
from .table import Cell
from .text import split_leads

if TYPE_CHECKING:
    from .parser import BodyParser


class RowMixin:
    def on_columns(self: BodyParser, line: Line, index: int) -> None:
        self.columns = line.data["roles"]
        self.tabular = True
        self.event_lines.append(line.number)

    def main_cell(self: BodyParser, line: Line) -> tuple[Line, list[Cell]]:
        """In a table, a bullet or text line with cells is its first cell plus extras."""
        cells = line.data.get("cells") or [] if line.kind in ("bullet", "text") else []
        if not (self.tabular and cells):
            return line, []
        main = classify(line.number, cells[0][1])
        if main.kind not in ("bullet", "text", "lead", "access", "venue", "note"):
            return line, []
        extras = cells[1:]
        if cells[0][0] == 0:
            # A second paragraph of the item's cell ("• Remarks by UNICEF<TAB>PPT") starts
            # inside that cell, not at the row's start: count columns from the item's.
            title = self.columns.index("title") if self.columns else 1
            extras = [(column + title, text) for column, text in extras]
        return Line(line.number, line.raw, main.text, main.kind, main.data), extras

    def take_cells(self: BodyParser, line: Line, draft: Draft | None, cells: list[Cell]) -> None:
        if not cells:
            return
        self.tabular = True
        if draft is None:
            texts = "; ".join(text for _, text in cells)
            self.warn(line, f"table cells belong to no session; ignored: {texts}")
            return
        for column, text in cells:
            self.take_cell(draft, self._role(column), text)

    def _role(self: BodyParser, column: int) -> str:
        if self.columns and column < len(self.columns):
            return self.columns[column]
        return ""

    def take_cell(self: BodyParser, draft: Draft, role: str, text: str) -> None:
        cell = classify(0, text)
        if cell.kind == "lead":
            draft.add_leads(cell.data["leads"])
        elif cell.kind == "access":
            restrict(draft, cell.data.get("heads", False))
        elif cell.kind == "note":
            draft.notes.append(cell.data["value"])
        elif (
            cell.kind == "venue"
            or role == "venue"
            or (not role and ROOM_START_RE.match(fold(text)))
        ):
            room = cell.data["value"] if cell.kind == "venue" else text
            self.rooms.setdefault(room, None)
            draft.room = room
        elif role in ("title", "time"):
            draft.add_plain_item(text)  # a second item column: keep its text with the item
        else:
            draft.add_leads(split_leads(text))
