"""The one way to write a generated XLSX: every text cell stays text.

openpyxl stores any string that starts with "=" as a formula, and Excel or LibreOffice run a
cell starting with "+", "-" or "@" (or a tab / carriage return before them) as one as soon as
someone edits it. A citizen's survey comment or a task's content is data, never a formula, so
before saving, such cells are forced to the string type and given Excel's quote prefix (the
hidden apostrophe of a typed '=...): the reader sees the text exactly as written."""

from __future__ import annotations

import io
import tempfile

import xlsxwriter
from openpyxl.cell.cell import TYPE_STRING

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(book) -> int:
    """Turn every text cell a spreadsheet program could read as a formula into plain text;
    numbers, dates and other text are left as they are. Returns how many cells changed."""
    changed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_risky(cell.value):
                    cell.data_type = TYPE_STRING
                    cell.quotePrefix = True
                    changed += 1
    return changed


def workbook_bytes(book) -> bytes:
    """The workbook as XLSX bytes, neutralised: every export saves through here."""
    neutralise(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def csv_cell(value: object) -> object:
    """A value for a CSV export: risky text gets a leading apostrophe (CSV has no cell types)."""
    return "'" + value if is_risky(value) else value


class StreamedWorkbook:
    """An XLSX written row by row into a temporary file (xlsxwriter in constant-memory mode), for
    exports of 10⁵–10⁶ rows: memory stays flat however many rows. Cells read back as those of
    `workbook_bytes`: text as text (a risky one with the quote prefix, never a formula), numbers
    as numbers, None as an empty cell. Sheets are filled one after another, rows in order."""

    def __init__(self) -> None:
        # Not a `with`: the file outlives the writer, the response sends and then closes it.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self.book = xlsxwriter.Workbook(self.file, {"constant_memory": True})
        self.quoted = self.book.add_format({"quote_prefix": True})

    def sheet(self, title: str) -> StreamedSheet:
        return StreamedSheet(self, self.book.add_worksheet(title))

    def close(self):
        """The finished file, at its start (the caller serves and closes it)."""
        self.book.close()
        self.file.seek(0)
        return self.file


class StreamedSheet:
    def __init__(self, workbook: StreamedWorkbook, sheet) -> None:
        self.workbook, self.sheet, self.row = workbook, sheet, 0

    def append(self, values) -> None:
        write = self.sheet
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                if value:
                    write.write_string(self.row, column, value, self.workbook.quoted if is_risky(value) else None)
            elif isinstance(value, bool):
                write.write_boolean(self.row, column, value)
            elif isinstance(value, int | float):
                write.write_number(self.row, column, value)
            else:
                write.write_string(self.row, column, str(value))
        self.row += 1
