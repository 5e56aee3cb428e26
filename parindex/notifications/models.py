from __future__ import annotations

from django.conf import settings
from django.db import models

from parindex.core.models import BaseModel


class NoticeKind(models.TextChoices):
    DUE_IN_7 = "due_7", "Còn 7 ngày đến hạn"
    DUE_IN_1 = "due_1", "Còn 1 ngày đến hạn"
    OVERDUE = "overdue", "Quá hạn"


class Notification(BaseModel):
    """An in-app notice; `emailed_at` stays empty until e-mail delivery exists, so nothing is lost."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    occurrence = models.ForeignKey("plans.Occurrence", on_delete=models.CASCADE, null=True, related_name="+")
    message = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "occurrence", "kind"], name="one_notice_per_kind_per_occurrence")
        ]

    def __str__(self) -> str:
        return self.message[:60]
