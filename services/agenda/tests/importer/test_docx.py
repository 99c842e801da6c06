"""A .docx built here with python-docx reads like the equivalent text export."""

from __future__ import annotations

import io

from docx import Document

from services.agenda.importer import docx_to_text, parse_agenda

TEXT = (
    "REGIONAL CONFERENCE ON MIGRATION (RCM)\n"
    "San Salvador, El Salvador\n"
    "20-22 June, 2017\n"
    "\n"
    "WEDNESDAY, 21ST JUNE\n"
    "Meeting of the Regional Consultation Group on Migration (RCGM)\n"
    "Venue: Room of Honor\n"
    "\t14:00 \u2013 14:15\n"
    "\tOpening remarks by the Presidency Pro-T\u00e9mpore (PPT)\n"
    "\n"
    "\t14:15 \u2013 14:30\n"
    "\tStart of work\n"
    "[Leads: PPT]\n"
    "\u00b7 Approval of the agenda\n"
    "\u00b7 Logistical information\n"
    "\n"
    "\t14:30 \u2013 14:45\n"
    "\tBreak\n"
)


def build_docx() -> bytes:
    document = Document()
    for line in (
        "REGIONAL CONFERENCE ON MIGRATION (RCM)",
        "San Salvador, El Salvador",
        "20-22 June, 2017",
        "",
        "WEDNESDAY, 21ST JUNE",
        "Meeting of the Regional Consultation Group on Migration (RCGM)",
        "Venue: Room of Honor",
    ):
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "14:00 \u2013 14:15"
    table.cell(0, 1).text = "Opening remarks by the Presidency Pro-T\u00e9mpore (PPT)"
    table.cell(1, 0).text = "14:15 \u2013 14:30"
    cell = table.cell(1, 1)
    cell.text = "Start of work"
    cell.add_paragraph("[Leads: PPT]")
    cell.add_paragraph("Approval of the agenda", style="List Bullet")
    cell.add_paragraph("Logistical information", style="List Bullet")
    table.cell(2, 0).text = "14:30 \u2013 14:45"
    table.cell(2, 1).text = "\tBreak"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _comparable(result: dict) -> list[dict]:
    return [{k: v for k, v in s.items() if k != "source_lines"} for s in result["sessions"]]


def test_docx_gives_the_same_sessions_as_the_text() -> None:
    text = docx_to_text(build_docx())
    assert "\u00b7 Approval of the agenda" in text.splitlines(), "list paragraphs get a bullet"
    assert "\tBreak" in text.splitlines(), "tabs are kept"
    from_docx, from_text = parse_agenda(text), parse_agenda(TEXT)
    assert _comparable(from_docx) == _comparable(from_text)
    assert [s["title"] for s in from_docx["sessions"]] == [
        "Opening remarks by the Presidency Pro-T\u00e9mpore (PPT)",
        "Start of work",
        "Break",
    ]
    assert from_docx["sessions"][1]["leads"] == ["PPT"]
