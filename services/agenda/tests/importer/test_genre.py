"""Agendas of the genre that the importer was not written from, checked by hand.

Each was written the way a customer's other agendas are (Word exports of RCM-style
meeting agendas) and varies what real documents vary: 12-hour, "9.00", "09h00", "de 9:00
a 10:30", "14:00 hrs." and "12:00 m." times; "Day 1 – Tuesday, 12 November",
"DÍA 2: MARTES 5 DE NOVIEMBRE", "Miércoles 6", "November 14th"; Moderator/Expositores
and "(Lead: ...)" leads; "a)", "1.", "-", "o", "•" items; rooms named in titles; and a Word
table saved as text with tabs, CRLF line ends and non-breaking spaces.

A row is (month-day, start or part of day, end, kind, title, room, leads, access[0]).
"""

from __future__ import annotations

import pytest

from services.agenda.importer import parse_agenda

from .helpers import assert_nothing_lost, read

RCGM = "Meeting of the Regional Consultation Group on Migration (RCGM)"
HALL = "Salón Los Próceres I and II"

GUATEMALA = [
    ("11-12", "09:00", "17:00", "workshop",
     "Workshop “Labour migration statistics and information systems”", "Salón Tikal", [], "a"),
    ("11-12", "18:30", None, "meal",
     "Welcome cocktail offered by the Ministry of Foreign Affairs of Guatemala",
     "Terrace, Hotel Camino Real", [], "o"),
    ("11-13", "09:00", "09:30", "plenary_item", "Registration of participants", HALL, [], "o"),
    ("11-13", "09:30", "10:00", "ceremony", "Opening session", HALL, ["PPT Guatemala"], "o"),
    ("11-13", "10:00", "10:15", "break", "Coffee break", HALL, [], "o"),
    ("11-13", "10:15", "11:45", "plenary_item", "Panel: Labour mobility schemes in the region",
     HALL, ["Ms. Ana María López, IOM", "Canada", "Mexico", "Guatemala"], "o"),
    ("11-13", "11:45", "12:30", "plenary_item", "Report of the Technical Secretariat (TS)",
     HALL, ["TS"], "o"),
    ("11-13", "12:30", "14:00", "meal", "Lunch", HALL, [], "o"),  # "12.30 – 2.00"
    ("11-13", "14:00", "15:30", "meeting", "Liaison Officers Network for Consular Protection",
     "Salón Tikal", [], "o"),
    ("11-13", "14:00", "15:30", "meeting", "Liaison Officers Network for Migrant Children",
     "Salón Quiriguá", [], "o"),
    ("11-13", "15:30", "15:45", "break", "Coffee/tea break", HALL, [], "o"),
    ("11-13", "15:45", "17:30", "plenary_item",
     "Follow-up to the Global Compact for Safe, Orderly and Regular Migration", HALL,
     ["Mexico", "El Salvador"], "o"),
    # The document names no room for the dinner: it stays in the block's (see the report).
    ("11-13", "19:30", None, "meal", "Dinner offered by the Government of Guatemala", HALL, [],
     "o"),
    ("11-14", "09:00", "10:30", "plenary_item",
     "Revision of the draft Declaration of Guatemala City", HALL, ["PPT"], "o"),
    ("11-14", "10:30", "10:45", "break", "Coffee break", HALL, [], "o"),
    ("11-14", "10:45", "12:30", "plenary_item", "Conclusions and recommendations of the RCGM",
     HALL, ["All delegations"], "o"),
    ("11-14", "12:30", "14:00", "meal", "Free lunch", HALL, [], "o"),
    ("11-14", "14:00", None, "ceremony", "Closing ceremony", HALL, [], "o"),
    ("11-14", "15:00", None, "plenary_item", "Press conference", "Salón Tikal", [], "o"),
    ("11-15", "08:00", "12:00", "departure", "Departure of delegations", None, [], "o"),
]

