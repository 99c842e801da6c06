"""Four more agendas of the genre, two of them real Word documents, checked by hand.

Written by a second customer, unlike the earlier fixtures: days as "18 June (Monday)" and
"Día 2" with no date (counted from the header's "21 y 22 de junio"), "08:30-09:00h" and
"8h30" times, "TBC"/"Por confirmar" in place of a time, "(to be confirmed)" items, titles
Word wrapped onto two lines, closed sessions for heads of delegation, parallel working
groups listed with Wingdings glyphs or none, footnotes under a rule, an annex after the
agenda, a closing "Nota:" about the whole programme. The .docx files (built by
fixtures/make_word_agendas.py) use Heading styles, bold days, list styles, 2- and 3-column
tables with merged break rows and line breaks in cells, a page header and footer, and text
boxes.

A row is (month-day, start or part of day, end, kind, title, room, leads, accreditation or
None, notes).
"""

from __future__ import annotations

import pytest

from services.agenda.importer import docx_to_text, parse_agenda

from .helpers import FIXTURES, assert_nothing_lost, read

SAENZ = "Sala Manuela Sáenz, Hotel Quito"
HEADS = "heads-of-delegation"
QUITO = [
    ("06-18", "15:00", "19:00", "plenary_item", "Registration of participants", None, [], None, []),
    (
        "06-18",
        "19:30",
        None,
        "meal",
        "Welcome reception offered by the host country",
        None,
        [],
        None,
        ["Business attire."],
    ),  # footnote ¹
    ("06-19", "08:30", "09:00", "plenary_item", "Registration", SAENZ, [], None, []),
    ("06-19", "09:00", "09:30", "ceremony", "Opening session", SAENZ, [], None, []),
    (
        "06-19",
        "09:30",
        "11:00",
        "plenary_item",
        "Report of the Presidency Pro Tempore on the activities of the 2017-2018 work plan",
        SAENZ,
        ["PPT Ecuador"],
        None,
        [],
    ),
    ("06-19", "11:00", "11:15", "break", "Coffee break", SAENZ, [], None, []),
    (
        "06-19",
        "11:15",
        "12:45",
        "plenary_item",
        "Closed session: heads of delegation only",
        SAENZ,
        [],
        HEADS,
        [],
    ),
    ("06-19", "12:45", "14:15", "meal", "Lunch", SAENZ, [], None, []),
    (
        "06-19",
        "14:15",
        "15:45",
        "plenary_item",
        "Presentation of the study on returned migrants",
        SAENZ,
        ["IOM"],
        None,
        ["to be confirmed"],
    ),
    ("06-19", "15:45", "16:00", "break", "Break", SAENZ, [], None, []),
    (
        "06-19",
        "16:00",
        "17:30",
        "meeting",
        "Working Group 1: Consular protection",
        "Room A",
        [],
        None,
        [],
    ),
    (
        "06-19",
        "16:00",
        "17:30",
        "meeting",
        "Working Group 2: Labour migration",
        "Room B",
        [],
        None,
        [],
    ),
    # "TBC" in the time column: no time yet, after 16:00 so in the afternoon, still last.
    ("06-19", "afternoon", None, "meeting", "Press conference", SAENZ, [], None, ["TBC"]),
    ("06-20", "09:00", None, "plenary_item", "Arrival of the Vice-Ministers", SAENZ, [], None, []),
    (
        "06-20",
        "09:30",
        "10:30",
        "plenary_item",
        "Closed session of Vice-Ministers",
        SAENZ,
        [],
        "closed-session-of-vice-ministers",
        ["Only open to accredited participants; one advisor per delegation."],
    ),  # footnote ²
    ("06-20", "10:30", "11:00", "plenary_item", "Family photograph", SAENZ, [], None, []),
    (
        "06-20",
        "11:00",
        "12:30",
        "plenary_item",
        "Adoption of the Declaration of Quito",
        SAENZ,
        [],
        None,
        [],
    ),
    ("06-20", "12:30", None, "ceremony", "Closing ceremony", SAENZ, [], None, []),
    ("06-21", "all_day", None, "departure", "Departure of delegations", None, [], None, []),
]

