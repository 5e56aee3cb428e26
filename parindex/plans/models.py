"""Plans (Kế hoạch), their tasks (nhiệm vụ) and each task's occurrences in the plan's year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from parindex.core.models import BaseModel
from parindex.criteria.models import AssignmentRole
from parindex.organizations.models import Organization


class PlanKind(models.TextChoices):
    ANNUAL = "annual", "Kế hoạch CCHC năm"
    IMPROVEMENT = "improvement", "Kế hoạch cải thiện, nâng cao chỉ số"
    REMEDIATION = "remediation", "Kế hoạch khắc phục tồn tại, hạn chế"


class Plan(BaseModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="plans", verbose_name="Cơ quan"
    )
    year = models.PositiveSmallIntegerField("Năm")
    kind = models.CharField("Loại kế hoạch", max_length=16, choices=PlanKind.choices, default=PlanKind.ANNUAL)
    title = models.CharField("Tên kế hoạch", max_length=500)
    document_number = models.CharField("Số văn bản", max_length=100, blank=True)
    document_date = models.DateField("Ngày ban hành", null=True, blank=True)
    objectives = models.TextField(
        "Mục tiêu, chỉ tiêu", blank=True, help_text="Mỗi chỉ tiêu một dòng, ví dụ: Tỷ lệ hài lòng > 87 %"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="Người tạo"
    )
    # The one-time token of the import preview that made this plan: a second "Lưu" of the same
    # preview (double click, two tabs, a retry) finds the plan instead of saving it again.
    import_token = models.CharField("Mã lần nhập", max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "Kế hoạch"
        verbose_name_plural = "Kế hoạch"
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}


class Task(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name="Kế hoạch")
    position = models.PositiveIntegerField("Thứ tự")
    number = models.CharField("STT", max_length=20, blank=True)
    group = models.CharField("Nhóm / lĩnh vực", max_length=500, blank=True)
    content = models.TextField("Nội dung nhiệm vụ")
    product = models.TextField("Sản phẩm / kết quả", blank=True)
    timing_text = models.TextField("Thời gian thực hiện (nguyên văn)", blank=True)
    deadline_rule = models.JSONField("Mốc thời gian", null=True, blank=True)
    responsible = models.CharField("Người phụ trách", max_length=200, blank=True)
    criteria_codes = models.JSONField("Tiêu chí liên quan", default=list, blank=True)
    unresolved_units = models.JSONField("Đơn vị chưa xác định", default=list, blank=True)
    version = models.PositiveIntegerField(default=0, verbose_name="Phiên bản")  # optimistic locking of edits

    class Meta:
        verbose_name = "Nhiệm vụ"
        verbose_name_plural = "Nhiệm vụ"
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:60]}".strip()

    def get_additional_data(self) -> dict:
        return {"organization_id": self.plan.organization_id}


class TaskUnit(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="units")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="task_units")
    role = models.CharField(max_length=16, choices=AssignmentRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "organization"], name="task_unit_once")]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.organization_id}:{self.role}"


class Occurrence(BaseModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="occurrences", verbose_name="Nhiệm vụ")
    key = models.CharField(max_length=40, verbose_name="Mã kỳ")
    label = models.CharField("Kỳ", max_length=120)
    due = models.DateField("Hạn", null=True, blank=True)
    starts = models.DateField("Bắt đầu", null=True, blank=True)
    review = models.BooleanField("Điểm rà soát", default=False)
    event_date = models.DateField("Ngày phát sinh sự kiện", null=True, blank=True)
    done_on = models.DateField("Ngày hoàn thành", null=True, blank=True)
    done_product = models.TextField("Sản phẩm hoàn thành", blank=True)
    percent = models.PositiveSmallIntegerField("Tiến độ (%)", default=0)
    version = models.PositiveIntegerField(default=0, verbose_name="Phiên bản")  # optimistic locking of concurrent edits

    class Meta:
        verbose_name = "Kỳ thực hiện"
        verbose_name_plural = "Kỳ thực hiện"
        ordering = ["due", "task__position"]
        constraints = [models.UniqueConstraint(fields=["task", "key"], name="occurrence_key_unique")]
        indexes = [models.Index(fields=["due", "done_on"])]

    def __str__(self) -> str:
        return f"{self.task} – {self.label}"

    def get_additional_data(self) -> dict:
        return {"task_id": self.task_id}


class ProgressUpdate(BaseModel):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    text = models.TextField("Nội dung cập nhật")
    percent = models.PositiveSmallIntegerField("Tiến độ (%)")
    evidence_link = models.URLField("Liên kết tài liệu kiểm chứng", blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.occurrence_id} {self.percent}%"


class ProgressFile(BaseModel):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="progress/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.original_name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "Chờ duyệt"
    APPROVED = "approved", "Đã đồng ý"
    REFUSED = "refused", "Không đồng ý"


class ExtensionRequest(BaseModel):
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="extensions", verbose_name="Kỳ thực hiện"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người đề nghị",
    )
    old_due = models.DateField("Hạn cũ")
    new_due = models.DateField("Đề nghị gia hạn đến")
    reason = models.TextField("Lý do")
    status = models.CharField(
        max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING, verbose_name="Trạng thái"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người quyết định",
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="Thời điểm quyết định")
    decision_note = models.TextField("Ý kiến", blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.occurrence_id} → {self.new_due}"


class DayOffKind(models.TextChoices):
    OFF = "off", "Ngày nghỉ bù"
    WORK = "work", "Ngày làm bù (thứ Bảy)"


class CalendarDay(BaseModel):
    """An organization's own changes to the national calendar (nghỉ bù, làm bù). They apply to
    that organization and everything under it: a province's day off reaches its departments,
    a department's reaches only its own plans."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="calendar_days", verbose_name="Áp dụng cho"
    )
    day = models.DateField("Ngày")
    kind = models.CharField("Loại", max_length=8, choices=DayOffKind.choices)
    note = models.CharField("Căn cứ", max_length=255, blank=True)

    class Meta:
        verbose_name = "Ngày nghỉ bù, làm bù"
        verbose_name_plural = "Ngày nghỉ bù, làm bù"
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="calendarday_one_per_organization_and_day")
        ]

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}"
