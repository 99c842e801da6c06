"""Bilingual (English / Spanish) vocabulary of the agenda genre.

Every pattern here is matched against `fold(text)`: lower case, accents removed,
so "MIÉRCOLES" and "miercoles" are the same word and the tables stay ASCII.
"""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents (ñ -> n) for matching only, never for output."""
    if text.isascii():  # most lines: nothing to decompose, and 5x faster
        return text.lower()
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

# "First day" / "Primer día" / "Segunda jornada": a day heading without a date.
ORDINAL_DAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("first", "primer", "primera", "1st"),
        ("second", "segundo", "segunda", "2nd"),
        ("third", "tercer", "tercera", "3rd"),
        ("fourth", "cuarto", "cuarta", "4th"),
        ("fifth", "quinto", "quinta", "5th"),
    ),
    start=1,
):
    for _name in _names:
        ORDINAL_DAYS[_name] = _number

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
# Closed sessions: restricted like accredited-only ones; who may attend becomes the
# accreditation (one name in both languages, so the door checks the same badge scope).
_HEADS = (
    r"(?:for |open to |restricted to )?(?:only |solo |solamente |unicamente )?"
    r"(?:heads of delegations?|jefes de delegacion(?:es)?|jefas y jefes de delegacion)"
    r"(?: only| and one advisor| y un asesor| unicamente| solamente)?"
)
CLOSED_RE = re.compile(
    r"^(closed[ -]door |closed |private |restricted )(session|meeting)\b"
    r"|^(sesion|reunion) (cerrada|privada|restringida|a puerta cerrada)\b"
)
HEADS_RE = re.compile(
    r"\b(heads of delegations?|jefes de delegacion(es)?|jefas y jefes de delegacion)\b"
)
CLOSED_LINE_RE = re.compile(
    r"^\(?\s*(?:(?:closed[ -]door |closed |private )(?:session|meeting)"
    r"|(?:sesion|reunion) (?:cerrada|privada|a puerta cerrada))?\s*[:,\-\u2013]?\s*"
    + _HEADS
    + r"\s*\)?\.?$"
)
CLOSED_TAIL_RE = re.compile(r"[\s,;:\-\u2013]*\(\s*" + _HEADS + r"\s*\)\.?\s*$")
# "(to be confirmed)" after a title: the session stays, its title loses the clause.
TBC_WORDS = r"to be confirmed|tbc|tbd|to be determined|por confirmar|por definir|a confirmar"
TBC_TAIL_RE = re.compile(r"\s*[\(\[]\s*(?:" + TBC_WORDS + r")\s*[\)\]]\.?\s*$")
# A time cell that is not yet a time: "TBC", "Por confirmar", "Hora por confirmar".
TBC_TIME_RE = re.compile(
    r"^(?:(?:time|hour|hora|horario)\s+)?(?:"
    + TBC_WORDS
    + r")\b\.?(?:\s*[:|\-\u2013\u2014]?\s+(?P<rest>\S.*))?$"
)
# What follows the agenda and is not part of it: "ANNEX I", "Anexo 1: ...", "Appendix".
ANNEX_RE = re.compile(
    r"^(annex|annexes|anexo|anexos|appendix|apendice|attachment|adjunto)"
    r"(\s+([ivx]+|\d{1,2}|[a-e]))?\.?(\s*[:.\-\u2013\u2014]\s*.*)?$"
)

# A clause at the end of a title, e.g. 'Workshop "..." (Only open to accredited participants)'.
ACCESS_TAIL_RE = re.compile(r"[\s,;:\-\u2013]*\(?\s*(?:" + ACCESS_PHRASES + r")\s*\)?\.?\s*$")
ACCESS_START_RE = re.compile(r"^\(?\s*(?:" + ACCESS_PHRASES + r")\b")
ACCESS_LINE_RE = re.compile(r"^\(?\s*(?:" + ACCESS_PHRASES + r")\s*\)?\.?$")
PARALLEL_RE = re.compile(
    r"^((parallel|simultaneous|concurrent) (meetings|sessions|workshops|working groups|groups)"
    r"|(working groups|breakout sessions|workshops) in parallel|breakout sessions"
    r"|(reuniones|sesiones|mesas de trabajo|mesas) (paralelas|simultaneas)"
    r"|(talleres|grupos de trabajo|grupos) (paralelos|simultaneos))\b:?"
    r"\s*(?:(of|de|del)\s+(the\s+|la\s+|las\s+|los\s+|el\s+)?)?"
    r"(?P<rest>.*)$"
)
# Page headers and footers Word's text export can leave between entries.
PAGE_RE = re.compile(
    r"^(page|pagina|pag\.)\s*\d*(\s*(of|de)\s*\d+)?$|^[-\u2013\s]*\d{1,3}[-\u2013\s]*$"
    r"|^[_\-=*~.\u2013\u2014\u2500\s]{3,}$"  # a rule above the footnotes
)
THEME_RE = re.compile(r"^(theme|tema)\s*:\s*(?P<value>.+)$")
# "Provisional agenda (as of 5 June)", "PROGRAMA (versión del 3 de mayo)".
_AS_OF = r"(\s*\((as of|version of|updated|versi[o]n del?|actualizad[oa]|al)\b[^)]*\))?$"
STATUS_RE = re.compile(
    r"^((preliminary|provisional|draft|final|annotated|revised|tentative)\s+)?"
    r"(agenda|programme|program)(\s+(preliminar|provisional|anotada|final|tentativa))?"
    + _AS_OF
    + r"|^(proyecto de|borrador de) (agenda|programa)"
    + _AS_OF
    + r"|^programa( preliminar| provisional)?"
    + _AS_OF
)
# A meeting's own name, which is no host even right above "City, Country".
MEETING_NAME_RE = re.compile(
    r"^([ivxlc]+ )?(meeting|reunion|session|sesion|workshop|taller|seminar|seminario|conference"
    r"|conferencia|network|red|liaison|grupo|group|vice-?ministerial|viceministerial)\b"
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
