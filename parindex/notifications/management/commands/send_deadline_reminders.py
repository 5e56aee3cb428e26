from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parindex.notifications.services import reminders_send


class Command(BaseCommand):
    help = "Record in-app reminders for occurrences due in 7 days, in 1 day, or overdue. Run daily; safe to rerun."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (yyyy-mm-dd), for catching up.")

    def handle(self, *args, today: str | None = None, **options) -> None:
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError("--today phải có dạng yyyy-mm-dd") from error
        sent = reminders_send(today=day)
        self.stdout.write(
            f"{day:%d/%m/%Y}: {sent['due_7']} nhắc 7 ngày, {sent['due_1']} nhắc 1 ngày, {sent['overdue']} quá hạn."
        )
