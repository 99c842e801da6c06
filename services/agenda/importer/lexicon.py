"""Bilingual (English / Spanish) vocabulary of the agenda genre.

Every pattern here is matched against `fold(text)`: lower case, accents removed,
so "MIÉRCOLES" and "miercoles" are the same word and the tables stay ASCII.
"""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents (ñ -> n) for matching only, never for output."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan", "enero", "ene"),
        ("february", "feb", "febrero"),
        ("march", "mar", "marzo"),
        ("april", "apr", "abril", "abr"),
        ("may", "mayo"),
        ("june", "jun", "junio"),
        ("july", "jul", "julio"),
        ("august", "aug", "agosto", "ago"),
        ("september", "sep", "sept", "septiembre", "setiembre"),
        ("october", "oct", "octubre"),
        ("november", "nov", "noviembre"),
        ("december", "dec", "diciembre", "dic"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("monday", "mon", "lunes"),
        ("tuesday", "tue", "tues", "martes"),
        ("wednesday", "wed", "miercoles"),
        ("thursday", "thu", "thur", "thurs", "jueves"),
        ("friday", "fri", "viernes"),
        ("saturday", "sat", "sabado"),
        ("sunday", "sun", "domingo"),
    )
):
    for _name in _names:
        WEEKDAYS[_name] = _number

# Longest first so "sept" wins over "sep" inside the alternation.
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))

PART_OF_DAY: dict[str, str] = {
    "all day": "all_day",
    "all-day": "all_day",
    "full day": "all_day",
    "whole day": "all_day",
    "throughout the day": "all_day",
    "todo el dia": "all_day",
    "durante todo el dia": "all_day",
    "dia completo": "all_day",
    "during the morning": "morning",
    "in the morning": "morning",
    "morning": "morning",
    "morning session": "morning",
    "durante la manana": "morning",
    "por la manana": "morning",
    "manana": "morning",
    "en la manana": "morning",
    "during the afternoon": "afternoon",
    "in the afternoon": "afternoon",
    "afternoon": "afternoon",
    "afternoon session": "afternoon",
    "durante la tarde": "afternoon",
    "por la tarde": "afternoon",
    "tarde": "afternoon",
    "en la tarde": "afternoon",
}
PART_RE = re.compile(
    r"^(" + "|".join(sorted(map(re.escape, PART_OF_DAY), key=len, reverse=True)) + r")"
    r"\s*(?:[:\-\u2013\u2014]\s*(?P<rest>.*))?$"
)

END_RE = re.compile(
    r"^[\s*\-_=.]*(end of (the )?(preliminary |provisional |draft )?"
    r"(agenda|programme|program|meeting|seminar|workshop|conference|event|day|first day"
    r"|second day|third day|day \d|session|sessions)"
    r"|fin (de la|del) (agenda|programa|orden del dia|reunion|seminario|taller|conferencia"
    r"|evento|jornada|dia|primer dia|segundo dia|tercer dia|sesion))[\s*\-_=.]*$"
)
VENUE_RE = re.compile(r"^(venue|lugar|sede|location|place)\s*:\s*(?P<value>.+)$")
NOTE_RE = re.compile(r"^(notes?|notas?|n\.\s?b\.|nb)\s*:\s*(?P<value>.+)$")

