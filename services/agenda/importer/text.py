"""Small text helpers: Word artefact removal, slugs, lead lists, titles."""

from __future__ import annotations

import re
from typing import NamedTuple

from .lexicon import (
    ACCESS_TAIL_RE,
    CLOSED_LINE_RE,
    CLOSED_RE,
    CLOSED_TAIL_RE,
    HEADS_RE,
    LEAD_TAIL_RE,
    PERSON_ROLES,
    ROOM_TAIL_RE,
    SMALL_WORDS,
    TBC_TAIL_RE,
    fold,
)
from .places import COMPOUND_NAMES

# Word's text export leaves bookmark anchors such as "[bookmark: OLE_LINK31]" in place.
BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
# Invisible characters Word sprinkles (zero-width spaces, BOM, soft hyphen, word joiner).
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES_RE = re.compile(r"\s+")
_SUPERSCRIPT_RE = re.compile("[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+$")
_SLUG_DROP_RE = re.compile(r"['\u2019\u2018`]")
_SLUG_SEP_RE = re.compile(r"[^a-z0-9]+")
_ROMAN_RE = re.compile(r"(?=[IVXL])L?X{0,3}(IX|IV|V?I{0,3})")
_TRAILING_COMMA_RE = re.compile(r"\s*,+\s*$")
# 'contexts,"' -> 'contexts"': a comma left inside the closing quote by a cut clause.
_COMMA_IN_QUOTE_RE = re.compile(r"\s*,+\s*([\"\u201d\u2019'])\s*$")


def clean(raw: str) -> str:
    """Visible text of a source line: no artefacts, tabs or runs of spaces."""
    text = BOOKMARK_RE.sub("", raw)
    text = _INVISIBLE_RE.sub("", text)
    return _SPACES_RE.sub(" ", text).strip()


def slugify(text: str, limit: int = 60) -> str:
    """ASCII slug cut at a word boundary so keys never end mid-word."""
    slug = _SLUG_SEP_RE.sub("-", _SLUG_DROP_RE.sub("", fold(text))).strip("-")
    return cut_slug(slug, limit)


def cut_slug(slug: str, limit: int) -> str:
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1]
    # Only back off to a hyphen when one exists; a single long word is cut hard.
    cut = cut[: cut.rfind("-")] if "-" in cut else cut[:limit]
    return cut.strip("-")


class Title(NamedTuple):
    title: str
    leads: list[str]
    room: str | None
    restricted: bool
    heads: bool  # closed to all but heads of delegation
    notes: list[str]  # "to be confirmed"
    marks: list[str]  # footnote marks ("¹", "*", "(2)") cut from its end


def split_title(text: str, marks: frozenset[str] = frozenset()) -> Title:
    """A title without its trailing lead, room, access, "(TBC)" and footnote clauses.

    'Follow-up to the Compact (Leads: Mexico and Chile)' -> leads; 'Network – Salón
    Tikal' -> room; 'Workshop "..." (Only open to accredited participants)' -> restricted;
    'Closed session of Vice-Ministers²' -> restricted, footnote 2.
    """
    found = Title(text, [], None, False, False, [], [])
    while True:
        folded = fold(text)
        if len(folded) != len(text):
            break  # offsets found in the folded text would not fit the original
        lead = LEAD_TAIL_RE.search(folded)
        place = ROOM_TAIL_RE.search(folded)
        mark = footnote_mark(text, marks)
        tbc = TBC_TAIL_RE.search(folded)
        closed = CLOSED_TAIL_RE.search(folded)
        if mark:
            found.marks.insert(0, mark)
            text = text[: -len(mark)].rstrip()
        elif lead and lead.start():
            label, value = lead["label"], text[lead.start("value") : lead.end("value")]
            found.leads[:0] = lead_names(label, value)
            text = text[: lead.start()]
        elif place and place.start() and found.room is None:
            group = next(name for name in ("room", "named", "paren") if place[name])
            found = found._replace(room=text[place.start(group) : place.end(group)].strip())
            text = text[: place.start()]
        elif tbc and tbc.start():
            found.notes.insert(0, text[tbc.start() :].strip(" ()[]."))
            text = text[: tbc.start()]
        elif closed and closed.start():
            found = found._replace(restricted=True, heads=True)
            text = text[: closed.start()]
        else:
            text, access = strip_access(text)
            if not access:
                break
            found = found._replace(restricted=True)
    folded = fold(text)
    if CLOSED_LINE_RE.match(folded) or CLOSED_RE.match(folded):
        # "Closed session: heads of delegation only" is a title that restricts itself.
        found = found._replace(restricted=True, heads=found.heads or bool(HEADS_RE.search(folded)))
    return found._replace(title=tidy_title(text))