PANAMA = [
    ("06-21", "08:30", "09:00", "plenary_item", "Acreditación", None, [], None, []),
    (
        "06-21",
        "09:00",
        "09:30",
        "ceremony",
        "Palabras de bienvenida",
        None,
        ["Viceministro de Relaciones Exteriores de Panamá"],
        None,
        [],
    ),
    (
        "06-21",
        "09:30",
        "11:00",
        "plenary_item",
        "Presentación de los avances del Plan de Trabajo y de las propuestas de la Presidencia "
        "Pro Tempore",
        None,
        ["PPT", "ST"],
        None,
        [],
    ),
    ("06-21", "11:00", "11:15", "break", "Receso", None, [], None, []),
    (
        "06-21",
        "11:15",
        "13:00",
        "meeting",
        "Grupo 1 – Protección consular",
        "Sala Balboa",
        [],
        None,
        [],
    ),
    ("06-21", "11:15", "13:00", "meeting", "Grupo 2 – Niñez migrante", "Sala Darién", [], None, []),
    (
        "06-21",
        "11:15",
        "13:00",
        "meeting",
        "Grupo 3 – Retorno y reintegración",
        "Sala Coclé",
        [],
        None,
        [],
    ),
    ("06-21", "13:00", "14:30", "meal", "Almuerzo ofrecido por la Cancillería", None, [], None, []),
    (
        "06-21",
        "afternoon",
        None,
        "meeting",
        "Visita al Centro de Atención al Migrante",
        None,
        [],
        None,
        ["Por confirmar"],
    ),
    # "Día 2": the day after "Día 1 – Jueves 21 de junio" by the header's "21 y 22 de junio".
    (
        "06-22",
        "08:30",
        "10:00",
        "plenary_item",
        "Informe de los grupos de trabajo",
        None,
        [],
        None,
        [],
    ),
    ("06-22", "10:00", "10:15", "break", "Pausa", None, [], None, []),
    ("06-22", "10:15", "12:00", "meeting", "Sesión cerrada de Viceministros", None, [], HEADS, []),
    ("06-22", "12:00", "13:00", "plenary_item", "Diálogo entre Viceministros", None, [], HEADS, []),
    ("06-22", "13:00", None, "ceremony", "Clausura", None, [], None, []),
]

TALLER = [
    (
        "10-03",
        "08:30",
        "09:00",
        "plenary_item",
        "Registro de participantes",
        None,
        ["Secretaría Técnica"],
        None,
        [],
    ),
    (
        "10-03",
        "09:00",
        "09:30",
        "ceremony",
        "Inauguración",
        None,
        ["PPT Costa Rica", "OIM"],
        None,
        [],
    ),  # two lines of one "Responsable" cell
    (
        "10-03",
        "09:30",
        "10:30",
        "plenary_item",
        "Módulo 1: Marco conceptual de las estadísticas de migración",
        None,
        ["Dra. Laura Méndez, CEPAL"],
        None,
        [],
    ),
    ("10-03", "10:30", "10:45", "break", "Pausa café", None, [], None, []),  # merged row
    (
        "10-03",
        "10:45",
        "12:30",
        "plenary_item",
        "Módulo 2: Registros administrativos",
        None,
        ["Sr. Pablo Rojas, INEC"],
        "modulo-2-registros-administrativos",
        [],
    ),
    ("10-03", "12:30", "14:00", "meal", "Almuerzo", None, [], None, []),
    (
        "10-03",
        "afternoon",
        None,
        "meeting",
        "Visita a la Dirección General de Migración",
        None,
        ["DGME"],
        None,
        ["Por confirmar"],
    ),
    (
        "10-04",
        "09:00",
        "10:30",
        "plenary_item",
        "Módulo 3: Trabajo en grupos",
        None,
        ["CEPAL", "OIM"],
        None,
        [],
    ),
    ("10-04", "10:30", "10:45", "break", "Pausa café", None, [], None, []),
    (
        "10-04",
        "10:45",
        "12:00",
        "plenary_item",
        "Conclusiones y cierre del taller",
        None,
        ["PPT"],
        None,
        [],
    ),
    ("10-04", "12:00", None, "meal", "Almuerzo de clausura", None, [], None, []),
]

FORT = "Radisson Fort George, Room Maya"
BELIZE = [
    ("10-08", "08:30", "09:00", "plenary_item", "Registration", None, [], None, []),
    (
        "10-08",
        "09:00",
        "09:30",
        "ceremony",
        "Opening remarks",
        None,
        ["Ms. Ann Smith, Government of Belize"],
        None,
        [],
    ),
    (
        "10-08",
        "09:30",
        "10:30",
        "plenary_item",
        "Round of updates by Member Countries",
        None,
        [],
        None,
        [],
    ),
    ("10-08", "10:30", "10:45", "break", "Coffee break", None, [], None, []),
    (
        "10-08",
        "10:45",
        "12:30",
        "meeting",
        "Group 1: Reception protocols",
        "Room Maya",
        [],
        None,
        [],
    ),
    (
        "10-08",
        "10:45",
        "12:30",
        "meeting",
        "Group 2: Family reunification",
        "Room Garifuna",
        [],
        None,
        [],
    ),
    ("10-08", "10:45", "12:30", "meeting", "Group 3: Data sharing", "Room Mestizo", [], None, []),
    ("10-08", "12:30", "14:00", "meal", "Lunch", None, [], None, []),
    (
        "10-08",
        "14:00",
        "16:00",
        "plenary_item",
        "Closed session: heads of delegation only",
        None,
        [],
        HEADS,
        [],
    ),
    ("10-09", "09:00", "10:30", "plenary_item", "Report of the working groups", FORT, [], None, []),
    (
        "10-09",
        "10:30",
        "11:00",
        "plenary_item",
        "Adoption of the work plan 2020",
        FORT,
        [],
        None,
        [],
    ),
    # "TBC" and "(to be confirmed)" are one note; the text box restricts the visit.
    (
        "10-09",
        "morning",
        None,
        "meeting",
        "Visit to a reception centre",
        FORT,
        [],
        "visit-to-a-reception-centre",
        ["TBC"],
    ),
    ("10-09", "11:00", None, "ceremony", "Closing of the meeting", FORT, [], None, []),
]

