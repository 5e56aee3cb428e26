"""Uploaded files: names are never trusted, the first bytes must match the extension."""

from __future__ import annotations

ZIP = b"PK\x03\x04"  # DOCX and XLSX are zip packages
MAGIC = {
    ".pdf": b"%PDF",
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}


def extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def head(upload, size: int = 8) -> bytes:
    """The file's first bytes, leaving the upload ready to be read again."""
    start = upload.read(size)
    upload.seek(0)
    return start


def content_matches(upload) -> bool:
    """True when the extension is a known binary type and the content starts like one."""
    magic = MAGIC.get(extension(upload.name))
    return magic is not None and head(upload).startswith(magic)
