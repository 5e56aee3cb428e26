"""The library's sets import as they are, and importing one again changes nothing."""

from pathlib import Path

import pytest

from parindex.criteria import services
from parindex.criteria.document import read_yaml
from parindex.criteria.models import CriteriaSet, CriterionAssignment

pytestmark = pytest.mark.usefixtures("demo")

LIBRARY = Path(__file__).resolve().parents[1] / "library"

# Names no organization of the owner's tree stands for, kept verbatim on purpose: the province
# set names other departments (the demo has no such departments), and seed 004 misspells
# "Phòng Kế hoạch-TCTH".
EXPECTED_UNRESOLVED = {
    "bp-stnmt-2024": set(),
    "dn-sct-2019": {"Phòng Kế hoạc-TCTH"},
    "province-2024": {
        "Sở Nội vụ",
        "Sở Kế hoạch và Đầu tư",
        "Văn phòng UBND tỉnh",
        "Sở Tư pháp",
        "Sở Tài chính",
        "Sở Thông tin và Truyền thông",
        "Các Sở: Kế hoạch và Đầu tư, Tài chính, Tài nguyên và Môi trường, Nông nghiệp và Phát triển nông thôn, Nội vụ",
    },
}


def library_document(name: str, code: str):
    """The library file as a new set `code` (the demo database holds the original already)."""
    document = read_yaml((LIBRARY / f"{name}.yaml").read_text(encoding="utf-8"))
    document.header["code"] = code
    return document


def snapshot(criteria_set: CriteriaSet):
    criteria = [
        (
            c.code,
            c.parent.code if c.parent else None,
            c.title,
            c.max_points,
            c.rule,
            c.rule_text,
            c.unresolved_lead,
            c.unresolved_coordinating,
        )
        for c in criteria_set.criteria.select_related("parent").order_by("position")
    ]
    assignments = sorted(
        CriterionAssignment.objects.filter(criterion__criteria_set=criteria_set).values_list(
            "criterion__code", "organization__code", "role", "responsible"
        )
    )
    return criteria, assignments


@pytest.mark.parametrize("name", sorted(EXPECTED_UNRESOLVED))
def test_a_library_set_imports_with_only_the_expected_names_unresolved_and_again_unchanged(name):
    plan = services.criteria_set_plan_import(document=library_document(name, f"{name}-lai"), by=None)
    assert plan.errors == []
    unresolved = {n for roles in plan.unresolved.values() for names in roles.values() for n in names}
    assert unresolved == EXPECTED_UNRESOLVED[name]
    first = snapshot(services.criteria_set_import(plan=plan, by=None))

    again = services.criteria_set_plan_import(document=library_document(name, f"{name}-lai"), by=None, replace=True)
    assert again.errors == []
    assert snapshot(services.criteria_set_import(plan=again, by=None)) == first
    assert snapshot(CriteriaSet.objects.get(code=name)) == first  # as the demo loaded the file
