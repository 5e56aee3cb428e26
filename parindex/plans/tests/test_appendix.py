"""Reading the seeds' plan appendices (the same files the demo data imports)."""

from pathlib import Path

import pytest

from parindex.criteria.units import UnitResolver
from parindex.organizations.models import Organization
from parindex.organizations.selectors import organization_tree
from parindex.plans import appendix

DEMO = Path(__file__).resolve().parents[1] / "demo"
pytestmark = pytest.mark.usefixtures("demo")


def read(name, code, year):
    rows = appendix.rows_from_text((DEMO / name).read_text(encoding="utf-8"))
    tree = organization_tree(year=year)
    scanner = appendix.UnitScanner(UnitResolver(tree, Organization.objects.get(code=code).pk))
    built = appendix.build_drafts(rows, appendix.detect_mapping(rows), plan_year=year, scanner=scanner)
    codes = {node.org_id: node.code for node in tree.nodes.values()}
    return built, codes


def test_seed_001_columns_groups_and_units():
    built, codes = read("qb-stnmt-2021-phu-luc.tsv", "qb-stnmt", 2021)
    assert built.mapping == ["number", "content", "timing", "lead", "coordinating"]
    first = built.drafts[0]
    assert (first.number, first.content, first.group) == (
        "1.1",
        "Thực hiện Kế hoạch CCHC năm",
        "1. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC",
    )
    assert [codes[i] for i in first.lead_ids] == ["qb-stnmt-vp"]
    assert len(first.coordinating_ids) == 4
    assert first.deadline_rule["kind"] == "all"
    assert all(d.deadline_rule for d in built.drafts)
    assert built.rejected == []


def test_seed_001_heading_rows_become_groups_of_their_sub_rows():
    built, _ = read("qb-stnmt-2021-phu-luc.tsv", "qb-stnmt", 2021)
    numbers = [d.number for d in built.drafts]
    assert "1.3" not in numbers
    assert "1.3.1" in numbers
    assert " › 1.3 Công tác kiểm tra CCHC" in next(d for d in built.drafts if d.number == "1.3.1").group


def test_seed_002_free_text_assignment_column():
    built, codes = read("kh-stnmt-2024-phu-luc.tsv", "kh-stnmt", 2024)
    assert built.mapping == ["number", "content", "product", "timing", "assignment"]
    task = built.drafts[1]
    assert task.content.startswith("Kiểm tra công tác CCHC tối thiểu 30%")
    assert task.product.startswith("Kế hoạch kiểm tra của Sở")
    assert [codes[i] for i in task.lead_ids] == ["kh-stnmt-vp"]
    assert task.deadline_rule == {"kind": "period", "start": ["quarter", 3], "end": ["quarter", 4], "year": 2024}
    assert len(built.drafts) == 37


def test_seed_000_lists_every_row_whose_timing_it_cannot_read():
    built, _ = read("bp-stnmt-2024-phu-luc.tsv", "bp-stnmt", 2024)
    unreadable = [d for d in built.drafts if d.deadline_rule is None]
    assert unreadable
    timing_problems = ("Không nhận ra mốc thời gian", "Chưa ghi thời gian thực hiện")
    assert all(any(p.startswith(timing_problems) for p in d.problems) for d in unreadable)
    report = next(d for d in built.drafts if d.content == "Báo cáo định kỳ")
    assert report.deadline_rule["kind"] == "report_calendar"


def test_pasted_text_with_a_bad_row_keeps_the_rest_and_reports_it(db):
    text = "STT\tNội dung\tThời gian\tChủ trì\tPhối hợp\n1\tViệc A\tTrước ngày 15/12/2024\tVăn phòng Sở\t\n2\t\tQuý III/2024\t\t\n"
    rows = appendix.rows_from_text(text)
    tree = organization_tree(year=2024)
    scanner = appendix.UnitScanner(UnitResolver(tree, Organization.objects.get(code="bp-stnmt").pk))
    built = appendix.build_drafts(rows, appendix.detect_mapping(rows), plan_year=2024, scanner=scanner)
    assert [d.content for d in built.drafts] == ["Việc A"]
    assert built.rejected == [(3, "2 | Quý III/2024", "Dòng không có nội dung nhiệm vụ.")]


def test_a_docx_table_reads_like_pasted_text(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=5)
    for cell, text in zip(table.rows[0].cells, ["STT", "Nội dung", "Thời gian", "Chủ trì", "Phối hợp"], strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["1", "Việc B", "Quý IV năm 2024", "Phòng Thanh tra", "Văn phòng Sở"], strict=True
    ):
        cell.text = text
    path = tmp_path / "pl.docx"
    document.save(path)
    rows = appendix.rows_from_docx(path.read_bytes())
    assert rows[1] == ["1", "Việc B", "Quý IV năm 2024", "Phòng Thanh tra", "Văn phòng Sở"]