# Who leads a session or an item. Lists are split into names ("Canada, Mexico and
# Guatemala"); a person's role names one person with a title or an affiliation
# ("Moderator: Ms. Ana López, IOM"), so its value stays whole.
PERSON_ROLES = frozenset(
    ["moderator", "moderador", "moderadora", "chair", "chairperson", "co-chair", "preside"]
    + ["facilitator", "facilitador", "facilitadora", "presenter", "speaker", "expositor"]
    + ["expositora", "ponente", "relator", "relatora", "rapporteur"]
)
_LIST_ROLES = (
    r"leads?|led by|lideran?|responsables?|a cargo de|presentan?|coordinan?|presenters"
    r"|expositor(?:es|as)|speakers|panel+ists|panelistas|ponentes|moderators"
    r"|moderador(?:es|as)|facilitators|facilitador(?:es|as)|chairs|co-chairs|rapporteurs"
    r"|relator(?:es|as)"
)
LEAD_LABELS = _LIST_ROLES + "|" + "|".join(sorted(PERSON_ROLES, key=len, reverse=True))
LEAD_RE = re.compile(
    rf"^[\[(]\s*(?P<label>{LEAD_LABELS})\s*:\s*(?P<value>[^\])]*)[\])]$"
    rf"|^(?P<bare_label>{LEAD_LABELS})\s*:\s*(?P<bare>.*)$"
)
# The same in brackets at the end of a title: "Follow-up to ... (Leads: Mexico and Chile)".
LEAD_TAIL_RE = re.compile(
    rf"\s*[\[(]\s*(?P<label>{LEAD_LABELS})\s*:\s*(?P<value>[^\])]+)[\])]\.?\s*$"
)
# A room at the end of a title: "Liaison Officers Network – Salón Tikal", "(Rooms A and B)".
_ROOM_WORDS = (
    r"(?:(?:main |plenary |meeting |conference )?(?:rooms?|halls?|auditorium)"
    r"|salon(?:es)?|salas?|auditorio)\b"
)
ROOM_START_RE = re.compile(_ROOM_WORDS)
ROOM_TAIL_RE = re.compile(
    r"\s+[\-\u2013\u2014]\s+(?:(?:venue|lugar|sede)\s*:\s*)?(?P<room>"
    + _ROOM_WORDS
    + r"[^\-\u2013\u2014()]*)$"
    r"|\s*\(\s*(?:(?:venue|lugar|sede)\s*:\s*(?P<named>[^)]+)|(?P<paren>"
    + _ROOM_WORDS
    + r"[^)]*))\)$"
)
# Column headings of a Word table exported with tabs ("TIME<TAB>ACTIVITY<TAB>LEAD").
_COLUMN_NAMES = {
    "time": "time|hour|hours|schedule|hora|horas|horario",
    "title": "activity|activities|item|items|agenda item|topic|topics|session|description"
    "|tema|temas|actividad|actividades|asunto|punto|sesion|descripcion",
    "lead": "lead|leads|responsible|responsibility|led by|speaker|speakers|presenter"
    "|presenters|moderator|responsable|responsables|lidera|a cargo de|expositor|expositores",
    "venue": "venue|room|place|location|lugar|sala|salon|sede",
}
COLUMNS: dict[str, str] = {
    name: role for role, names in _COLUMN_NAMES.items() for name in names.split("|")
}
ACCESS_PHRASES = (
    r"only open to accredited participants|open only to accredited participants"
    r"|only for accredited participants|for accredited participants only"
    r"|accredited participants only|restricted to accredited participants"
    r"|solo para participantes acreditados|unicamente para participantes acreditados"
    r"|exclusivo para participantes acreditados|solo participantes acreditados"
)
# A clause at the end of a title, e.g. 'Workshop "..." (Only open to accredited participants)'.
ACCESS_TAIL_RE = re.compile(r"[\s,;:\-\u2013]*\(?\s*(?:" + ACCESS_PHRASES + r")\s*\)?\.?\s*$")
ACCESS_LINE_RE = re.compile(r"^\(?\s*(?:" + ACCESS_PHRASES + r")\s*\)?\.?$")
PARALLEL_RE = re.compile(
    r"^(parallel (meetings|sessions|workshops)|reuniones paralelas|sesiones paralelas"
    r"|talleres paralelos)\b\s*(?:(of|de|del)\s+(the\s+|la\s+|las\s+|los\s+|el\s+)?)?"
    r"(?P<rest>.*)$"
)
# Page headers and footers Word's text export can leave between entries.
PAGE_RE = re.compile(
    r"^(page|pagina|pag\.)\s*\d+(\s*(of|de)\s*\d+)?$|^[-\u2013\s]*\d{1,3}[-\u2013\s]*$"
)
THEME_RE = re.compile(r"^(theme|tema)\s*:\s*(?P<value>.+)$")
STATUS_RE = re.compile(
    r"^((preliminary|provisional|draft|final|annotated|revised|tentative)\s+)?"
    r"(agenda|programme|program)(\s+(preliminar|provisional|anotada|final|tentativa))?$"
    r"|^(proyecto de|borrador de) (agenda|programa)$|^programa( preliminar| provisional)?$"
)
HOST_RE = re.compile(
    r"^(ministry|ministerio|secretar|government|gobierno|cancilleria|embassy|embajada"
    r"|hosted by|anfitrion|presidency|presidencia|office of|oficina)"
)

# Session kinds, tested on the folded title, first match wins.
DEPARTURE_RE = re.compile(r"^(departure|salida|regreso|return) (of|de)\b")
MEAL_RE = re.compile(
    r"^(working |official |welcome |free |networking |buffet |offered )?"
    r"(lunch|dinner|breakfast|cocktail|reception)\b"
    r"|^(almuerzo|cena|desayuno|comida|coctel|recepcion|brindis)\b"
)
BREAK_RE = re.compile(
    r"^((coffee|tea|coffee/tea|coffee and tea|health|refreshment)[ -]?break|break|receso"
    r"|pausa|refrigerio|cafe|recess)\b"
)
CEREMONY_RE = re.compile(
    r"^(official |formal )?(opening|closing|welcome|welcoming|inauguration|inaugural)\b"
    r"|^(ceremony|ceremonia|apertura|inauguracion|instalacion|clausura|cierre|acto de)\b"
    r"|^palabras de (bienvenida|apertura|inauguracion|clausura|cierre)\b"
)
WORKSHOP_RE = re.compile(r"^[\"'\u201c\u2018]?(workshop|taller|seminar|seminario|training)\b")
MEETING_RE = re.compile(
    r"^(meeting|reunion|session|sesion|encuentro|conference|conferencia|parallel)\b"
)

# Words that stay lower case when an all-caps meeting heading is re-cased.
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "vs",
        "de",
        "del",
        "el",
        "la",
        "las",
        "los",
        "y",
        "e",
        "o",
        "u",
        "en",
        "con",
        "para",
        "por",
        "sobre",
        "al",
    ]
)
ENGLISH_MARKERS = frozenset(
    ["the", "of", "and", "for", "to", "on", "in", "with", "by", "from", "venue", "lead", "leads"]
)
SPANISH_MARKERS = frozenset(
    [
        "de",
        "la",
        "el",
        "los",
        "las",
        "y",
        "para",
        "del",
        "en",
        "con",
        "por",
        "sobre",
        "lugar",
        "lidera",
    ]
)
