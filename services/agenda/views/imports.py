"""Importing an agenda document (plain text or .docx) into the draft."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from services.agenda import importing
from shared.auth import roles
from shared.errors import Problem
from shared.store import get_redis
from shared.web import accepts, api_blueprint

blp = api_blueprint("imports", __name__, "Importing agenda documents (organisers).")


def _document() -> tuple[bytes, str, str]:
    """The uploaded bytes, file name and media type, refusing oversize bodies before reading."""
    if (request.content_length or 0) > importing.MAX_DOCUMENT_BYTES + 64 * 1024:
        raise importing.too_large()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("document")
        if upload is None:
            raise Problem(422, "missing_document", "Send the file in the form field 'document'.",
                          errors={"document": ["Missing file."]})
        data = upload.read(importing.MAX_DOCUMENT_BYTES + 1)
        return data, upload.filename or "", upload.mimetype or ""
    return request.get_data(cache=False), "", request.mimetype or ""


@blp.route("/events/<event>/import")
class Import(MethodView):
    @roles("organiser")
    @accepts("text/plain", "multipart/form-data", importing.DOCX_MIMETYPE)
    @blp.response(200)
    def post(self, event):
        """Replace the draft with an agenda document (text or .docx); answer the import report.

        On any failure the existing draft is left as it was.
        """
        data, filename, mimetype = _document()
        text = importing.document_text(data, filename, mimetype)
        return importing.import_text(get_redis(), event, text)
