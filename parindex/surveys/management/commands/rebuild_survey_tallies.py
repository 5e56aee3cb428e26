"""Recompute the survey result tallies from the stored answers (after a bulk load, or to check them)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from parindex.surveys.models import Campaign
from parindex.surveys.tallies import rebuild


class Command(BaseCommand):
    help = "Tính lại bảng tổng hợp kết quả khảo sát từ các phiếu đã lưu (tất cả đợt, hoặc một đợt)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--campaign", type=int, help="Chỉ tính lại đợt khảo sát có mã (id) này.")

    def handle(self, *args, campaign: int | None = None, **options) -> None:
        if campaign is not None and not Campaign.objects.filter(pk=campaign).exists():
            raise CommandError(f"Không có đợt khảo sát {campaign}.")
        counted = rebuild(campaign_id=campaign)
        scope = f"đợt {campaign}" if campaign is not None else "mọi đợt"
        self.stdout.write(f"Đã tính lại tổng hợp khảo sát ({scope}): {counted} phiếu hợp lệ.")
