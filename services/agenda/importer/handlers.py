"""Lines that fill sessions in: titles, bullets, leads, access, venues, notes.

A mixin of BodyParser (parser.py), split out to keep each module short; it uses
the parser's state (current draft, day, meeting, part of day, parallel group).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .drafts import Draft, add_notes, restrict
from .lexicon import SMALL_WORDS, fold
from .lines import Line
from .text import split_title

if TYPE_CHECKING:
    from .parser import BodyParser

_BLOCK_STARTS = frozenset({"time", "part"})
_DOCUMENT_END = frozenset({"", "end", "footnote", "annex"})


class ContentMixin:
    def new_draft(
        self: BodyParser, start: str | None = None, end: str | None = None, parallel: bool = False
    ) -> Draft:
        assert self.day is not None
        self.counter += 1
        draft = Draft(order=self.counter, day=self.day, start=start, end=end)
        if start is None:
            draft.part = self.part[0] if self.part else "all_day"
            if self.part:
                self.part[1].append(draft)
        draft.meeting = self.meeting
        if self.default_room and not parallel:
            # Parallel meetings are in rooms of their own, named under each of them.
            draft.room = self.default_room[0]
            self.default_room[1].append(draft)
        elif start is None or parallel:
            self.pending_room.append(draft)  # a "Venue:" line below may name its room
        for note, owners in self.pending_notes:
            draft.notes.append(note)
            owners.append(draft)
        self.pending_notes = []
        self.current = draft
        return draft

    def set_title(self: BodyParser, draft: Draft, text: str) -> None:
        found = split_title(text, self.footnote_marks)
        draft.title, leads, room = found.title, found.leads, found.room
        if found.restricted:
            restrict(draft, found.heads)
        add_notes(draft, found.notes)
        draft.marks.extend(found.marks)
        if leads:
            draft.add_leads(leads)
        if room:
            # The title names its own room: a "Venue:" line nearby is not this session's.
            self.rooms.setdefault(room, None)
            draft.room = room
            if draft in self.pending_room:
                self.pending_room.remove(draft)
            if self.default_room and draft in self.default_room[1]:
                self.default_room[1].remove(draft)

    def finish(self: BodyParser) -> None:
        draft, self.current = self.current, None
        if draft is None:
            return
        if draft.title is None:
            for number in draft.lines:
                self.warnings.append(
                    {
                        "line": number,
                        "text": self._raw(number),
                        "message": "time without a title; ignored",
                    }
                )
            return
        draft.settle_leads()
        draft.kept = True
        self.drafts.append(draft)

    def _raw(self: BodyParser, number: int) -> str:
        return self.lines[number - 1].raw.strip()

    def _drop_pending_notes(self: BodyParser) -> None:
        for note, owners in self.pending_notes:
            if not owners:
                self.warnings.append(
                    {"line": 0, "text": note, "message": "note applies to no session"}
                )
        self.pending_notes = []

    # -- line handlers ---------------------------------------------------------------

    def on_bullet(self: BodyParser, line: Line, index: int) -> None:
        title, deep = line.data["title"], line.data["deep"]
        current = self.current
        if self.parallel and not (deep and current and current.parallel_group):
            self.finish()
            slot = self.parallel["slot"]
            draft = self.new_draft(start=slot["start"], end=slot["end"], parallel=True)
            if slot["start"] is None:
                draft.part = slot["part"]
            draft.meeting = self.parallel["meeting"]
            draft.parallel_group = self.parallel["group"]
            self.parallel["owners"].append(draft)
            self.set_title(draft, title)
            draft.lines.append(line.number)
        elif current is not None:
            if current.title is None:
                self.set_title(current, title)
            else:
                current.add_bullet(title, deep)
            current.lines.append(line.number)
        else:
            self.warn(line, "bullet outside any session; ignored")

    def on_lead(self: BodyParser, line: Line, index: int) -> None:
        if self.current is None:
            self.warn(line, "lead line outside any session; ignored")
            return
        self.current.add_leads(line.data["leads"])
        self.current.lines.append(line.number)

    def on_access(self: BodyParser, line: Line, index: int) -> None:
        if self.current is None:
            self.warn(line, "access line outside any session; ignored")
            return
        restrict(self.current, line.data.get("heads", False))
        self.current.lines.append(line.number)

    def on_venue(self: BodyParser, line: Line, index: int) -> None:
        room = line.data["value"]
        self.rooms.setdefault(room, None)
        current = self.current
        if current is not None and current.start is not None and not current.parallel_group:
            current.room = room  # a venue inside a timed session is that session's
            current.lines.append(line.number)
        elif self.pending_room:
            # A venue closing a block (Tuesday's) names the room of every session above it.
            owners, self.pending_room = self.pending_room, []
            for draft in owners:
                draft.room = room
            self.shared.append((line.number, owners))
        else:
            self.default_room = (room, [])
            self.shared.append((line.number, self.default_room[1]))

    def on_note(self: BodyParser, line: Line, index: int) -> None:
        note = line.data["value"]
        current = self.current
        if self.lines[index - 1].kind == "blank" and self.next_kind[index] in _DOCUMENT_END:
            # "Nota: el programa puede sufrir cambios." closing the document is about all of it.
            self.warn(line, "note on the whole agenda, not on one session; not imported")
            return
        owners: list[Draft]
        if current is None:
            owners = []
            self.pending_notes.append((note, owners))  # the next session takes it
        elif current.parallel_group and self.parallel:
            owners = list(self.parallel["owners"])
        else:
            owners = [current]
        for draft in owners:
            draft.notes.append(note)
        self.shared.append((line.number, owners))

    def on_text(self: BodyParser, line: Line, index: int) -> None:
        current, text = self.current, line.text
        if current is not None and current.title is None:
            self.set_title(current, text)
            current.lines.append(line.number)
            return
        if current is not None and self._continues_title(current, line, index):
            self.set_title(current, f"{current.title} {text}")
            current.lines.append(line.number)
            return
        heading = self.next_kind[index] in _BLOCK_STARTS
        if self.parallel and self.lines[index - 1].kind != "blank":
            # Parallel groups listed without a glyph, one a line, are sessions all the same.
            self.on_bullet(
                Line(line.number, line.raw, text, "bullet", {"title": text, "deep": False}), index
            )
            return
        if current is not None and current.start is not None:
            previous = self.lines[index - 1].kind if index else ""
            if not (heading and previous == "blank"):
                current.add_plain_item(text)
                current.lines.append(line.number)
                return
        elif self.part and not self.part[1] and current is None:
            heading = False  # the first line under "During the morning" is its session
        if heading:
            self.start_meeting(line)
            return
        self.finish()
        self.parallel = None
        draft = self.new_draft()
        self.set_title(draft, text)
        draft.lines.append(line.number)

    def _continues_title(self: BodyParser, draft: Draft, line: Line, index: int) -> bool:
        """A title Word wrapped onto a second line: "Report of the PPT on the" / "activities".

        Only right under the title, before any item or lead, and only when the title
        cannot end there (it ends on "of", "y", a comma) or the line goes on in lower case.
        """
        if not index or draft.items or draft.leads or draft.lines[-1] != index:
            return False  # draft.lines[-1] is the title's line number; index is the line's - 1
        title = draft.title or ""
        last = fold(title.rsplit(" ", 1)[-1]).strip()
        return line.text[:1].islower() or last in SMALL_WORDS or title.endswith((",", "-"))

    on_theme = on_status = on_text
