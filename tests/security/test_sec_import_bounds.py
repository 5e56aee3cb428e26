"""Finding 5: a tiny hostile file is refused at once with a Vietnamese message, nothing saved.

Every hostile file is generated here (no binaries in the repository). Each request must answer
within a few seconds: on the base commit these ran until the worker was killed or answered 500."""

from __future__ import annotations

import io
import re
import time
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.core import uploads
from parindex.criteria import document as criteria_document
from parindex.criteria.models import CriteriaSet
from parindex.organizations.models import Organization
from parindex.plans.models import Plan

pytestmark = pytest.mark.usefixtures("demo")
QUICK = 5.0  # seconds; the real work on these files takes milliseconds
TITLE = "KH tệp độc hại"
HEADER = ["STT", "Nội dung", "Thời gian", "Chủ trì", "Phối hợp"]


def plan_form(**extra):
    organization = Organization.objects.get(code="bp-stnmt").pk
    return {"organization_id": organization, "year": 2026, "kind": "annual", "title": TITLE, **extra}


def timed(call):
    started = time.monotonic()
    response = call()
    assert time.monotonic() - started < QUICK
    return response


def import_plan(client, name=None, content=None, **extra):
    data = plan_form(**extra)
    if name:
        data["file"] = SimpleUploadedFile(name, content)
    return timed(lambda: client.post(reverse("plans:plan_import"), data))


def assert_refused(response, message):
    """`message` is called after the request: the constants it reads are the change under test."""
    assert response.status_code == 400
    assert message() in response.content.decode()
    assert not Plan.objects.filter(title=TITLE).exists()