COPAN, LEMPIRA = "Salón Copán", "Salón Lempira"
HONDURAS = [
    ("11-04", "09:00", "17:00", "workshop",
     "Taller regional sobre protección de personas desplazadas a través de fronteras en el "
     "contexto de desastres", "Salón Copán, Hotel Honduras Maya", [], "a"),
    ("11-05", "08:30", "09:00", "plenary_item", "Registro de participantes", COPAN, [], "o"),
    ("11-05", "09:00", "09:30", "ceremony", "Palabras de bienvenida", COPAN,
     ["Viceministro de Relaciones Exteriores de Honduras"], "o"),
    ("11-05", "09:30", "10:30", "plenary_item", "Presentación de los informes nacionales",
     COPAN, ["Delegaciones de los Países Miembros"], "o"),
    ("11-05", "10:30", "10:45", "break", "Pausa para café", COPAN, [], "o"),
    ("11-05", "10:45", "12:30", "plenary_item",
     "Protocolo de asistencia consular en casos de desastre", COPAN, ["Costa Rica"], "o"),
    ("11-05", "12:30", "14:00", "meal", "Almuerzo libre", COPAN, [], "o"),
    ("11-05", "14:00", "17:00", "plenary_item", "Continuación de los trabajos", COPAN, [], "o"),
    ("11-05", "19:00", None, "meal", "Cena ofrecida por la Secretaría de Relaciones Exteriores",
     COPAN, [], "o"),
    ("11-06", "09:00", "10:30", "ceremony",
     "Instalación de la reunión y aprobación de la agenda", LEMPIRA, ["PPT"], "o"),
    ("11-06", "10:30", "10:45", "break", "Pausa para café", LEMPIRA, [], "o"),
    ("11-06", "10:45", "12:00", "plenary_item", "Informe de la Secretaría Técnica", LEMPIRA,
     ["ST"], "o"),
    ("11-06", "12:00", "13:30", "meal", "Almuerzo", LEMPIRA, [], "o"),  # "de 12:00 m. a 13:30"
    ("11-06", "13:30", "15:00", "plenary_item", "Diálogo con la sociedad civil (RROCM)",
     LEMPIRA, ["Sra. María Pérez", "RROCM", "OIM", "ACNUR"], "o"),
    ("11-06", "15:00", "15:15", "break", "Receso", LEMPIRA, [], "o"),
    ("11-06", "15:15", "17:30", "meeting", "Grupo Ad Hoc sobre migrantes extrarregionales",
     COPAN, [], "o"),
    ("11-06", "15:15", "17:30", "meeting",
     "Red de Funcionarios de Enlace contra el Tráfico Ilícito de Migrantes", LEMPIRA, [], "o"),
    # "Lugar:" comes after the closing ceremony's time line: it is the ceremony's room.
    ("11-07", "09:00", "11:00", "plenary_item",
     "Lectura y aprobación de la Declaración de Tegucigalpa", None, [], "o"),
    ("11-07", "11:00", None, "ceremony", "Ceremonia de clausura", LEMPIRA, [], "o"),
    ("11-08", "all_day", None, "departure", "Salida de las delegaciones", None, [], "o"),
]

AB = "Rooms A and B"
SEMINAR = [
    ("03-20", "08:30", "09:00", "plenary_item", "Registration of participants", None,
     ["Technical Secretariat"], "o"),
    ("03-20", "09:00", "09:30", "ceremony", "Opening ceremony", None, ["PPT Panama"], "o"),
    ("03-20", "09:30", "10:30", "plenary_item",
     "Keynote: “Children on the move in Central America”", None, ["UNICEF"], "o"),
    ("03-20", "10:30", "10:45", "break", "Coffee break", None, [], "o"),
    ("03-20", "10:45", "12:30", "plenary_item", "Panel 1: Best interest determination", None,
     ["IOM"], "o"),
    ("03-20", "12:30", "14:00", "meal", "Lunch", None, [], "o"),
    ("03-20", "14:00", "17:00", "plenary_item", "Working groups", AB, ["All delegations"], "o"),
    ("03-21", "09:00", "12:00", "plenary_item", "Field visit to the shelter “Casa Hogar”", None,
     ["Ministry of Social Development"], "a"),
    ("03-21", "12:00", "13:30", "meal", "Lunch offered by the Ministry of Social Development",
     None, [], "o"),
    ("03-21", "13:30", "17:00", "plenary_item", "Plenary: report of the working groups", AB,
     ["Rapporteurs"], "o"),
    ("03-22", "09:00", "10:30", "plenary_item", "Adoption of the conclusions and recommendations",
     None, ["PPT"], "o"),
    ("03-22", "10:30", None, "ceremony", "Closing", None, [], "o"),
]

# Bilingual headings, a day heading with its part of the day, "9 am – 12 pm", a
# monthless "Jueves 22", a room after a dash, and a page footer left by the export.
BILINGUAL = [
    ("06-19", "09:00", "10:00", "ceremony", "Opening / Apertura", None, [], "o"),
    ("06-19", "10:00", "10:30", "break", "Coffee/tea break", None, [], "o"),
    ("06-20", "09:00", "12:00", "workshop", "Workshop on returns", None, [], "o"),
    ("06-22", "10:00", "11:00", "plenary_item", "Bilateral meetings", "Room 3", [], "o"),
    ("06-22", "14:00", None, "plenary_item", "Visita de campo", None, [], "a"),
    ("06-23", "all_day", None, "departure", "Departure of delegations", None, [], "o"),
]

CASES = {
    "rcm-2019-guatemala-en.txt": GUATEMALA,
    "crm-2019-honduras-es.txt": HONDURAS,
    "seminar-2018-table-crlf.txt": SEMINAR,
    "rcm-2017-bilingual-odd.txt": BILINGUAL,
}


def _row(session: dict) -> tuple:
    return (
        session["day"][5:],
        session["start"] or session["part_of_day"],
        session["end"],
        session["kind"],
        session["title"],
        session["room"],
        session["leads"],
        session["access"][0],
    )


