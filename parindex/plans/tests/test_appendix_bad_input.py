"""What the appendix import does with input it cannot use (a message, nothing saved, never a 500),
which table of a DOCX it reads, and how it matches the unit names offices write."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.core.errors import ApplicationError
from parindex.criteria.units import UnitResolver
from parindex.organizations.models import Organization
from parindex.organizations.selectors import organization_tree
from parindex.plans import appendix, views
from parindex.plans.models import Plan, Task

pytestmark = pytest.mark.usefixtures("demo")
DEMO = Path(__file__).resolve().parents[1] / "demo"
HEADER = ["STT", "Nội dung", "Thời gian", "Chủ trì", "Phối hợp"]


def preview_token(client) -> str:
    """The one-time token the preview page puts in its form."""
    return client.session.get("plan_appendix", {}).get("token", "")


def org(code):
    return Organization.objects.get(code=code).pk


def plan_form(**extra):
    return {"organization_id": org("bp-stnmt"), "year": 2025, "kind": "annual", "title": "KH nhập thử", **extra}


def docx_bytes(*tables, paragraphs=("KẾ HOẠCH",)):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
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


def upload(client, name, content, **extra):
    return client.post(reverse("plans:plan_import"), plan_form(file=SimpleUploadedFile(name, content), **extra))


def nothing_saved():
    return not Plan.objects.filter(title="KH nhập thử").exists() and not Task.objects.filter(plan__title="KH nhập thử")


def preview(client):
    return client.get(reverse("plans:plan_import_preview")).content.decode()


def scanner_for(code, year):
    return appendix.UnitScanner(UnitResolver(organization_tree(year=year), org(code)))


def build(rows, code="bp-stnmt", year=2025):
    return appendix.build_drafts(rows, appendix.detect_mapping(rows), plan_year=year, scanner=scanner_for(code, year))


# --- bad input -----------------------------------------------------------------------------


def test_a_docx_without_a_table_says_so_and_offers_no_save_button(login_as):
    client = login_as("vanphong")
    assert upload(client, "ke-hoach.docx", docx_bytes(paragraphs=["Chỉ có văn bản, không có bảng."])).status_code == 302
    html = preview(client)
    assert "Không tìm thấy bảng nhiệm vụ nào trong tệp DOCX." in html
    assert 'name="confirm"' not in html
    # Posting the confirmation anyway (an old tab) shows the same page and saves nothing.
    response = client.post(reverse("plans:plan_import_preview"), {"confirm": "1", "token": preview_token(client)})
    assert response.status_code == 200
    assert "Không tìm thấy bảng nhiệm vụ nào trong tệp DOCX." in response.content.decode()
    assert nothing_saved()


def test_an_appendix_with_a_header_and_no_task_row_says_so(login_as):
    client = login_as("vanphong")
    pasted = "STT\tNội dung\tThời gian\tChủ trì\tPhối hợp\n1\t\tQuý III/2025\tVăn phòng Sở\t\n"
    assert client.post(reverse("plans:plan_import"), plan_form(pasted=pasted)).status_code == 302
    html = preview(client)
    assert "Bảng phụ lục không có dòng nhiệm vụ nào đọc được" in html
    assert "Dòng không có nội dung nhiệm vụ." in html  # the row is still listed with its reason
    assert 'name="confirm"' not in html
    client.post(reverse("plans:plan_import_preview"), {"confirm": "1", "token": preview_token(client)})
    assert nothing_saved()


def test_an_empty_xlsx_sheet_says_so(login_as):
    client = login_as("vanphong")
    assert upload(client, "phu-luc.xlsx", xlsx_bytes([])).status_code == 302
    assert "Không tìm thấy bảng nhiệm vụ nào trong tệp XLSX" in preview(client)
    assert nothing_saved()


def broken_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("phu-luc.docx", b"PK\x03\x04" + bytes(range(256)) * 4, "DOCX"),  # starts like a zip, is not one
        ("phu-luc.docx", broken_zip(), "DOCX"),  # a real zip without a document in it
        ("phu-luc.docx", docx_bytes([HEADER])[:3000], "DOCX"),  # a real DOCX cut short
        ("phu-luc.xlsx", xlsx_bytes([HEADER])[:2000], "XLSX"),  # a real XLSX cut short
        ("phu-luc.xlsx", docx_bytes([HEADER]), "XLSX"),  # a DOCX renamed .xlsx
        ("phu-luc.xlsx", b"\x00\x01random bytes, not a package", "XLSX"),
        ("phu-luc.docx", b"%PDF-1.4 renamed", "DOCX"),
    ],
)
def test_a_damaged_file_is_named_as_damaged_and_nothing_is_kept(login_as, name, content, kind):
    client = login_as("vanphong")
    response = upload(client, name, content)
    html = response.content.decode()
    assert response.status_code == 400
    assert f"Tệp “{name}” bị hỏng hoặc không đúng định dạng {kind}" in html
    assert 'value="KH nhập thử"' in html  # the header the user typed is kept
    assert views.SESSION_APPENDIX not in client.session
    assert nothing_saved()


def test_a_file_over_the_limit_is_told_the_limit_in_mb(login_as):
    client = login_as("vanphong")
    big = b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024)
    html = upload(client, "phu-luc.docx", big).content.decode()
    assert "quá giới hạn 10 MB" in html
    assert "nặng 50 MB" in html
    assert "Chỉ nhận tệp .docx hoặc .xlsx" not in html
    assert nothing_saved()


def test_another_extension_is_still_refused_as_a_type(login_as):
    html = upload(login_as("vanphong"), "phu-luc.pdf", b"%PDF-1.4").content.decode()
    assert "Chỉ nhận tệp .docx hoặc .xlsx" in html


def test_a_refusal_at_the_save_step_is_shown_not_a_500(login_as, monkeypatch):
    client = login_as("vanphong")
    pasted = "STT\tNội dung\tThời gian\tChủ trì\tPhối hợp\n1\tViệc A\tQuý III/2025\tVăn phòng Sở\t\n"
    client.post(reverse("plans:plan_import"), plan_form(pasted=pasted))

    def refuse(**kwargs):
        raise ApplicationError("Năm 2025 đã khóa sổ, không thêm kế hoạch được.")

    monkeypatch.setattr(views.services, "plan_import", refuse)
    response = client.post(reverse("plans:plan_import_preview"), {"confirm": "1", "token": preview_token(client)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Năm 2025 đã khóa sổ, không thêm kế hoạch được." in html
    assert 'name="confirm"' in html  # the preview is kept: the user can try again
    assert views.SESSION_APPENDIX in client.session
    assert nothing_saved()


def test_a_row_the_task_model_would_refuse_is_listed_at_preview_not_failed_at_save(login_as):
    client = login_as("vanphong")
    pasted = "STT\tNội dung\tThời gian\tChủ trì\tPhối hợp\n" + "1" * 25 + "\tViệc A\tQuý III/2025\tVăn phòng Sở\t\n"
    pasted += "2\tViệc B\tQuý III/2025\tVăn phòng Sở\t\n"
    client.post(reverse("plans:plan_import"), plan_form(pasted=pasted))
    html = preview(client)
    assert "Cột STT dài quá 20 ký tự" in html
    client.post(reverse("plans:plan_import_preview"), {"confirm": "1", "token": preview_token(client)})
    assert list(Task.objects.filter(plan__title="KH nhập thử").values_list("number", flat=True)) == ["2"]


# --- which table of a DOCX --------------------------------------------------------------------


LETTERHEAD = [
    ["UBND TỈNH BÌNH PHƯỚC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "Độc lập - Tự do - Hạnh phúc"],
    ["Số: 104/KH-STNMT", "Bình Phước, ngày 15 tháng 01 năm 2025"],
]
SIGNATURE = [["Nơi nhận: - Như trên; - Lưu: VT.", "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC"]]


def task_table(*rows):
    return [["PHỤ LỤC NHIỆM VỤ", "", "", "", ""], HEADER, *rows]


def test_the_docx_task_table_is_the_one_with_the_stt_header(login_as):
    content = docx_bytes(
        LETTERHEAD,
        task_table(
            ["1", "Việc A", "Quý III/2025", "Văn phòng Sở", "Phòng Thanh tra"],
            ["2", "Việc B", "Trước ngày 15/12/2025", "Phòng Thanh tra", ""],
        ),
        SIGNATURE,
    )
    rows = appendix.rows_from_docx(content)
    assert rows[0] == HEADER  # the letterhead, the signature and the title row above the header are gone
    assert [r[1] for r in rows[1:]] == ["Việc A", "Việc B"]
    client = login_as("vanphong")
    assert upload(client, "ke-hoach.docx", content).status_code == 302
    assert "UBND TỈNH" not in preview(client)
    client.post(reverse("plans:plan_import_preview"), {"confirm": "1", "token": preview_token(client)})
    tasks = Task.objects.filter(plan__title="KH nhập thử").order_by("position")
    assert [t.content for t in tasks] == ["Việc A", "Việc B"]
    assert tasks[0].units.get(role="lead").organization_id == org("bp-stnmt-vp")


def test_a_task_table_split_by_a_page_break_is_read_whole():
    content = docx_bytes(
        LETTERHEAD,
        task_table(["1", "Việc A", "Quý III/2025", "Văn phòng Sở", ""]),
        [["2", "Việc B", "Quý IV/2025", "Phòng Thanh tra", ""]],
        SIGNATURE,
    )
    assert [d.content for d in build(appendix.rows_from_docx(content)).drafts] == ["Việc A", "Việc B"]


def test_cells_merged_down_give_each_task_its_unit_but_do_not_repeat_a_task_in_its_own_rows():
    document = docx.Document()
    table = document.add_table(rows=5, cols=5)
    values = [HEADER, ["1", "Việc A", "Quý III/2025", "", ""], ["2", "Việc B", "Quý IV/2025", "", ""]]
    values += [["3", "Việc C", "Quý I/2025", "", ""], ["", "", "Quý II/2025", "", ""]]
    for row, texts in zip(table.rows, values, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    table.cell(1, 3).merge(table.cell(2, 3)).text = "Phòng Thanh tra"  # one lead for tasks 1 and 2
    table.cell(3, 0).merge(table.cell(4, 0))  # task 3 spans two rows
    table.cell(3, 1).merge(table.cell(4, 1))
    out = io.BytesIO()
    document.save(out)
    drafts = build(appendix.rows_from_docx(out.getvalue())).drafts
    assert [(d.number, d.content) for d in drafts] == [("1", "Việc A"), ("2", "Việc B"), ("3", "Việc C")]
    assert drafts[0].lead_ids == drafts[1].lead_ids == [org("bp-stnmt-tt")]
    assert drafts[2].timing == "Quý I/2025 Quý II/2025"


def test_an_xlsx_with_title_rows_above_the_header():
    rows = appendix.rows_from_xlsx(
        xlsx_bytes([["PHỤ LỤC KẾ HOẠCH CCHC 2025"], HEADER, [1, "Việc A", "Quý III/2025", "VP Sở", None]])
    )
    built = build(rows)
    assert [d.content for d in built.drafts] == ["Việc A"]
    assert built.drafts[0].lead_ids == [org("bp-stnmt-vp")]


# --- unit names ---------------------------------------------------------------------------


def test_unit_names_wrapped_inside_a_docx_cell_are_joined():
    content = docx_bytes(
        [
            HEADER,
            ["1", "Việc A", "Quý III/2025", "Phòng Tài nguyên nước –\nKhoáng sản", "Văn phòng Sở\nPhòng Thanh tra"],
            ["2", "Việc B", "Quý III/2025", "VP Đăng ký đất đai", "Các phòng,\nđơn vị thuộc Sở"],
        ]
    )
    first, second = build(appendix.rows_from_docx(content)).drafts
    assert first.lead_ids == [org("bp-stnmt-tnnks")]
    assert first.coordinating_ids == [org("bp-stnmt-vp"), org("bp-stnmt-tt")]
    assert first.unresolved == []
    assert second.lead_ids == [org("bp-stnmt-vpdkdd")]
    assert len(second.coordinating_ids) == 8  # every other unit of the department
    assert second.unresolved == []


def test_a_close_name_is_guessed_but_left_for_a_person_to_confirm(login_as):
    client = login_as("vanphong")
    pasted = "STT\tNội dung\tThời gian\tChủ trì\tPhối hợp\n1\tViệc A\tQuý III/2025\tChi cục Quản lí đất đai\t\n"
    client.post(reverse("plans:plan_import"), plan_form(pasted=pasted))
    html = preview(client)
    assert "Chủ trì: Chi cục Quản lí đất đai" in html
    assert "gợi ý gần đúng — hãy kiểm tra" in html
    assert f'<option value="{org("bp-stnmt-ccqldd")}" data-guess>Chi cục Quản lý đất đai</option>' in html
    assert "gợi ý: Chi cục Quản lý đất đai" in html
    assert " selected>" not in html.split('data-testid="unit-choices"')[1].split("</select>")[0]  # offered, not chosen
    assert "Chưa xác định được đơn vị chủ trì." in html  # still counted as a row to look at
    client.post(
        reverse("plans:plan_import_preview"),
        {
            "confirm": "1",
            "token": preview_token(client),
            "unit:Chủ trì: Chi cục Quản lí đất đai": org("bp-stnmt-ccqldd"),
        },
    )
    task = Task.objects.get(plan__title="KH nhập thử")
    assert task.units.get(role="lead").organization_id == org("bp-stnmt-ccqldd")
    assert task.unresolved_units == []


def test_an_unknown_unit_in_a_free_text_assignment_is_offered_for_a_choice(login_as):
    client = login_as("vanphong")
    pasted = (
        "STT\tNhiệm vụ\tSản phẩm\tTiến độ\tPhân công\n"
        "1\tViệc A\tBáo cáo\tQuý III/2025\tTrung tâm Phát triển quỹ đất thực hiện, báo cáo kết quả.\n"
    )
    client.post(reverse("plans:plan_import"), plan_form(pasted=pasted))
    html = preview(client)
    assert "Chủ trì: Trung tâm Phát triển quỹ đất" in html
    ttqt = org("bp-stnmt-ttqt")
    client.post(
        reverse("plans:plan_import_preview"),
        {"confirm": "1", "token": preview_token(client), "unit:Chủ trì: Trung tâm Phát triển quỹ đất": ttqt},
    )
    assert Task.objects.get(plan__title="KH nhập thử").units.get(role="lead").organization_id == ttqt


def test_a_choice_of_a_unit_outside_the_department_is_ignored(login_as):
    client = login_as("vanphong")
    pasted = "STT\tNội dung\tThời gian\tChủ trì\tPhối hợp\n1\tViệc A\tQuý III/2025\tBan XYZ\t\n"
    client.post(reverse("plans:plan_import"), plan_form(pasted=pasted))
    client.post(
        reverse("plans:plan_import_preview"),
        {"confirm": "1", "token": preview_token(client), "unit:Chủ trì: Ban XYZ": org("kh-stnmt-vp")},
    )
    task = Task.objects.get(plan__title="KH nhập thử")
    assert not task.units.exists()
    assert task.unresolved_units == ["Chủ trì: Ban XYZ"]


# --- the seeds' figures -------------------------------------------------------------------


def seed(name, code, year):
    rows = appendix.rows_from_text((DEMO / name).read_text(encoding="utf-8"))
    built = appendix.build_drafts(rows, appendix.detect_mapping(rows), plan_year=year, scanner=scanner_for(code, year))
    tree = organization_tree(year=year)
    codes = {node.org_id: node.code for node in tree.nodes.values()}
    figures = (
        len(built.drafts),
        sum(1 for d in built.drafts if d.unresolved),  # rows where a person must choose a unit
        sum(1 for d in built.drafts if not d.lead_ids),
        len(built.rejected),
    )
    return built, codes, figures


def test_seed_001_figures():
    built, codes, figures = seed("qb-stnmt-2021-phu-luc.tsv", "qb-stnmt", 2021)
    assert figures == (62, 0, 1, 0)
    # The one row without a lead unit has none in the source either.
    assert [d.number for d in built.drafts if not d.lead_ids] == ["5.4"]
    by_number = {d.number: d for d in built.drafts}
    # "Phòng Kế hoạch - Tài" / "chính" across a page break is one unit.
    assert [codes[i] for i in by_number["6.2.3"].lead_ids] == ["qb-stnmt-khtc"]
    assert len(by_number["6.2.3"].coordinating_ids) == 4
    # "Văn phòng Sở theo dõi, đôn" / "đốc." is Văn phòng Sở, not an unknown unit "đốc".
    assert "qb-stnmt-vp" in {codes[i] for i in by_number["3.2.2"].lead_ids + by_number["3.2.2"].coordinating_ids}
    # "VP Đăng ký đất đai".
    assert "qb-stnmt-vpdkdd" in {codes[i] for i in by_number["3.2.4"].lead_ids}
    # 2.1 only heads 2.1.1-2.1.3, which carry the units.
    assert "2.1" not in by_number
    assert " › 2.1 Thực hiện toàn diện" in by_number["2.1.1"].group


def test_seed_002_figures():
    built, codes, figures = seed("kh-stnmt-2024-phu-luc.tsv", "kh-stnmt", 2024)
    assert figures == (37, 0, 0, 0)
    third = next(d for d in built.drafts if d.unit_cells["assignment"][0].startswith("Trung tâm CNTT TNMT thực hiện"))
    # "Trung tâm CNTT TNMT thực hiện …": the abbreviations of the centre's own name.
    assert [codes[i] for i in third.lead_ids] == ["kh-stnmt-ttcntt"]
    ninth = next(
        d for d in built.drafts if "Trung tâm CNTT TNMT; Văn phòng Đăng ký" in " ".join(d.unit_cells["assignment"])
    )
    assert sorted(codes[i] for i in ninth.lead_ids) == ["kh-stnmt-ttcntt", "kh-stnmt-vpdkdd"]
