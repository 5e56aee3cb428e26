"""Demo plans imported from the seeds' appendices exactly as a coordinator would (appendix.py),
then a plausible history of work done, so the pages have something to show."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

from parindex.criteria.units import UnitResolver
from parindex.organizations.models import Organization
from parindex.organizations.selectors import organization_tree
from parindex.plans import appendix, services
from parindex.plans.models import Occurrence, Plan, PlanKind
from parindex.plans.services import PlanFields

HERE = Path(__file__).resolve().parent / "demo"


@dataclass(frozen=True)
class DemoPlan:
    source: str
    organization: str
    year: int
    kind: str
    title: str
    objectives: str
    # The office's decision for rows whose timing the import could not read (seed 000 gives none).
    default_rule: dict | None = None


PLANS = [
    DemoPlan(
        "qb-stnmt-2021-phu-luc.tsv", "qb-stnmt", 2021, PlanKind.IMPROVEMENT,
        "Kế hoạch cải thiện và nâng cao Chỉ số PAR INDEX, SIPAS của Sở Tài nguyên và Môi trường năm 2021 "
        "và các năm tiếp theo",
        "Nâng cao Chỉ số PAR INDEX và SIPAS tỉnh Quảng Bình năm 2021 và các năm tiếp theo\n"
        "Có ít nhất 3 sáng kiến hoặc giải pháp mới về CCHC",
    ),
    DemoPlan(
        "kh-stnmt-2024-phu-luc.tsv", "kh-stnmt", 2024, PlanKind.REMEDIATION,
        "Kế hoạch khắc phục các tồn tại, hạn chế, nâng cao Chỉ số CCHC của Sở Tài nguyên và Môi trường năm 2024",
        "Tỷ lệ hài lòng của người dân, tổ chức > 87 %\nTỷ lệ hồ sơ TTHC qua dịch vụ BCCI ≥ 15 %\n"
        "Giải ngân vốn đầu tư công 60 % trước 30/9 và 85 % trước 15/12",
    ),
    DemoPlan(
        "bp-stnmt-2024-phu-luc.tsv", "bp-stnmt", 2024, PlanKind.ANNUAL,
        "Giao nhiệm vụ thực hiện các tiêu chí, tiêu chí thành phần Chỉ số CCHC năm 2024",
        "Hoàn thành 100 % nhiệm vụ CCHC được giao tại Kế hoạch số 104/KH-STNMT",
        {"kind": "period", "start": ["year", 1], "year": 2024},
    ),
    DemoPlan(
        "bp-stnmt-2024-phu-luc.tsv", "bp-stnmt", 2026, PlanKind.ANNUAL,
        "Giao nhiệm vụ thực hiện các tiêu chí Chỉ số CCHC năm 2026 (theo phân công năm 2024)",
        "Hoàn thành 100 % nhiệm vụ CCHC được giao",
        {"kind": "period", "start": ["year", 1], "year": 2026},
    ),
]  # fmt: skip


def load_demo_plans(*, today: date) -> int:
    created = 0
    for demo in PLANS:
        organization = Organization.objects.get(code=demo.organization)
        if Plan.objects.filter(organization=organization, year=demo.year, title=demo.title).exists():
            continue
        with transaction.atomic():
            plan = _import(demo, organization)
            _simulate_progress(plan, today)
        created += 1
    return created


def _import(demo: DemoPlan, organization: Organization) -> Plan:
    rows = appendix.rows_from_text((HERE / demo.source).read_text(encoding="utf-8"))
    scanner = appendix.UnitScanner(UnitResolver(organization_tree(year=demo.year), organization.pk))
    built = appendix.build_drafts(rows, appendix.detect_mapping(rows), plan_year=demo.year, scanner=scanner)
    for draft in built.drafts:
        if draft.deadline_rule is None and demo.default_rule:
            draft.deadline_rule = demo.default_rule
    fields = PlanFields(
        organization_id=organization.pk, year=demo.year, kind=demo.kind, title=demo.title, objectives=demo.objectives
    )
    return services.plan_import(fields=fields, drafts=built.drafts, unit_choices={}, by=None)


def _simulate_progress(plan: Plan, today: date) -> None:
    """Deterministic: about 7 in 10 past deadlines done on time, 1 in 10 late, the rest overdue."""
    for occurrence in Occurrence.objects.filter(task__plan=plan, review=False, due__lt=today):
        roll = zlib.crc32(f"{plan.pk}-{occurrence.task.position}-{occurrence.key}".encode()) % 10
        if roll < 7:
            occurrence.done_on = occurrence.due - timedelta(days=roll % 4)
        elif roll == 7:
            occurrence.done_on = occurrence.due + timedelta(days=3 + roll)
        else:
            continue
        occurrence.done_product = "Văn bản báo cáo kết quả (dữ liệu mẫu)"
        occurrence.percent = 100
        occurrence.save(update_fields=["done_on", "done_product", "percent"])