ANNEX = "after the agenda (annex); not imported"
CASES = {
    "rcm-2018-quito-vm-en.txt": (
        QUITO,
        [
            (47, "page number or header; ignored"),
            (51, ANNEX),
            (52, ANNEX),
            (53, ANNEX),
            (54, ANNEX),
            (55, ANNEX),
        ],
    ),
    "crm-2018-panama-viceministerial-es.txt": (
        PANAMA,
        [(34, "note on the whole agenda, not on one session; not imported")],
    ),
    "taller-2019-costa-rica-es.docx": (
        TALLER,
        [
            (8, "text before the first day that is not part of the header; ignored"),  # text box
            (9, "text before the first day that is not part of the header; ignored"),
            (11, "text before the first day that is not part of the header; ignored"),  # header
            (12, "page number or header; ignored"),
        ],
    ),  # footer "Página 1"
    "network-2019-belize-en.docx": (
        BELIZE,
        [
            (7, "text before the first day that is not part of the header; ignored"),
            (8, "page number or header; ignored"),
            (40, ANNEX),
            (41, ANNEX),
            (42, ANNEX),
        ],
    ),
}


def text_of(name: str) -> str:
    if name.endswith(".docx"):
        return docx_to_text((FIXTURES / name).read_bytes())
    return read(name)


def _row(session: dict) -> tuple:
    restricted = session["access"] == "accredited"
    return (
        session["day"][5:],
        session["start"] or session["part_of_day"],
        session["end"],
        session["kind"],
        session["title"],
        session["room"],
        session["leads"],
        session["accreditation"] if restricted else None,
        session["notes"],
    )


@pytest.mark.parametrize("name", CASES)
def test_every_session_and_warning_as_an_organiser_reads_them(name: str) -> None:
    text = text_of(name)
    result = parse_agenda(text)
    sessions, warnings = CASES[name]
    assert [_row(s) for s in result["sessions"]] == sessions
    assert [(w["line"], w["message"]) for w in result["warnings"]] == warnings
    assert_nothing_lost(text, result)


def test_headers_with_the_year_in_the_title_the_place_or_the_page_header() -> None:
    fields = (
        "title",
        "subtitle",
        "host",
        "city",
        "country",
        "header_dates",
        "status_label",
        "timezone",
        "first_day",
        "last_day",
        "languages",
    )
    expected = {
        "rcm-2018-quito-vm-en.txt": (
            "REGIONAL CONFERENCE ON MIGRATION",
            "XXIII Vice-Ministerial Meeting",
            "Ministry of Foreign Affairs and Human Mobility",
            "Quito",
            "Ecuador",
            "XXIII Vice-Ministerial Meeting, June 2018",
            "Provisional agenda (as of 5 June)",
            "America/Guayaquil",
            "2018-06-18",
            "2018-06-21",
            ["en"],
        ),
        "crm-2018-panama-viceministerial-es.txt": (
            "CONFERENCIA REGIONAL SOBRE MIGRACIÓN",
            "XXIII Reunión Viceministerial, junio 2018",
            None,
            "Ciudad de Panamá",
            "Panamá",
            "21 y 22 de junio",
            "PROGRAMA",
            "America/Panama",
            "2018-06-21",
            "2018-06-22",
            ["es"],
        ),
        "taller-2019-costa-rica-es.docx": (
            "Taller regional sobre gestión de datos migratorios",
            "Red de Funcionarios de Enlace en Protección Consular",
            None,
            "San José",
            "Costa Rica",
            "3 y 4 de octubre",
            "PROGRAMA",
            "America/Costa_Rica",
            "2019-10-03",
            "2019-10-04",
            ["es"],
        ),  # the year is only in the page header
        "network-2019-belize-en.docx": (
            "REGIONAL CONFERENCE ON MIGRATION",
            "Meeting of the Liaison Officers Network on Migrant Children",
            None,
            "Belize City",
            "Belize",
            "8-9 October 2019",
            "DRAFT PROGRAMME",
            "America/Belize",
            "2019-10-08",
            "2019-10-09",
            ["en"],
        ),
    }
    for name, values in expected.items():
        event = parse_agenda(text_of(name))["event"]
        assert tuple(event[field] for field in fields) == values, name


