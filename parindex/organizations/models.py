"""Organizations form a tree that changes over the years.

An `Organization` is a stable identity (what plans, scores and evidence point at); its name
and place in the tree live in `OrganizationVersion` rows, each valid over a range of years,
so the tree of any past year can be rebuilt as it was. `OrganizationChange` is the register
of renames, moves, merges and splits that explains the lineage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from parindex.core.models import BaseModel
from parindex.organizations.permissions import Role


class OrganizationKind(models.TextChoices):
    PROVINCE = "province", "Tỉnh"
    DEPARTMENT = "department", "Sở, ban, ngành"
    UNIT = "unit", "Phòng, đơn vị trực thuộc"


class UnitType(models.TextChoices):
    """What a unit of a department is, so that a document's "các đơn vị sự nghiệp trực thuộc"
    means the units of that type."""

    OFFICE = "office", "Phòng chuyên môn, Văn phòng, Thanh tra"
    BRANCH = "branch", "Chi cục"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp"
    DESK = "desk", "Bộ phận (một cửa, …)"


class Organization(BaseModel):
    code = models.SlugField("Mã", max_length=64, unique=True)
    kind = models.CharField("Loại", max_length=16, choices=OrganizationKind.choices)
    # Appraisal rights come only from an appraiser membership here (or at a unit under it), so a
    # department cannot make itself its own appraiser.
    is_appraising_body = models.BooleanField(
        "Cơ quan thẩm định",
        default=False,
        help_text="Sở Nội vụ hoặc Hội đồng thẩm định: thẩm định các sở, ban, ngành khác của tỉnh.",
    )
    unit_type = models.CharField(
        "Loại đơn vị",
        max_length=16,
        choices=UnitType.choices,
        blank=True,
        help_text="Chỉ cho phòng, đơn vị trực thuộc: bộ tiêu chí ghi “các đơn vị sự nghiệp” là các đơn vị loại này.",
    )

    class Meta:
        verbose_name = "Cơ quan, đơn vị"
        verbose_name_plural = "Cơ quan, đơn vị"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def get_additional_data(self) -> dict:
        # auditlog stores this with each entry, so the log can be filtered by organization.
        return {"organization_id": self.pk}


class OrganizationVersion(BaseModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="versions", verbose_name="Đơn vị"
    )
    name = models.CharField("Tên", max_length=255)
    short_name = models.CharField("Tên viết tắt", max_length=64, blank=True)
    parent = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="child_versions",
        verbose_name="Trực thuộc",
    )
    valid_from = models.PositiveSmallIntegerField("Từ năm")
    # The last year in which this version holds; empty while it still holds.
    valid_until = models.PositiveSmallIntegerField("Đến hết năm", null=True, blank=True)

    class Meta:
        verbose_name = "Phiên bản tên, trực thuộc"
        verbose_name_plural = "Phiên bản tên, trực thuộc"
        ordering = ["organization", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "valid_from"], name="orgversion_one_start_per_year"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="orgversion_range_not_reversed",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_until"])]

    def __str__(self) -> str:
        until = self.valid_until or "nay"
        return f"{self.name} ({self.valid_from}–{until})"

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}


class ChangeKind(models.TextChoices):
    CREATED = "created", "Thành lập"
    RENAMED = "renamed", "Đổi tên / chuyển trực thuộc"
    MERGED = "merged", "Sáp nhập vào đơn vị khác"
    SPLIT = "split", "Tách ra từ đơn vị khác"


class OrganizationChange(BaseModel):
    kind = models.CharField("Loại thay đổi", max_length=16, choices=ChangeKind.choices)
    year = models.PositiveSmallIntegerField("Có hiệu lực từ năm")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="changes", verbose_name="Đơn vị"
    )
    # Merge: the unit absorbing `organization`. Split: the unit `organization` came from.
    related = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="related_changes",
        verbose_name="Đơn vị liên quan",
    )
    note = models.TextField("Căn cứ, ghi chú", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="Người thực hiện",
    )

    class Meta:
        verbose_name = "Thay đổi tổ chức"
        verbose_name_plural = "Thay đổi tổ chức"
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organization} ({self.year})"

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}


class Membership(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="Người dùng",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name="Cơ quan, đơn vị"
    )
    role = models.CharField("Vai trò", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "Phân quyền"
        verbose_name_plural = "Phân quyền"
        ordering = ["organization", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organization}"

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}
