"""Satisfaction surveys (SIPAS): templates, campaigns, service points with their QR codes, answers."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from parindex.core.models import BaseModel
from parindex.organizations.models import Organization


class SurveyTemplate(BaseModel):
    name = models.CharField("Tên mẫu phiếu", max_length=200, unique=True)
    # Which of the five service elements are asked (all by default), and the optional parts.
    elements = models.JSONField("Yếu tố dịch vụ", default=list)
    perceptions = models.JSONField("Câu hỏi nhận biết (có/không)", default=list, blank=True)
    improvements = models.JSONField("Lựa chọn “cần cải thiện trước”", default=list, blank=True)
    ask_profile = models.BooleanField("Hỏi thông tin người trả lời", default=True)

    class Meta:
        verbose_name = "Mẫu phiếu khảo sát"
        verbose_name_plural = "Mẫu phiếu khảo sát"

    def __str__(self) -> str:
        return self.name


class Campaign(BaseModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="campaigns", verbose_name="Cơ quan"
    )
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, verbose_name="Mẫu phiếu")
    title = models.CharField("Tên đợt khảo sát", max_length=300)
    starts_on = models.DateField("Từ ngày")
    ends_on = models.DateField("Đến ngày")
    target = models.DecimalField("Chỉ tiêu hài lòng (%)", max_digits=5, decimal_places=2, default=87)
    min_n = models.PositiveSmallIntegerField("Số phiếu tối thiểu để công bố một ô", default=5)
    weights = models.JSONField("Trọng số các yếu tố", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="Người tạo"
    )

    class Meta:
        verbose_name = "Đợt khảo sát"
        verbose_name_plural = "Đợt khảo sát"
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:campaign_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}


def new_token() -> str:
    return secrets.token_urlsafe(6)


class ServicePoint(BaseModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="points")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("Tên điểm phục vụ", max_length=255)
    token = models.SlugField(max_length=20, unique=True, default=new_token)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_public_url(self) -> str:
        return reverse("ks:form", args=[self.token])


class Channel(models.TextChoices):
    DESK = "desk", "Trực tiếp tại bộ phận một cửa"
    ONLINE = "online", "Trực tuyến"
    POSTAL = "postal", "Qua dịch vụ bưu chính"


class Response(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="responses", verbose_name="Đợt khảo sát"
    )
    point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="responses", verbose_name="Điểm phục vụ"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="Thời điểm trả lời")
    channel = models.CharField("Hình thức", max_length=8, choices=Channel.choices, blank=True)
    paper = models.BooleanField("Phiếu giấy", default=False)
    # The date written on a paper form (typed in later); empty for answers given online, which
    # count on the local date of `created_at`. See `answered_date`.
    answered_on = models.DateField("Ngày trên phiếu", null=True, blank=True)
    dossier_code = models.CharField("Mã hồ sơ", max_length=40, blank=True)
    answers = models.JSONField(default=dict, verbose_name="Câu trả lời")  # {element: level 1–5, "overall": level}
    perceptions = models.JSONField(default=dict, blank=True, verbose_name="Nhận biết")
    improvements = models.JSONField(default=list, blank=True, verbose_name="Cần cải thiện trước")
    comment = models.TextField("Góp ý", blank=True)
    age_band = models.CharField("Độ tuổi", max_length=10, blank=True)
    sex = models.CharField("Giới tính", max_length=10, blank=True)
    excluded = models.BooleanField("Loại khỏi kết quả", default=False)
    exclusion_reason = models.TextField("Lý do loại", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="Người nhập phiếu giấy"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dossier_code"],
                condition=~Q(dossier_code=""),
                name="one_answer_per_dossier",
            )
        ]
        indexes = [models.Index(fields=["campaign", "created_at"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.pk}"

    @property
    def answered_date(self) -> date:
        """The day the answer counts for: the date on a paper form, else the local (Vietnam) date
        it was received — never the UTC date, which is the day before until 07:00."""
        return self.answered_on or timezone.localtime(self.created_at).date()

    def get_additional_data(self) -> dict:
        return {"organization_id": self.campaign.organization_id}