@pytest.mark.parametrize("name", CASES)
def test_every_session_as_an_organiser_reads_it(name: str) -> None:
    text = read(name)
    result = parse_agenda(text)
    assert [_row(s) for s in result["sessions"]] == CASES[name]
    assert_nothing_lost(text, result)


def test_guatemala_header_items_and_parallel_sessions() -> None:
    result = parse_agenda(read("rcm-2019-guatemala-en.txt"))
    event = result["event"]
    assert (event["title"], event["subtitle"], event["host"]) == (
        "REGIONAL CONFERENCE ON MIGRATION (RCM)",
        "XXIV Vice-Ministerial Meeting",
        "Ministry of Foreign Affairs",
    )
    assert (event["city"], event["country"], event["timezone"]) == (
        "Guatemala City", "Guatemala", "America/Guatemala")
    assert (event["header_dates"], event["first_day"], event["last_day"]) == (
        "November 12-15, 2019", "2019-11-12", "2019-11-15")
    assert event["languages"] == ["en"] and result["warnings"] == []
    sessions = {s["title"]: s for s in result["sessions"]}
    panel = sessions["Panel: Labour mobility schemes in the region"]
    assert [(i["title"], [j["title"] for j in i["items"]]) for i in panel["items"]] == [
        ("Temporary foreign worker programmes", []),
        ("Fair recruitment:", ["recruitment fees and related costs",
                               "role of private employment agencies"]),
    ]
    report = sessions["Report of the Technical Secretariat (TS)"]
    assert [len(i["items"]) for i in report["items"]] == [0, 2], "'o' nests under '-'"
    opening = sessions["Opening session"]
    assert [i["leads"] for i in opening["items"]] == [[], []], "(Lead: ...) is the session's"
    parallel = [s for s in result["sessions"] if s["parallel_group"]]
    assert len(parallel) == 2 and len({s["parallel_group"] for s in parallel}) == 1
    assert {s["meeting"] for s in result["sessions"] if s["day"] == "2019-11-14"} == {RCGM}


def test_honduras_header_and_monthless_day() -> None:
    result = parse_agenda(read("crm-2019-honduras-es.txt"))
    event = result["event"]
    assert event["header_dates"] == "del 4 al 7 de noviembre de 2019"
    assert (event["first_day"], event["last_day"]) == ("2019-11-04", "2019-11-08")
    assert event["timezone"] == "America/Tegucigalpa" and event["languages"] == ["es"]
    assert event["host"] == "Secretaría de Relaciones Exteriores y Cooperación Internacional"
    assert result["warnings"] == []
    assert result["stats"]["days"] == 5
    wednesday = [s for s in result["sessions"] if s["day"] == "2019-11-06"]  # "Miércoles 6"
    assert {s["meeting"] for s in wednesday if not s["parallel_group"]} == {
        "Reunión del Grupo Regional de Consulta sobre Migración (GRCM)"
    }
    protocol = next(s for s in result["sessions"] if s["title"].startswith("Protocolo"))
    assert [i["title"] for i in protocol["items"]] == [
        "Revisión del borrador", "Comentarios de las delegaciones"]


def test_table_export_header_and_warnings() -> None:
    text = read("seminar-2018-table-crlf.txt")
    assert "\r\n" in text and "\u00a0" in text
    result = parse_agenda(text)
    event = result["event"]
    assert (event["title"], event["subtitle"], event["host"]) == (
        "REGIONAL CONFERENCE ON MIGRATION",
        "Regional Seminar on the Protection of Unaccompanied Migrant Children",
        None,
    )
    assert event["header_dates"] == "20 to 22 March 2018"
    assert event["timezone"] == "America/Panama"
    # Lines the importer cannot place are reported with their numbers, not dropped.
    assert [(w["line"], w["text"]) for w in result["warnings"]] == [
        (8, "(Version of 14 March 2018)"),
        (10, "Simultaneous interpretation will be provided in English and Spanish."),
    ]
    # The column headings and END OF THE SEMINAR belong to the event, not to a session.
    assert {13, 34} <= set(event["source_lines"])
    opening = next(s for s in result["sessions"] if s["title"] == "Opening ceremony")
    assert [i["title"] for i in opening["items"]] == [
        "Words of welcome by the Vice-Minister of Foreign Affairs", "Remarks by UNICEF"]


def test_bilingual_page_footer_is_a_numbered_warning() -> None:
    result = parse_agenda(read("rcm-2017-bilingual-odd.txt"))
    assert [(w["line"], w["text"]) for w in result["warnings"]] == [(10, "Page 2 of 4")]
    assert result["event"]["timezone"] == "America/Santo_Domingo"


def test_a_day_heading_may_carry_its_part_of_the_day() -> None:
    text = "M\n19-23 June 2017\n\nTuesday 20 June 2017 \u2013 Morning\nWorkshop on returns\n"
    (session,) = parse_agenda(text)["sessions"]
    assert (session["day"], session["part_of_day"]) == ("2017-06-20", "morning")
