"""A session while it is being read, and how its bullets and lead lines are attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .lexicon import TBC_TAIL_RE

# Closed sessions "for heads of delegation only" share one accreditation in both languages.
HEADS_OF_DELEGATION = "heads-of-delegation"


def restrict(draft: Draft, heads: bool = False) -> None:
    draft.access = "accredited"
    if heads:
        draft.audience = HEADS_OF_DELEGATION


def add_notes(draft: Draft, notes: list[str]) -> None:
    """Notes not already there: "Por confirmar" as the time and "(por confirmar)" are one."""
    seen = {_note_key(note) for note in draft.notes}
    for note in notes:
        if _note_key(note) not in seen:
            draft.notes.append(note)


def _note_key(note: str) -> str:
    key = note.casefold().strip(" .()[]")
    return "tbc" if TBC_TAIL_RE.search(f"({key})") else key


def new_item(title: str) -> dict[str, Any]:
    return {"title": title, "leads": [], "items": []}


@dataclass
class Draft:
    order: int  # document order, the last sort key
    day: date
    start: str | None = None
    end: str | None = None
    part: str | None = None
    title: str | None = None
    meeting: str | None = None
    room: str | None = None
    access: str = "open"
    audience: str | None = None  # who a closed session admits, as an accreditation name
    parallel_group: str | None = None
    leads: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    kept: bool = False
    marks: list[str] = field(default_factory=list)  # footnote marks on its title
    position: int | None = None  # minutes to sort an untimed "TBC" session by
    # Reading state.
    group: list[dict[str, Any]] = field(default_factory=list)  # top items since the last lead
    post_leads: list[tuple[list[dict[str, Any]], list[str]]] = field(default_factory=list)
    parent: dict[str, Any] | None = None  # a "...:" bullet that owns the bullets below it

    def add_bullet(self, title: str, deep: bool) -> None:
        item = new_item(title)
        if deep and self.items:
            # A second-level glyph ("o", "▪") nests under the last first-level bullet.
            (self.parent or self.items[-1])["items"].append(item)
            return
        if self.parent is not None:
            self.parent["items"].append(item)
            return
        self.items.append(item)
        self.group.append(item)
        if title.endswith(":"):
            self.parent = item

    def add_plain_item(self, title: str) -> None:
        self.parent = None
        item = new_item(title)
        self.items.append(item)
        self.group.append(item)

    def add_leads(self, leads: list[str]) -> None:
        self.parent = None
        if not self.items:
            self.leads.extend(leads)
            return
        self.post_leads.append((self.group, leads))
        self.group = []

    def settle_leads(self) -> None:
        """Give lead lines that follow bullets to the session or to the bullets.

        One lead line closing the list ("Follow up of the campaigns:" ... [Lead: All
        delegations]) names who leads the session. Several lead lines cut the list into
        groups ("Proposals of new activities:"), each lead naming who leads the bullets
        above it, so then they stay with those bullets.
        """
        posts, self.post_leads = self.post_leads, []
        if len(posts) == 1 and not self.leads and not self.group:
            self.leads.extend(posts[0][1])
            return
        for items, leads in posts:
            if not items:
                self.leads.extend(leads)
            for item in items:
                item["leads"].extend(leads)
