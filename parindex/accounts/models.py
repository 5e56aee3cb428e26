from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    # Vietnamese names do not split into first/last the Western way: keep one full name.
    full_name = models.CharField("Họ và tên", max_length=150, blank=True)
    phone = models.CharField("Điện thoại", max_length=20, blank=True)
    # Set when someone else (an admin) chose the password: it has been seen by two people, so the
    # owner replaces it before doing anything else (PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField("Phải đổi mật khẩu", default=False)
    # The edit form's version check (core.versioning); empty on accounts older than the column.
    updated_at = models.DateTimeField("Cập nhật lúc", auto_now=True, null=True)

    class Meta:
        verbose_name = "Người dùng"
        verbose_name_plural = "Người dùng"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_additional_data(self) -> dict:
        # auditlog stores this with each entry: the organization of the user's first role lets the
        # entry show on that organization's audit page (a role-less user's only to superusers).
        return {"organization_id": self.memberships.order_by("pk").values_list("organization_id", flat=True).first()}
