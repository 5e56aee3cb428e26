"""Generated documents kept as files, named by what they print.

Building a PDF or DOCX costs far more than reading the figures it prints, and the same report is
downloaded many times while its figures stand still. A document is stored under a digest of
everything it prints (plus its layout code), so one name can only ever mean one document: keyed
on content rather than on ids or versions, which a restored database or a rolled-back test
reuses for different content. Files live under MEDIA_ROOT, which no URL serves: views check
permissions on every request, then read the file."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings


def layout_digest(module_file: str) -> str:
    """A digest of the code that lays a document out: changing it must not serve old layouts."""
    return hashlib.sha256(Path(module_file).read_bytes()).hexdigest()[:16]


def cache_folder(kind: str) -> Path:
    return Path(settings.MEDIA_ROOT) / kind


def cached_document(kind: str, owner: str, suffix: str, printed: object, make: Callable[[], bytes]) -> bytes:
    """The document of `owner` (a campaign's or an assessment's id) that prints `printed`, built
    by `make` only when no file holds it yet; `printed` must hold everything the document shows
    (its repr is what is hashed)."""
    key = hashlib.sha256(repr(printed).encode()).hexdigest()[:32]
    folder = cache_folder(kind)
    path = folder / f"{owner}-{key}.{suffix}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        content = make()
        _store(folder, path, content)
        return content


def _store(folder: Path, path: Path, content: bytes) -> None:
    """Write atomically (a concurrent reader never sees half a file) and drop the owner's older
    documents of the same kind. A failure to write only costs the next request a rebuild."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
        owner = path.name.split("-", 1)[0]
        for old in folder.glob(f"{owner}-*{path.suffix}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
