from __future__ import annotations

from django.core.management.base import BaseCommand

from parindex.assessments.models import Assessment
from parindex.assessments.services import assessment_totals_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every assessment's stored totals and indices from its answers (after rows were "
        "loaded in bulk, or to check that nothing drifted). Safe to run again: unchanged rows are left alone."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--round", type=int, dest="round_id", help="Only the assessments of this round (id).")

    def handle(self, *args, round_id: int | None = None, **options) -> None:
        assessments = Assessment.objects.order_by("pk")
        if round_id is not None:
            assessments = assessments.filter(round_id=round_id)
        ids = list(assessments.values_list("pk", flat=True))
        changed = assessment_totals_rebuild(assessment_ids=ids)
        self.stdout.write(f"{len(ids)} assessments checked, {changed} updated.")
