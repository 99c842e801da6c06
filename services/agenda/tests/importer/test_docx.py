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
    # An agenda row is written as Word's text export writes it: cells joined by tabs (the
    # cell's own leading tab is kept too), so a lead column cannot glue onto the item.
    assert "14:30 \u2013 14:45\t\tBreak" in text.splitlines(), "tabs are kept"
    from_docx, from_text = parse_agenda(text), parse_agenda(TEXT)
    assert _comparable(from_docx) == _comparable(from_text)
    assert [s["title"] for s in from_docx["sessions"]] == [
        "Opening remarks by the Presidency Pro-T\u00e9mpore (PPT)",
        "Start of work",
        "Break",
    ]
    assert from_docx["sessions"][1]["leads"] == ["PPT"]


def test_a_three_column_docx_table_keeps_the_lead_column_apart() -> None:
    document = Document()
    for line in ("SEMINAR", "Panama City, Panama", "20 to 22 March 2018", "", "Tuesday 20 March"):
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=3)
    for column, heading in enumerate(("TIME", "ACTIVITY", "LEAD")):
        table.cell(0, column).text = heading
    table.cell(1, 0).text = "09:00 \u2013 09:30"
    table.cell(1, 1).text = "Opening ceremony"
    table.cell(1, 1).add_paragraph("Words of welcome", style="List Bullet")
    table.cell(1, 2).text = "PPT Panama"
    table.cell(2, 0).text = "09:30 \u2013 10:30"
    table.cell(2, 1).text = "Keynote (Only open to accredited participants)"
    table.cell(2, 2).text = "Moderator: Ms. Ana L\u00f3pez, IOM"
    buffer = io.BytesIO()
    document.save(buffer)
    text = docx_to_text(buffer.getvalue())
    result = parse_agenda(text)
    assert result["warnings"] == []
    opening, keynote = result["sessions"]
    assert (opening["title"], opening["leads"]) == ("Opening ceremony", ["PPT Panama"])
    assert [item["title"] for item in opening["items"]] == ["Words of welcome"]
    assert (keynote["title"], keynote["access"]) == ("Keynote", "accredited")
    assert keynote["leads"] == ["Ms. Ana L\u00f3pez, IOM"]
