"""Properties over arbitrary and generated input."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.agenda.importer import AgendaImportError, parse_agenda

from .helpers import assert_nothing_lost

# Fragments of the genre, so random documents often get past "no_days" and exercise the parser.
FRAGMENTS = [
    "MONDAY, 19 JUNE",
    "martes 20 de junio",
    "June 21",
    "20-22 June, 2017",
    "\t14:00 \u2013 14:15",
    "9.00-9.30",
    "All day",
    "Durante la tarde",
    "Venue: Room A",
    "Lugar: Sala B",
    "Note: x",
    "[Leads: PPT]",
    "[Lidera: El Salvador y M\u00e9xico]",
    "\u00b7 Item:",
    "\u00b7 Sub",
    "o deep",
    "Parallel meetings of the Network",
    "END OF THE AGENDA",
    "FIN DE LA AGENDA",
    "Break",
    "Almuerzo",
    "(Only open to accredited participants)",
    "[bookmark: OLE_LINK1]",
    "",
    "THEME: X",
    "San Salvador, El Salvador",
    "Meeting of the Group",
    "DEPARTURE OF DELEGATIONS",
    "31 June",
    "\t",
    "24:00 - 25:00 Bad",
    'Workshop "W", (Only open to accredited participants)',
    # Forms of the other agendas of the genre (test_genre.py).
    "Mi\u00e9rcoles 21",
    "Day 2 \u2013 Wednesday, 13 November",
    "2:00 pm-3:30 pm\tParallel sessions",
    "de 9:00 a 10:30\tApertura",
    "12:00 m.",
    "09h00 - 10h30",
    "14:00 hrs.",
    "12.30 \u2013 2.00\tLunch",
    "TIME\tACTIVITY\tLEAD",
    "08:30 \u2013 09:00\tRegistration\tTechnical Secretariat",
    "\u2022 Remarks\tPPT",
    "(Lead: PPT)",
    "Moderator: Ms. Ana L\u00f3pez, IOM",
    "Expositores: OIM y ACNUR",
    "\u2022 Network \u2013 Sal\u00f3n Tikal",
    "Title (Leads: Mexico and Chile)",
    "END OF THE SEMINAR",
    "MONDAY 19 JUNE / LUNES 19 DE JUNIO",
    "Tuesday 20 June 2017 \u2013 Morning",
    "Page 2 of 4",
    # A second customer's forms (test_round2.py).
    "18 June (Monday)",
    "D\u00eda 2",
    "Second day",
    "08:30-09:00h\tRegistration",
    "TBC\tPress conference",
    "Por confirmar",
    "\u00b7 TBC Visit (to be confirmed)",
    "\u00b7 09:00-10:30h Report",
    "Closed session: heads of delegation only",
    "Sesi\u00f3n cerrada de Viceministros (solo jefes de delegaci\u00f3n)",
    "16:00-17:30h\tParallel working groups",
    "\uf0d8 Grupo 1 \u2013 Sala Balboa",
    "Report of the PPT on the",
    "activities of the work plan",
    "Closed session of Vice-Ministers\u00b2",
    "\u00b2 Only open to accredited participants; one advisor.",
    "* Footnote",
    "__________",
    "ANNEX I",
    "Nota: el programa puede sufrir cambios.",
    "San Jos\u00e9, Costa Rica, 3 y 4 de octubre",
]
lines = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))
documents = st.lists(lines, max_size=40).map("\n".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.one_of(st.none(), st.integers(1900, 2100)))
def test_any_text_parses_or_raises_agenda_import_error(text: str, year: int | None) -> None:
    try:
        result = parse_agenda(text, default_year=year)
    except AgendaImportError as error:
        assert error.reason in {"empty_document", "not_text", "no_days", "no_year"}
        return
    assert_nothing_lost(text, result)
    keys = [s["key"] for s in result["sessions"]]
    assert len(set(keys)) == len(keys)
    assert parse_agenda(text, default_year=year) == result


def generated_agenda(days: int = 5, per_day: int = 100) -> str:
    rng = random.Random(7)
    out = ["BIG MEETING", "Ciudad de M\u00e9xico, M\u00e9xico", "1-5 June, 2026", ""]
    for day in range(days):
        out += [
            f"{['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'][day]}, {day + 1} JUNE",
            "Meeting of the Plenary",
            "Venue: Hall 1",
        ]
        for index in range(per_day):
            minute = 8 * 60 + index * 5
            start, end = (
                f"{minute // 60:02d}:{minute % 60:02d}",
                f"{(minute + 5) // 60:02d}:{(minute + 5) % 60:02d}",
            )
            out += [
                f"\t{start} \u2013 {end}",
                f"\tItem {index} on topic {rng.randint(0, 9)}",
                "[Leads: PPT]",
                "\u00b7 Sub item",
                "",
            ]
    return "\n".join(out)


def test_a_500_session_agenda_parses_completely() -> None:
    text = generated_agenda()
    result = parse_agenda(text)
    assert result["stats"]["sessions"] == 500
    assert result["stats"]["days"] == 5
    assert result["event"]["timezone"] == "America/Mexico_City"
    assert_nothing_lost(text, result)
