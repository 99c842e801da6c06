"""The Spanish agenda and the English variant: the genre, not one file."""

from __future__ import annotations

import pytest

from services.agenda.importer import docx_to_text, parse_agenda

from .helpers import FIXTURES, assert_nothing_lost, by_key, read, seed_text


def docx_text(name: str) -> str:
    return docx_to_text((FIXTURES / name).read_bytes())


ALL = {
    "seed": seed_text,
    "es": lambda: read("agenda-es.txt"),
    "en": lambda: read("agenda-en-variant.txt"),
    # Agendas written as a customer would try them (see test_genre.py).
    "guatemala-en": lambda: read("rcm-2019-guatemala-en.txt"),
    "honduras-es": lambda: read("crm-2019-honduras-es.txt"),
    "table-crlf": lambda: read("seminar-2018-table-crlf.txt"),
    "bilingual-odd": lambda: read("rcm-2017-bilingual-odd.txt"),
    # A second customer's agendas (see test_round2.py); the .docx ones as Word uploads read.
    "quito-vm-en": lambda: read("rcm-2018-quito-vm-en.txt"),
    "panama-vm-es": lambda: read("crm-2018-panama-viceministerial-es.txt"),
    "taller-docx-es": lambda: docx_text("taller-2019-costa-rica-es.docx"),
    "network-docx-en": lambda: docx_text("network-2019-belize-en.docx"),
}


@pytest.mark.parametrize("name", ALL)
def test_nothing_is_lost(name: str) -> None:
    text = ALL[name]()
    assert_nothing_lost(text, parse_agenda(text))


@pytest.mark.parametrize("name", ALL)
def test_reimporting_gives_the_same_keys(name: str) -> None:
    text = ALL[name]()
    first, second = parse_agenda(text), parse_agenda(text)
    keys = [s["key"] for s in first["sessions"]]
    assert keys == [s["key"] for s in second["sessions"]]
    assert len(set(keys)) == len(keys), "keys are unique"
    assert first == second


@pytest.mark.parametrize("name", ALL)
def test_sessions_are_sorted_by_day_then_time(name: str) -> None:
    result = parse_agenda(ALL[name]())
    days = [s["day"] for s in result["sessions"]]
    assert days == sorted(days)


def test_spanish_event_header() -> None:
    event = parse_agenda(read("agenda-es.txt"))["event"]
    assert event["languages"] == ["es"]
    assert event["title"] == "CONFERENCIA REGIONAL SOBRE MIGRACIÓN (CRM)"
    assert event["theme"] == "MIGRACIÓN Y DESARROLLO"
    assert event["host"] == "Ministerio de Relaciones Exteriores"
    assert (event["city"], event["country"]) == ("Ciudad de Panamá", "Panamá")
    assert event["timezone"] == "America/Panama"
    assert event["status_label"] == "AGENDA PRELIMINAR"
    assert event["header_dates"] == "11-13 de junio de 2019"
    assert (event["first_day"], event["last_day"]) == ("2019-06-10", "2019-06-14")


def test_spanish_sessions() -> None:
    result = parse_agenda(read("agenda-es.txt"))
    sessions = by_key(result)
    assert result["warnings"] == []
    assert result["stats"]["days"] == 5 and result["stats"]["sessions"] == 14
    workshops = [s for s in result["sessions"] if s["kind"] == "workshop"]
    assert [(w["day"], w["part_of_day"], w["access"]) for w in workshops] == [
        ("2019-06-10", "all_day", "accredited"),
        ("2019-06-11", "morning", "accredited"),
    ]
    assert workshops[0]["title"] == workshops[1]["title"]
    assert workshops[0]["accreditation"] == workshops[1]["accreditation"]
    # The parallel header starts a new block: its venues do not reach the morning workshop.
    assert workshops[1]["room"] is None

    parallel = [s for s in result["sessions"] if s["parallel_group"]]
    assert [s["room"] for s in parallel] == ["Salón Bolívar", "Salón Morazán"]
    assert {s["meeting"] for s in parallel} == {"Red de Funcionarios de Enlace"}
    assert all(s["notes"] == ["Ver agendas específicas de estas reuniones"] for s in parallel)
    assert all(s["part_of_day"] == "afternoon" for s in parallel)

    opening = sessions["2019-06-12-0900-palabras-de-apertura-de-la"]
    assert (opening["start"], opening["end"], opening["kind"]) == ("09:00", "09:30", "ceremony")
    assert opening["meeting"] == "Reunión del Grupo Regional de Consulta sobre Migración (GRCM)"
    assert sessions["2019-06-12-0930-inicio-de-los-trabajos"]["leads"] == ["PPT"]
    assert sessions["2019-06-12-1030-receso"]["kind"] == "break"
    assert sessions["2019-06-12-1230-almuerzo"]["kind"] == "meal"
    proposals = sessions["2019-06-12-1045-propuestas-de-nuevas-actividades"]
    assert [i["leads"] for i in proposals["items"]] == [
        ["Guatemala"],
        ["Guatemala"],
        ["Honduras", "Nicaragua"],
        ["Panamá - OIM"],
    ]
    assert [i["title"] for i in proposals["items"][-1]["items"]] == [
        "Estudio sobre mecanismos de protección",
        "Lineamientos regionales (taller de diseño y validación)",
    ]
    thursday = [s for s in result["sessions"] if s["day"] == "2019-06-13"]
    assert {s["meeting"] for s in thursday} == {opening["meeting"]}, "MAYÚSCULAS = same meeting"
    assert thursday[0]["leads"] == ["PPT"]
    assert thursday[-1]["kind"] == "ceremony"
    departure = result["sessions"][-1]
    assert (departure["kind"], departure["part_of_day"]) == ("departure", "all_day")


def test_english_variant() -> None:
    result = parse_agenda(read("agenda-en-variant.txt"))
    sessions = by_key(result)
    event = result["event"]
    assert (event["city"], event["country"], event["timezone"]) == (
        "San José",
        "Costa Rica",
        "America/Costa_Rica",
    )
    assert event["header_dates"] == "June 19-21, 2018"
    assert (event["first_day"], event["last_day"]) == ("2018-06-19", "2018-06-22")
    assert result["warnings"] == []
    labour = sessions["2018-06-20-0930-labour-migration-in-the-region"]
    assert (labour["start"], labour["end"]) == ("09:30", "10:30")
    assert labour["leads"] == ["Costa Rica", "Mexico", "Trinidad and Tobago"]
    agreements = labour["items"][1]
    assert agreements["title"] == "Bilateral agreements:"
    assert [i["title"] for i in agreements["items"]] == [
        "Seasonal workers",
        "Recognition of qualifications",
    ]
    assert sessions["2018-06-20-1030-coffee-break"]["kind"] == "break"
    assert sessions["2018-06-20-1230-lunch-offered-by-the-host-country"]["kind"] == "meal"
    parallel = [s for s in result["sessions"] if s["parallel_group"]]
    assert [(s["room"], s["meeting"]) for s in parallel] == [
        ("Sala Guanacaste", None),
        ("Sala Limón", None),
    ]
    thursday = [s for s in result["sessions"] if s["day"] == "2018-06-21"]
    assert {s["meeting"] for s in thursday} == {"Meeting of the Vice-Ministers"}
    assert sessions["2018-06-19-all-day-workshop-on-labour-migration"]["access"] == "accredited"
    assert result["sessions"][-1]["kind"] == "departure"