def docx_bytes():
    document = docx.Document()
    table = document.add_table(rows=2, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", "Rà soát TTHC", "Quý III/2026", "Văn phòng Sở", ""], strict=True):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def repack(content, *, change=None, extra=(), pad=None):
    """The package with one member rewritten, members added, or a member padded with
    `pad` MB of spaces (written in chunks: the test itself never holds it in memory)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for member in source.infolist():
            data = source.read(member.filename)
            if change and member.filename == change[0]:
                data = change[1](data)
            if pad and member.filename == pad[0]:
                with package.open(member.filename, "w", force_zip64=True) as handle:
                    handle.write(data)
                    chunk = b" " * (1024 * 1024)
                    for _ in range(pad[1]):
                        handle.write(chunk)
                continue
            package.writestr(member.filename, data)
        for name, data in extra:
            package.writestr(name, data)
    return out.getvalue()


def huge_sheet(content):
    """Declares A1:XFD1048576 and has one cell in the last row and column: 1.6 KB of XML."""

    def rewrite(xml):
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        last = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", last + b"</sheetData>")

    return repack(xlsx_bytes([HEADER, ["1", "Rà soát", "Quý III/2026", "Văn phòng Sở", ""]]),
                  change=("xl/worksheets/sheet1.xml", rewrite))  # fmt: skip


# --- plan appendix ---------------------------------------------------------------------------


def test_a_docx_that_unpacks_to_hundreds_of_megabytes_is_refused_unread(login_as):
    bomb = repack(docx_bytes(), pad=("word/document.xml", 150))
    assert len(bomb) < 1024 * 1024
    response = import_plan(login_as("vanphong"), "bom.docx", bomb)
    assert_refused(
        response,
        lambda: uploads.ERR_UNPACKED_TOO_BIG.format(
            name="bom.docx", limit=uploads.MAX_UNPACKED_MB, ratio=uploads.MAX_RATIO
        ),
    )


def test_a_sheet_that_declares_a_million_rows_and_16384_columns_is_refused(login_as):
    bomb = huge_sheet(None)
    assert len(bomb) < 8 * 1024
    response = import_plan(login_as("vanphong"), "bom.xlsx", bomb)
    assert_refused(response, lambda: uploads.ERR_TOO_MANY_ROWS.format(limit=uploads.MAX_TABLE_ROWS))


def test_a_declared_dimension_alone_costs_nothing(login_as):
    def declare(xml):
        return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)

    content = repack(xlsx_bytes([HEADER, ["1", "Rà soát", "Quý III/2026", "Văn phòng Sở", ""]]),
                     change=("xl/worksheets/sheet1.xml", declare))  # fmt: skip
    client = login_as("vanphong")
    assert import_plan(client, "phu-luc.xlsx", content).status_code == 302
    assert "Rà soát" in timed(lambda: client.get(reverse("plans:plan_import_preview"))).content.decode()


def test_an_executable_inside_a_real_docx_is_refused(login_as):
    content = repack(docx_bytes(), extra=[("word/setup.exe", b"MZ\x90\x00" + b"\x00" * 64)])
    response = import_plan(login_as("vanphong"), "phu-luc.docx", content)
    assert_refused(
        response,
        lambda: uploads.ERR_FORBIDDEN_MEMBER.format(name="phu-luc.docx", member="word/setup.exe", kind="DOCX"),
    )


def test_any_zip_is_not_a_docx(login_as):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("setup.exe", b"MZ")
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("word/document.xml", b"<document/>")  # the name alone does not make a DOCX
    content = out.getvalue().replace(b"setup.exe", b"setup.txt")  # not refused for its name: for its types
    response = import_plan(login_as("vanphong"), "phu-luc.docx", content)
    assert_refused(response, lambda: uploads.ERR_NOT_OFFICE.format(name="phu-luc.docx", kind="DOCX"))


def test_a_paste_of_too_many_rows_or_columns_is_refused(login_as):
    client = login_as("vanphong")
    rows = "\n".join(f"{n}\tViệc {n}\tQuý III/2026\tVăn phòng Sở\t" for n in range(1, 5002))  # 5 001 rows
    response = import_plan(client, pasted="\t".join(HEADER) + "\n" + rows)
    assert_refused(response, lambda: uploads.ERR_TOO_MANY_ROWS.format(limit=5000))
    response = import_plan(client, pasted="\t".join(HEADER) + "\n" + "\t".join(["x"] * 61))
    assert_refused(response, lambda: uploads.ERR_TOO_MANY_COLUMNS.format(limit=60))
    assert (uploads.MAX_TABLE_ROWS, uploads.MAX_TABLE_COLUMNS) == (5000, 60)


# --- criteria sets -------------------------------------------------------------------------

BILLION_LAUGHS = """set: {code: bom, title: Bom, year: 2026}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
criteria: [{code: "1", title: *i}]
"""


def import_criteria(client, name, content):
    before = CriteriaSet.objects.count()
    response = timed(lambda: client.post(reverse("criteria:set_import"), {"file": SimpleUploadedFile(name, content)}))
    assert response.status_code < 500
    assert CriteriaSet.objects.count() == before
    return response.content.decode()


def test_a_yaml_of_aliases_is_refused_before_it_expands(login_as):
    assert len(BILLION_LAUGHS) < 700
    html = import_criteria(login_as("admin"), "bom.yaml", BILLION_LAUGHS.encode())
    assert criteria_document.ERR_YAML_ALIASES.format(limit=criteria_document.MAX_YAML_NODES) in html


def test_a_yaml_nested_500_deep_is_a_message_not_a_500(login_as):
    deep = "set: {code: sau, title: Sâu, year: 2026}\ncriteria: " + "[" * 500 + "]" * 500 + "\n"
    html = import_criteria(login_as("admin"), "sau.yaml", deep.encode())
    assert criteria_document.ERR_NESTING.format(limit=criteria_document.MAX_NESTING) in html


def test_a_criteria_sheet_declaring_a_million_rows_is_refused(login_as):
    def rewrite(xml):
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        last = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", last + b"</sheetData>")

    book = openpyxl.Workbook()
    book.active.title = "Bộ tiêu chí"  # the template: header in rows 1–2, the table from row 4
    book.active.append(["Mã bộ tiêu chí"])
    book.active.append(["bom"])
    book.active.append([])
    book.active.append(["Mã", "Tên tiêu chí", "Điểm tối đa"])
    book.active.append(["1", "Tiêu chí", 1])
    out = io.BytesIO()
    book.save(out)
    bomb = repack(out.getvalue(), change=("xl/worksheets/sheet1.xml", rewrite))
    html = import_criteria(login_as("admin"), "bom.xlsx", bomb)
    assert uploads.ERR_TOO_MANY_ROWS.format(limit=uploads.MAX_TABLE_ROWS) in html
