"""Agenda importer: Word agendas of intergovernmental meetings (English, Spanish) to sessions.

Pure Python (plus python-docx for .docx); the agenda service calls parse_agenda and
docx_to_text and maps AgendaImportError.reason to its own errors.
"""

from .api import parse_agenda
from .docx import docx_to_text
from .errors import AgendaImportError

__all__ = ["AgendaImportError", "docx_to_text", "parse_agenda"]