def test_the_body_repeats_the_subtitle_in_capitals_as_one_meeting() -> None:
    result = parse_agenda(read("rcm-2018-quito-vm-en.txt"))
    wednesday = {s["meeting"] for s in result["sessions"] if s["day"] == "2018-06-20"}
    assert wednesday == {"XXIII Vice-Ministerial Meeting"}


def test_items_and_parallel_groups() -> None:
    quito = {s["title"]: s for s in parse_agenda(read("rcm-2018-quito-vm-en.txt"))["sessions"]}
    assert [i["title"] for i in quito["Opening session"]["items"]] == [
        "Words of welcome by the Vice-Minister of Human Mobility",
        "Adoption of the agenda",
    ]
    closed = quito["Closed session: heads of delegation only"]
    assert [i["title"] for i in closed["items"]] == [
        "Selection of the new Coordinator of the Technical Secretariat"
    ]
    groups = [s for s in quito.values() if s["parallel_group"]]
    assert len(groups) == 2 and len({s["parallel_group"] for s in groups}) == 1
    taller = {
        s["title"]: s for s in parse_agenda(text_of("taller-2019-costa-rica-es.docx"))["sessions"]
    }
    module = taller["Módulo 1: Marco conceptual de las estadísticas de migración"]
    assert [i["title"] for i in module["items"]] == [
        "Definiciones internacionales",
        "Fuentes de datos",
    ]
    belize = parse_agenda(text_of("network-2019-belize-en.docx"))["sessions"]
    assert len({s["parallel_group"] for s in belize if s["parallel_group"]}) == 1


def test_word_parts_python_docx_does_not_read_are_read() -> None:
    text = docx_to_text((FIXTURES / "network-2019-belize-en.docx").read_bytes())
    lines = text.split("\n")
    assert lines.count("Only open to accredited participants.") == 1, "text box, once"
    assert "RCM Liaison Officers Network" in lines and "Page 1" in lines, "header, footer"
    assert lines.index("Page 1") < lines.index("8 October (Tuesday)")
    text = docx_to_text((FIXTURES / "taller-2019-costa-rica-es.docx").read_bytes())
    assert "· Palabras de la OIM\tPPT Costa Rica; OIM" in text.split("\n"), "cell lines"
    assert "Por confirmar\tVisita a la Dirección General de Migración (por confirmar)\tDGME" in (
        text.split("\n")
    ), "a TBC row is a table row"


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("19 June (Tuesday)", "2018-06-19"),
        ("June 19 (Tue.)", "2018-06-19"),
        ("19 de junio, martes", "2018-06-19"),
        ("Day 2", "2018-06-19"),
        ("DÍA 2:", "2018-06-19"),
        ("Second day", "2018-06-19"),
        ("Segunda jornada", "2018-06-19"),
    ],
)
def test_day_headings_of_other_word_orders(line: str, day: str) -> None:
    text = f"M\n18-20 June 2018\n\n{line}\n09:00 – 10:00 Item\n"
    (session,) = parse_agenda(text)["sessions"]
    assert session["day"] == day


def test_a_numbered_day_without_header_dates_follows_the_previous_day() -> None:
    text = "M 2018\n\nMonday 18 June\n9:00 – 10:00 A\nDay 2\n9:00 – 10:00 B\n"
    assert [s["day"] for s in parse_agenda(text)["sessions"]] == ["2018-06-18", "2018-06-19"]


def test_a_numbered_day_with_nothing_to_count_from_is_a_warning() -> None:
    text = "M 2018\n\nDay 2\n9:00 – 10:00 A\nMonday 18 June\n9:00 – 10:00 B\n"
    result = parse_agenda(text)
    assert [s["title"] for s in result["sessions"]] == ["B"]
    assert {3, 4} <= {w["line"] for w in result["warnings"]}  # line 1: no known country
    assert_nothing_lost(text, result)


def test_an_annex_word_inside_a_session_is_an_item() -> None:
    text = "M\nQuito, Ecuador\n18 June 2018\n\nMonday 18 June\n9:00 – 10:00 Review\n"
    text += "Annex 2 – Draft text\n"
    result = parse_agenda(text)
    assert [i["title"] for i in result["sessions"][0]["items"]] == ["Annex 2 – Draft text"]
    assert result["warnings"] == []
