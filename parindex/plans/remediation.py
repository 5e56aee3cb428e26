"""One click from "points lost" to next year's remediation plan draft (seeds 000 and 002)."""

from __future__ import annotations

from django.db import transaction

from parindex.assessments.policy import Action
from parindex.engine.numbers import fmt
from parindex.plans.models import Plan, PlanKind, Task
from parindex.plans.services import PlanFields, occurrences_generate, plan_create, task_units_set


@transaction.atomic
def remediation_plan_create(*, assessment, lost, by) -> Plan:
    from parindex.assessments.services import enforce  # the assessments import the plans

    enforce(Action.REMEDIATION_CREATE, assessment=assessment, by=by)
    year = assessment.round.year + 1
    plan = plan_create(
        fields=PlanFields(
            organization_id=assessment.organization_id,
            year=year,
            kind=PlanKind.REMEDIATION,
            title=f"Kế hoạch khắc phục tồn tại, hạn chế, nâng cao Chỉ số CCHC năm {year} (dự thảo)",
            objectives=f"Khắc phục {len(lost)} tiêu chí bị mất điểm trong {assessment.round.title}",
        ),
        by=by,
    )
    for position, row in enumerate(lost, start=1):
        criterion = row.criterion
        task = Task.objects.create(
            plan=plan,
            position=position,
            number=str(position),
            group=f"Tiêu chí {criterion.code.split('.')[0]}",
            content=f"Khắc phục tiêu chí {criterion.code} “{criterion.title}”: mất {fmt(row.lost)} điểm "
            f"(đạt {fmt(row.points['final'])}/{fmt(criterion.max_points)}).",
            product="Tài liệu kiểm chứng đạt yêu cầu",
            timing_text=f"Trong năm {year}",
            deadline_rule={"kind": "period", "start": ["year", 1], "year": year},
            criteria_codes=[criterion.code],
        )
        task_units_set(task=task, lead=sorted(row.lead_ids), coordinating=[])
        occurrences_generate(task=task, year=year)
    return plan
