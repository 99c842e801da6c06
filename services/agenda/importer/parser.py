"""The state machine that turns classified body lines into session drafts.

Who owns a source line (the "nothing is lost" rule):
* day headings, meeting headings and END OF THE AGENDA belong to the event;
* a time line, title, bullet, lead or access line belongs to its session;
* part-of-day, "Venue:", "Note:" and parallel-meeting header lines belong to the
  session they shape when they shape exactly one, else to the event;
* anything that shapes nothing is reported as a warning.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .days import DayMixin
from .drafts import Draft, add_notes, restrict
from .handlers import ContentMixin
from .lexicon import ACCESS_START_RE, CLOSED_LINE_RE, HEADS_RE, fold
from .lines import Line, artefact_message, classify
from .rows import RowMixin
from .text import recase, slugify

_SIGNIFICANT_SKIP = frozenset({"blank", "artefact", "venue", "note"})


class BodyParser(DayMixin, RowMixin, ContentMixin):
    def __init__(
        self,
        lines: list[Line],
        start: int,
        year: int,
        known_meetings: list[str],
        month: int | None = None,
        first_date: date | None = None,
    ) -> None:
        self.lines = lines
        self.start = start
        self.rooms: dict[str, None] = {}  # an ordered set: rooms in order of first appearance
        self.year = year
        self.month = month  # the header's first month, for a first day heading without one
        self.first_date = first_date  # the header's first day, for "Day 2" without a date
        self.day_number: int | None = None  # N of the latest "Day N" heading
        self.footnote_marks: frozenset[str] = frozenset()  # set by footnotes.py
        self.footnotes: list[Line] = []
        self.annex = False  # an "ANNEX" heading ends the agenda: the rest is reported
        self.day_start: str | None = None  # the latest start on this day, to read "2.00" as 14:00
        self.columns: list[str] | None = None  # roles of a Word table's columns (rows.py)
        self.tabular = False  # a table row was seen: tabs separate cells from here on
        self.meetings = {fold(name): name for name in known_meetings}
        self.drafts: list[Draft] = []
        self.event_lines: list[int] = []
        self.warnings: list[dict[str, Any]] = []
        self.shared: list[tuple[int, list[Draft]]] = []  # lines owned by what they shape
        self.day: date | None = None
        self.last_day: date | None = None
        self.current: Draft | None = None
        self.counter = 0
        # Lookahead table built once, so deciding "is this a meeting heading" stays O(1).
        self.next_kind = [""] * (len(lines) + 1)
        following = ""
        for index in range(len(lines) - 1, -1, -1):
            self.next_kind[index] = following
            if lines[index].kind not in _SIGNIFICANT_SKIP:
                following = lines[index].kind
        self._reset_day()

    def _reset_day(self) -> None:
        self.meeting: str | None = None
        self.part: tuple[str, list[Draft]] | None = None
        self.parallel: dict[str, Any] | None = None
        self.default_room: tuple[str, list[Draft]] | None = None
        self.pending_room: list[Draft] = []
        self.pending_notes: list[tuple[str, list[Draft]]] = []

    def warn(self, line: Line, message: str) -> None:
        self.warnings.append({"line": line.number, "text": line.raw.strip(), "message": message})

    def run(self) -> None:
        for index in range(self.start, len(self.lines)):
            line = self.lines[index]
            if line.kind == "blank":
                if self.current:
                    self.current.parent = None
            elif line.kind == "artefact":
                self.warn(line, artefact_message(line))
            elif self.annex:
                self.warn(line, "after the agenda (annex); not imported")
            elif line.kind == "day":
                self.on_day(line)
            elif self.day is None:
                self.warn(line, "not under a valid day heading; ignored")
            else:
                line, cells = self.main_cell(line)
                getattr(self, "on_" + line.kind, self.on_text)(line, index)
                self.take_cells(line, self.current, cells)
        self.finish()
        self.settle_footnotes()
        for note, _ in self.pending_notes:
            self.warnings.append({"line": 0, "text": note, "message": "note applies to no session"})

    # -- structure -------------------------------------------------------------------

    def on_end(self, line: Line, index: int) -> None:
        self.finish()
        self._reset_day()
        self.event_lines.append(line.number)

    def on_annex(self, line: Line, index: int) -> None:
        previous = self.lines[index - 1].kind if index else "blank"
        if previous != "blank" and not line.text.isupper():
            self.on_text(line, index)  # "Annex 2 – Draft declaration" inside a session
            return
        self.finish()
        self.annex = True
        self.warn(line, "after the agenda (annex); not imported")

    def on_footnote(self, line: Line, index: int) -> None:
        self.footnotes.append(line)  # settled at the end: its sessions may come later

    def settle_footnotes(self) -> None:
        """A footnote is a note of every session whose title carries its mark."""
        for line in self.footnotes:
            mark, text = line.data["mark"], line.data["text"]
            owners = [draft for draft in self.drafts if mark in draft.marks]
            folded = fold(text)
            for draft in owners:
                draft.notes.append(text)
                if ACCESS_START_RE.match(folded):
                    restrict(draft)
                elif CLOSED_LINE_RE.match(folded.rstrip(".")):
                    restrict(draft, heads=bool(HEADS_RE.search(folded)))
            self.shared.append((line.number, owners))

    def on_time(self, line: Line, index: int) -> None:
        self.finish()
        part = self.part[0] if self.part else None
        self.part = self.parallel = None
        if line.data.get("tbc"):
            draft = self.new_draft()
            # "TBC Press conference": no time yet; it keeps its place in the day's order.
            draft.part = part or ("afternoon" if (self.day_start or "") >= "12:00" else "morning")
            add_notes(draft, [line.data["tbc"]])
            if self.day_start:
                draft.position = int(self.day_start[:2]) * 60 + int(self.day_start[3:]) + 1
        else:
            draft = self.new_draft(*self.clock(line.data))
        draft.lines.append(line.number)
        rest = line.data["rest"]
        if rest:
            inline = classify(line.number, rest)
            if inline.kind == "parallel":
                self.start_parallel(inline, draft)
            else:
                self.set_title(draft, rest)
        self.take_cells(line, self.current, line.data.get("cells", []))

    def on_part(self, line: Line, index: int) -> None:
        self.finish()
        self.parallel = None
        self.part = (line.data["part"], [])
        self.shared.append((line.number, self.part[1]))
        if line.data["rest"]:
            self.set_title(self.new_draft(), line.data["rest"])

    def on_parallel(self, line: Line, index: int) -> None:
        timed = self.current if self.current and self.current.title is None else None
        if timed is None:
            self.finish()
        self.start_parallel(line, timed)

    def start_parallel(self, line: Line, timed: Draft | None) -> None:
        """Bullets after "Parallel meetings of X" are sessions of meeting X at one slot."""
        slot = {"start": None, "end": None, "part": self.part[0] if self.part else "all_day"}
        owners: list[Draft] = []
        if timed is not None:
            slot = {"start": timed.start, "end": timed.end, "part": None}
            # The time line shapes every parallel session, like the header itself.
            for number in timed.lines:
                self.shared.append((number, owners))
            self.current = None
        if timed is None or line.number not in timed.lines:  # "14:00 Parallel meetings"
            self.shared.append((line.number, owners))
        name = line.data["rest"].strip()
        slot_key = (slot["start"] or "").replace(":", "") or (slot["part"] or "").replace("_", "-")
        assert self.day is not None
        group = slugify(f"{self.day.isoformat()}-{slot_key}-{line.text}", 60)
        self.parallel = {
            "slot": slot,
            "owners": owners,
            "group": group,
            # Parallel meetings are meetings of their own: "X" of "Parallel meetings of X".
            "meeting": self.meeting_name(name) if name else None,
        }
        self.pending_room = []  # a venue below names a parallel meeting's room, not earlier ones

    def meeting_name(self, text: str) -> str:
        """One spelling per meeting: an ALL-CAPS repeat maps to the first spelling seen."""
        key = fold(text)
        if key not in self.meetings:
            self.meetings[key] = recase(text)
        return self.meetings[key]

    def start_meeting(self, line: Line) -> None:
        self.finish()
        self.meeting = self.meeting_name(line.text)
        self.part = self.parallel = None
        self.default_room = None
        self.pending_room = []
        self.day_start = None  # a second meeting on the same day may start earlier
        self.event_lines.append(line.number)
