"""File downloads: one way to send generated XLSX, DOCX, PDF, ZIP and YAML files."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "yaml": "application/yaml; charset=utf-8",
}


def attachment(content: bytes | str, filename: str) -> HttpResponse:
    """A download named `filename`, its content type taken from the extension."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def file_attachment(handle, filename: str) -> FileResponse:
    """A download of an open (temporary) file, sent in chunks and closed when sent."""
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1]]
    )
