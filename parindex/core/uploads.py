"""Uploaded files: names are never trusted, the first bytes must match the extension."""

from __future__ import annotations

import io
import zipfile

from defusedxml.ElementTree import fromstring as defused_fromstring

from parindex.core.errors import ApplicationError

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


# --- Office packages (DOCX / XLSX) and the tables read from them ---------------------------
# A few KB can unpack to gigabytes or declare a million rows; these bounds are far above any
# real appendix or criteria set (the seeds: a few hundred rows, under 15 columns, < 2 MB
# unpacked) and far below what takes a worker down.

MAX_PACKAGE_MEMBERS = 1000
MAX_UNPACKED_MB = 100  # all members together; pictures barely inflate
MAX_PART_MB = 25  # one member: an XML part is parsed whole into memory
MAX_RATIO = 100  # unpacked / packed for one member above 1 MB (text XML stays well under 30)
MAX_TABLE_ROWS = 5000
MAX_TABLE_COLUMNS = 60
MAX_SCANNED_ROWS = 50_000  # empty rows included: a sheet may declare row 1 048 576 with nothing in between
MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
MAIN_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
# Members no document of ours needs and that only serve to carry code.
FORBIDDEN_SUFFIXES = (".exe", ".dll", ".com", ".bat", ".cmd", ".scr", ".msi", ".ps1", ".vbs", ".js", ".jar", ".sh")
FORBIDDEN_NAMES = ("vbaproject.bin",)

ERR_NOT_OFFICE = (
    "Tệp “{name}” bị hỏng hoặc không đúng định dạng {kind}: trong gói không có phần nội dung chính của tệp "
    "Word/Excel. Hãy mở tệp bằng Word/Excel, lưu lại dưới dạng {kind} rồi tải lên lại."
)
ERR_FORBIDDEN_MEMBER = (
    "Tệp “{name}” không được nhận: trong gói có thành phần “{member}” (tệp chạy được hoặc macro), không phải "
    "của một tệp {kind} thông thường."
)
ERR_TOO_MANY_MEMBERS = "Tệp “{name}” có {count} thành phần bên trong, quá giới hạn {limit}; hãy lưu lại chỉ với bảng."
ERR_UNPACKED_TOO_BIG = (
    "Tệp “{name}” khi giải nén lớn bất thường (quá {limit} MB hoặc nén quá {ratio} lần), dấu hiệu tệp bị làm hỏng "
    "có chủ ý. Hãy chỉ giữ bảng, lưu lại rồi tải lên lại."
)
ERR_TOO_MANY_ROWS = "Bảng có hơn {limit} dòng, quá giới hạn một lần nhập; hãy chia thành nhiều lần."
ERR_TOO_MANY_COLUMNS = "Bảng có hơn {limit} cột; hãy chỉ giữ các cột của bảng rồi tải lên lại."


class UploadRefused(ApplicationError):
    """An uploaded file is refused before it is parsed; nothing is read or kept."""


def check_office_package(content: bytes, *, name: str, kind: str) -> None:
    """Refuse anything but a real DOCX / XLSX (kind "docx" / "xlsx") of bounded size, before a
    parser opens it: the ZIP's central directory tells every member's unpacked size, and
    zipfile never reads a member beyond the size it declares."""
    label = kind.upper()
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise UploadRefused(ERR_NOT_OFFICE.format(name=name, kind=label), field="file") from error
    if len(members) > MAX_PACKAGE_MEMBERS:
        count, limit = len(members), MAX_PACKAGE_MEMBERS
        raise UploadRefused(ERR_TOO_MANY_MEMBERS.format(name=name, count=count, limit=limit), field="file")
    megabyte = 1024 * 1024
    too_big = ERR_UNPACKED_TOO_BIG.format(name=name, limit=MAX_UNPACKED_MB, ratio=MAX_RATIO)
    if sum(member.file_size for member in members) > MAX_UNPACKED_MB * megabyte:
        raise UploadRefused(too_big, field="file")
    for member in members:
        lowered = member.filename.lower()
        if lowered.endswith(FORBIDDEN_SUFFIXES) or lowered.rsplit("/", 1)[-1] in FORBIDDEN_NAMES:
            raise UploadRefused(
                ERR_FORBIDDEN_MEMBER.format(name=name, member=member.filename[:80], kind=label), field="file"
            )
        if member.file_size > MAX_PART_MB * megabyte or (
            member.file_size > megabyte and member.file_size > MAX_RATIO * max(member.compress_size, 1)
        ):
            raise UploadRefused(too_big, field="file")
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or MAIN_PARTS[kind] not in names:
        raise UploadRefused(ERR_NOT_OFFICE.format(name=name, kind=label), field="file")
    try:
        types = defused_fromstring(package.read("[Content_Types].xml"))
    except Exception as error:  # defusedxml refuses entities and DTDs; any parse error means not Office
        raise UploadRefused(ERR_NOT_OFFICE.format(name=name, kind=label), field="file") from error
    declared = {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in types
        if element.tag.endswith("Override")
    }
    if not declared.get(MAIN_PARTS[kind], "").startswith(MAIN_TYPES[kind].removesuffix(".main+xml")):
        raise UploadRefused(ERR_NOT_OFFICE.format(name=name, kind=label), field="file")


def sheet_rows(
    sheet, *, max_rows: int = MAX_TABLE_ROWS, max_columns: int = MAX_TABLE_COLUMNS, numbered: bool = False
) -> list[tuple]:
    """The values of a worksheet's non-empty rows, ignoring the size the sheet declares (a
    1.6 KB file may claim A1:XFD1048576) and refusing a table beyond the bounds. `numbered`:
    (row number as the spreadsheet shows it, values) pairs, for messages that point at a row."""
    if hasattr(sheet, "reset_dimensions"):  # read-only sheets trust the declared dimension
        sheet.reset_dimensions()
    rows = []
    for index, values in enumerate(sheet.iter_rows(max_col=max_columns + 1, values_only=True), start=1):
        if index > MAX_SCANNED_ROWS:
            raise UploadRefused(ERR_TOO_MANY_ROWS.format(limit=max_rows), field="file")
        if not any(values):
            continue
        if len(values) > max_columns and any(values[max_columns:]):
            raise UploadRefused(ERR_TOO_MANY_COLUMNS.format(limit=max_columns), field="file")
        rows.append((index, tuple(values[:max_columns])) if numbered else tuple(values[:max_columns]))
        if len(rows) > max_rows:
            raise UploadRefused(ERR_TOO_MANY_ROWS.format(limit=max_rows), field="file")
    return rows


def check_table(
    rows: list, *, max_rows: int = MAX_TABLE_ROWS, max_columns: int = MAX_TABLE_COLUMNS, field: str = "file"
) -> None:
    """The same bounds for a table read otherwise (pasted text, a DOCX table)."""
    if len(rows) > max_rows:
        raise UploadRefused(ERR_TOO_MANY_ROWS.format(limit=max_rows), field=field)
    if any(len(row) > max_columns for row in rows):
        raise UploadRefused(ERR_TOO_MANY_COLUMNS.format(limit=max_columns), field=field)
