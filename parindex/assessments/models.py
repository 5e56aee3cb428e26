"""Assessment rounds, one assessment per organization, an answer per criterion, and evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from parindex.core.models import BaseModel
from parindex.criteria.models import CriteriaSet, Criterion
from parindex.organizations.models import Organization


class State(models.TextChoices):
    DRAFT = "draft", "Đang tự đánh giá"
    SUBMITTED = "submitted", "Đã gửi thẩm định"
    APPRAISAL_1 = "appraisal_1", "Thẩm định vòng 1"
    EXPLANATION = "explanation", "Giải trình"
    APPRAISAL_2 = "appraisal_2", "Thẩm định vòng 2"
    FINALIZED = "finalized", "Đã chốt kết quả"
    PUBLISHED = "published", "Đã công bố"


STATE_ORDER = [s.value for s in State]


class AssessmentRound(BaseModel):
    year = models.PositiveSmallIntegerField("Năm đánh giá")
    title = models.CharField("Tên đợt", max_length=300)
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, verbose_name="Bộ tiêu chí")
    opens_on = models.DateField("Mở từ ngày")
    closes_on = models.DateField("Hạn tự đánh giá")
    explanation_deadline = models.DateField("Hạn giải trình")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="Người tạo"
    )

    class Meta:
        verbose_name = "Đợt đánh giá"
        verbose_name_plural = "Đợt đánh giá"
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:round_detail", args=[self.pk])


class Assessment(BaseModel):
    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="assessments", verbose_name="Đợt đánh giá"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="assessments", verbose_name="Cơ quan"
    )
    state = models.CharField("Trạng thái", max_length=16, choices=State.choices, default=State.DRAFT)
    # The roll-ups of the answers (totals.py), refreshed in the transaction of every write that
    # changes a point: the ranking, results and what-if read them instead of a score tree per
    # department. `scores_version` counts those writes and every other write to the answers or the
    # state (0: never computed, e.g. rows loaded in bulk before `rebuild_assessment_totals`).
    self_total = models.DecimalField("Tổng điểm tự chấm", max_digits=13, decimal_places=4, default=0)
    round1_total = models.DecimalField("Tổng điểm thẩm định vòng 1", max_digits=13, decimal_places=4, default=0)
    final_total = models.DecimalField("Tổng điểm kết quả", max_digits=13, decimal_places=4, default=0)
    max_total = models.DecimalField("Tổng điểm tối đa", max_digits=13, decimal_places=4, default=0)
    self_index = models.DecimalField("Chỉ số tự chấm (%)", max_digits=14, decimal_places=4, default=0)
    round1_index = models.DecimalField("Chỉ số thẩm định vòng 1 (%)", max_digits=14, decimal_places=4, default=0)
    final_index = models.DecimalField("Chỉ số kết quả (%)", max_digits=14, decimal_places=4, default=0)
    scores_version = models.PositiveIntegerField("Phiên bản điểm", default=0)

    class Meta:
        verbose_name = "Bản đánh giá"
        verbose_name_plural = "Bản đánh giá"
        constraints = [models.UniqueConstraint(fields=["round", "organization"], name="one_assessment_per_org")]

    def __str__(self) -> str:
        return f"{self.round} – {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}


class UnitSubmission(BaseModel):
    """A unit head's submission: from then on the unit's inputs are locked."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="unit_submissions")
    unit = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="one_submission_per_unit")]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.unit_id}"


class Transition(BaseModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=16, choices=State.choices)
    to_state = models.CharField(max_length=16, choices=State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class Answer(BaseModel):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name="Bản đánh giá"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="answers", verbose_name="Tiêu chí")
    inputs = models.JSONField("Số liệu", default=dict, blank=True)
    self_points = models.DecimalField("Điểm tự chấm", max_digits=10, decimal_places=4, null=True, blank=True)
    self_excluded = models.BooleanField(default=False, verbose_name="Không áp dụng (tự chấm)")
    self_explanation = models.TextField("Cách tính", blank=True)
    justification = models.TextField("Giải trình", blank=True)
    prefill_source = models.CharField("Nguồn số liệu", max_length=300, blank=True)
    override_reason = models.TextField("Lý do sửa số liệu có sẵn", blank=True)
    appraised_1 = models.DecimalField("Điểm thẩm định vòng 1", max_digits=10, decimal_places=4, null=True, blank=True)
    note_1 = models.TextField("Ý kiến thẩm định vòng 1", blank=True)
    explanation_requested = models.BooleanField("Yêu cầu giải trình", default=False)
    reply = models.TextField("Giải trình của đơn vị", blank=True)
    appraised_2 = models.DecimalField("Điểm thẩm định vòng 2", max_digits=10, decimal_places=4, null=True, blank=True)
    note_2 = models.TextField("Ý kiến thẩm định vòng 2", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="Người sửa"
    )
    version = models.PositiveIntegerField(default=0, verbose_name="Phiên bản")

    class Meta:
        verbose_name = "Điểm tiêu chí"
        verbose_name_plural = "Điểm tiêu chí"
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="one_answer_per_criterion")]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.criterion_id}"

    def get_additional_data(self) -> dict:
        return {"organization_id": self.assessment.organization_id}

    @property
    def final_points(self):
        return self.appraised_2 if self.appraised_2 is not None else self.appraised_1


class Evidence(BaseModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="evidence", verbose_name="Cơ quan"
    )
    year = models.PositiveSmallIntegerField("Năm")
    number = models.CharField("Số văn bản", max_length=100, blank=True)
    issued_on = models.DateField("Ngày văn bản", null=True, blank=True)
    issuer = models.CharField("Cơ quan ban hành", max_length=255, blank=True)
    title = models.CharField("Trích yếu", max_length=500)
    criteria = models.ManyToManyField(Criterion, related_name="evidence", blank=True, verbose_name="Tiêu chí")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="Người tạo"
    )

    class Meta:
        verbose_name = "Tài liệu kiểm chứng"
        verbose_name_plural = "Tài liệu kiểm chứng"
        ordering = ["-issued_on", "title"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}


class EvidenceFile(BaseModel):
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="evidence/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.original_name
