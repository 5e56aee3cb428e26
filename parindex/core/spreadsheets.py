"""The one way to write a generated XLSX: every text cell stays text.

openpyxl stores any string that starts with "=" as a formula, and Excel or LibreOffice run a
cell starting with "+", "-" or "@" (or a tab / carriage return before them) as one as soon as
someone edits it. A citizen's survey comment or a task's content is data, never a formula, so
before saving, such cells are forced to the string type and given Excel's quote prefix (the
hidden apostrophe of a typed '=...): the reader sees the text exactly as written."""

from __future__ import annotations

import io

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