def footnote_mark(text: str, marks: frozenset[str]) -> str | None:
    """The footnote mark ending a title: a superscript number always, "*" or "(2)" if known."""
    match = _SUPERSCRIPT_RE.search(text)
    if match and match.start():
        return match[0]
    for mark in marks:
        if text.endswith(mark) and len(text) > len(mark) and not text[-len(mark) - 1].isspace():
            return mark
    return None


def strip_access(title: str) -> tuple[str, bool]:
    """Remove a trailing '(Only open to accredited participants)'; report whether it was there."""
    folded = fold(title)
    match = ACCESS_TAIL_RE.search(folded)
    # The clause is found in the folded text; cut the original at the same place, which
    # is only safe when folding kept the length (it does for Latin script).
    if match is None or not match.start() or len(folded) != len(title):
        return tidy_title(title), False
    return tidy_title(title[: match.start()]), True


def tidy_title(title: str) -> str:
    title = _COMMA_IN_QUOTE_RE.sub(r"\1", title)
    return _TRAILING_COMMA_RE.sub("", title).strip()


def lead_names(label: str, value: str) -> list[str]:
    """Names after a lead label: a list is split, a moderator's "Ms. Ana López, IOM" is not."""
    if fold(label) in PERSON_ROLES:
        name = value.strip(" ;")
        return [name] if name else []
    return split_leads(value)


def split_leads(value: str) -> list[str]:
    """'El Salvador and Mexico' -> ['El Salvador', 'Mexico']; keeps 'El Salvador - IOM' whole."""
    # Protect countries whose names contain a connective ("Trinidad and Tobago").
    protected: dict[str, str] = {}
    folded = fold(value)
    # fold() can change the length ("ß" -> "ss"); then offsets would not line up, so skip.
    names = COMPOUND_NAMES if len(folded) == len(value) else ()
    for name in names:
        start = folded.find(name)
        while start >= 0:
            original = value[start : start + len(name)]
            token = f"\x00{len(protected)}\x00"
            protected[token] = original
            value = value[:start] + token + value[start + len(name) :]
            folded = fold(value)
            if len(folded) != len(value):
                break
            start = folded.find(name)
    parts = re.split(r"\s*[,;]\s*|\s+(?:and|y|e|&)\s+", value, flags=re.IGNORECASE)
    leads = []
    for part in parts:
        for token, original in protected.items():
            part = part.replace(token, original)
        part = part.strip(" .")
        if part:
            leads.append(part)
    return leads


def recase(heading: str) -> str:
    """Title-case an ALL-CAPS heading, keeping acronyms in parentheses and numerals."""
    if any(c.islower() for c in heading):
        return heading
    words = []
    for index, word in enumerate(heading.split(" ")):
        bare = word.strip("()[]\"'\u201c\u201d,.:;")
        if word.startswith("(") or _ROMAN_RE.fullmatch(bare) or re.search(r"\d", bare):
            words.append(word)
        elif index and fold(bare) in SMALL_WORDS:
            words.append(word.lower())
        else:  # "VICE-MINISTERIAL" -> "Vice-Ministerial"
            words.append("-".join(part[:1] + part[1:].lower() for part in word.split("-")))
    return " ".join(words)
