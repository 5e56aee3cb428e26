from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    # Vietnamese names do not split into first/last the Western way: keep one full name.
    full_name = models.CharField("Họ và tên", max_length=150, blank=True)
    phone = models.CharField("Điện thoại", max_length=20, blank=True)

    class Meta:
        verbose_name = "Người dùng"
        verbose_name_plural = "Người dùng"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username
