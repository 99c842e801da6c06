"""Text of a .docx agenda, laid out like Word's own text export."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from .errors import AgendaImportError

BULLET = "\u00b7 "  # what Word's text export puts before a list paragraph
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TXBX = _W + "txbxContent"
_RUN = _W + "r"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def docx_to_text(data: bytes) -> str:
    """Paragraphs in order; list paragraphs prefixed with "· "; tables cell by cell, row by row."""
    try:
        from docx import Document
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as error:  # pragma: no cover - python-docx is a dependency
        raise AgendaImportError("not_docx", "python-docx is not installed") from error
    if not isinstance(data, bytes | bytearray) or not zipfile.is_zipfile(io.BytesIO(data)):
        raise AgendaImportError("not_docx", "The file is not a Word .docx document.")
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise AgendaImportError("not_docx", f"The .docx cannot be opened: {error}") from error
    except Exception as error:  # lxml and zipfile raise many types on corrupt parts
        raise AgendaImportError("not_docx", f"The .docx cannot be read: {error}") from error
    lines = list(_block_lines(document.element.body, document))
    return "\n".join(_with_page_lines(lines, list(_page_lines(document))))


def _with_page_lines(lines: list[str], page: list[str]) -> list[str]:
    """The page header and footer, once, just above the first day heading.

    There the header reader sees them after the document's own title (so the title stays
    the title) and still takes a year from them ("CRM – 2019") or reports them.
    """
    from .text import clean
    from .when import parse_day

    first = next((i for i, line in enumerate(lines) if parse_day(clean(line))), 0)
    return lines[:first] + page + lines[first:]


def _page_lines(document: Any) -> Iterator[str]:
    seen: set[str] = set()
    for section in document.sections:
        for part in (section.header, section.footer):
            if part.is_linked_to_previous and seen:
                continue
            for line in _block_lines(part._element, part):
                if line.strip() and line not in seen:
                    seen.add(line)
                    yield line


def _block_lines(container: Any, parent: Any) -> Iterator[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield from _paragraph_lines(Paragraph(child, parent))
        elif tag == "tbl":
            yield from _table_lines(Table(child, parent))
        elif tag == "sdt":  # content controls wrap ordinary paragraphs
            content = child.find("{*}sdtContent")
            if content is not None:
                yield from _block_lines(content, parent)


def _paragraph_lines(paragraph: Any) -> Iterator[str]:
    text = "".join(_runs_text(paragraph))
    if _is_heading(paragraph):
        yield ""  # a heading starts a block, as a blank line does in a text export
    prefix = BULLET if _is_list(paragraph) and text.strip() else ""
    # A manual line break (Shift+Enter) shows up as "\n": each part is a line of its own.
    for index, part in enumerate(text.split("\n")):
        yield (prefix if index == 0 else "") + part
    # A text box anchored here: its paragraphs follow the anchor's. Word saves each box
    # twice (DrawingML and a VML fallback); the fallback is skipped.
    for box in paragraph._p.iter(_TXBX):
        if not any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            yield from _block_lines(box, paragraph)


def _runs_text(paragraph: Any) -> Iterator[str]:
    """Text of the runs, hyperlinks and simple fields (a footer's PAGE number)."""
    from docx.text.run import Run

    for child in paragraph._p.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "r":
            yield Run(child, paragraph).text
        elif tag in ("hyperlink", "fldSimple", "ins", "smartTag"):
            for run in child.iter(_RUN):
                yield Run(run, paragraph).text


def _is_heading(paragraph: Any) -> bool:
    name = (paragraph.style.name or "") if paragraph.style is not None else ""
    return name.startswith("Heading") or name == "Title"


def _is_list(paragraph: Any) -> bool:
    style = paragraph.style
    if style is not None and "list" in (style.name or "").lower():
        return True
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _table_lines(table: Any) -> Iterator[str]:
    from .lines import is_time_cell
    from .table import column_roles, split_cells

    for row in table.rows:
        seen: set[int] = set()
        cells: list[list[str]] = []
        for cell in row.cells:
            # Merged cells come back once per grid column; read each once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(list(_block_lines(cell._tc, cell)))
        first = cells[0] if cells else []
        # Lines of the columns after the item ("PPT Costa Rica" / "OIM" in a lead cell) stay
        # in their cell, as a list, so the row keeps one line per item line.
        texts = ["\n".join(lines) for lines in cells[:2]]
        texts += ["; ".join(line.strip() for line in lines if line.strip()) for lines in cells[2:]]
        joined = "\t".join(texts)
        timed = len(first) == 1 and is_time_cell(first[0].strip())
        if timed or column_roles(split_cells(joined)):
            # An agenda row (time | item | lead) or its header row: cells joined by tabs, as
            # Word's own text export writes them, so the lead column stays apart.
            yield from joined.split("\n")
        else:
            for lines in cells:
                yield from lines
        yield ""  # a row ends like a paragraph break between agenda entries
