"""Text of a .docx agenda, laid out like Word's own text export."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from .errors import AgendaImportError

BULLET = "\u00b7 "  # what Word's text export puts before a list paragraph


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
    return "\n".join(_block_lines(document.element.body, document))


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
    text = paragraph.text
    prefix = BULLET if _is_list(paragraph) and text.strip() else ""
    # A manual line break (Shift+Enter) shows up as "\n": each part is a line of its own.
    for index, part in enumerate(text.split("\n")):
        yield (prefix if index == 0 else "") + part


def _is_list(paragraph: Any) -> bool:
    style = paragraph.style
    if style is not None and "list" in (style.name or "").lower():
        return True
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _table_lines(table: Any) -> Iterator[str]:
    from .table import column_roles, split_cells
    from .when import parse_time

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
        joined = "\t".join("\n".join(lines) for lines in cells)
        if (len(first) == 1 and parse_time(first[0].strip())) or column_roles(split_cells(joined)):
            # An agenda row (time | item | lead) or its header row: cells joined by tabs, as
            # Word's own text export writes them, so the lead column stays apart.
            yield from joined.split("\n")
        else:
            for lines in cells:
                yield from lines
        yield ""  # a row ends like a paragraph break between agenda entries
