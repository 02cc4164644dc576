"""HTTP attachments of exports (the web's one download path)."""

from __future__ import annotations

import tablib
from django.http import Http404, HttpResponse

from .writing import CONTENT_TYPES, FORMATS, write


def download_response(dataset: tablib.Dataset, fmt: str, filename: str, *, title: str = "Export") -> HttpResponse:
    """An HTTP attachment of a formula-safe export."""
    if fmt not in FORMATS:
        raise Http404(f"No {fmt} export")
    return attachment(write(dataset, fmt, title=title), fmt, filename)


BOM = b"\xef\xbb\xbf"


def attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    """An HTTP attachment of an export already written (csv, xlsx, json, pdf or docx). A CSV downloaded from
    a page starts with a UTF-8 byte-order mark, so that Excel opening it reads "£" and accents as written
    (`export_data`'s CSV, read by programs, stays exactly as formats.md says, with none)."""
    if fmt == "csv" and not content.startswith(BOM):
        content = BOM + content
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
