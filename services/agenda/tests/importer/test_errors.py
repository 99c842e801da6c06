"""Documents the importer refuses, each with its reason code; and the Word artefacts."""

from __future__ import annotations

import pytest

from services.agenda.importer import AgendaImportError, docx_to_text, parse_agenda

from .helpers import assert_nothing_lost


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty_document"),
        (" \t\n\r\n   \n", "empty_document"),
        ("PK\x03\x04\x00\x00binary", "not_text"),
        ("\x01\x02\x03\x04\x05\x06\x07\x08 abc", "not_text"),
        ("REGIONAL CONFERENCE\nSome text without any day\n09:00 - 10:00 Opening", "no_days"),
        ("TITLE\nSan José, Costa Rica\n\nMONDAY, 19 JUNE\nAll day\nWorkshop", "no_year"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "control-chars", "no-day", "no-year"],
)
def test_each_refusal_has_its_reason(text: str, reason: str) -> None:
    with pytest.raises(AgendaImportError) as caught:
        parse_agenda(text)
    assert caught.value.reason == reason
    assert caught.value.message


def test_default_year_rescues_a_header_without_year() -> None:
    result = parse_agenda("TITLE\n\nMONDAY, 19 JUNE\nAll day\nWorkshop", default_year=2017)
    assert result["sessions"][0]["day"] == "2017-06-19"


def test_not_a_docx() -> None:
    for data in (b"", b"plain text", b"PK\x03\x04 broken zip"):
        with pytest.raises(AgendaImportError) as caught:
            docx_to_text(data)
        assert caught.value.reason == "not_docx"


def test_bookmarks_tabs_and_invisible_characters_are_cleaned() -> None:
    text = (
        "MEETING\n12-13 May, 2020\nMadrid, España\n\nTUESDAY, 12 MAY\n"
        "\t10:00 \u2013 10:30\n"
        "\t[bookmark: OLE_LINK1][bookmark: _Hlk123]Opening\u00a0remarks\u200b\t\n"
        "[bookmark: OLE_LINK2]\n"
    )
    result = parse_agenda(text)
    session = result["sessions"][0]
    assert session["title"] == "Opening remarks"
    assert result["event"]["timezone"] == "Europe/Madrid"
    assert result["warnings"][0]["line"] == 8, "a line of nothing but a bookmark is reported"
    assert_nothing_lost(text, result)


def test_unknown_country_is_utc_with_a_warning() -> None:
    result = parse_agenda(
        "MEETING\nGotham, Atlantis\n1-2 May, 2020\n\nFRIDAY, 1 MAY\nAll day\nTalks"
    )
    assert result["event"]["timezone"] == "UTC"
    assert result["event"]["country"] == "Atlantis"
    assert any("Atlantis" in warning["message"] for warning in result["warnings"])


def test_time_variants_and_days_without_weekday() -> None:
    text = (
        "Meeting 2021\n\n21 de junio\n9.00-9.30 Apertura\n\n10:00\u201310:30\nReceso\n"
        "June 22\n2:00 pm - 3:00 pm Lunch\n"
    )
    sessions = parse_agenda(text)["sessions"]
    assert [(s["day"], s["start"], s["end"], s["kind"]) for s in sessions] == [
        ("2021-06-21", "09:00", "09:30", "ceremony"),
        ("2021-06-21", "10:00", "10:30", "break"),
        ("2021-06-22", "14:00", "15:00", "meal"),
    ]


def test_an_agenda_crossing_new_year() -> None:
    text = "M\nDecember 2022\n\nThursday, 29 December\nAll day\nA\nMonday, 2 January\nAll day\nB\n"
    assert [s["day"] for s in parse_agenda(text)["sessions"]] == ["2022-12-29", "2023-01-02"]
