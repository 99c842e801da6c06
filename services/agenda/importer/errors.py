"""The one exception the importer raises for documents it cannot read."""

from __future__ import annotations

REASONS = frozenset({"empty_document", "not_text", "no_days", "no_year", "not_docx"})


class AgendaImportError(Exception):
    """A document that cannot be turned into an agenda.

    `reason` is a stable machine code (see REASONS) the agenda service maps to an
    HTTP error; `message` is for the organiser who uploaded the file.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
