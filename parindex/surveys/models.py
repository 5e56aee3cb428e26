"""Satisfaction surveys (SIPAS): templates, campaigns, service points with their QR codes, answers."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse

from parindex.core.models import BaseModel
from parindex.organizations.models import Organization


class SurveyTemplate(BaseModel):
    name = models.CharField("Tên mẫu phiếu", max_length=200)
    # The department (or province) whose template it is; empty only for the national template,
    # which every organization may use. Others neither see nor edit a department's template.
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Cơ quan sở hữu",
    )
    # Which of the five service elements are asked (all by default), and the optional parts.
    elements = models.JSONField("Yếu tố dịch vụ", default=list)
    perceptions = models.JSONField("Câu hỏi nhận biết (có/không)", default=list, blank=True)
    improvements = models.JSONField("Lựa chọn “cần cải thiện trước”", default=list, blank=True)
    ask_profile = models.BooleanField("Hỏi thông tin người trả lời", default=True)

    class Meta:
        verbose_name = "Mẫu phiếu khảo sát"
        verbose_name_plural = "Mẫu phiếu khảo sát"
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="template_name_unique_per_owner"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(owner__isnull=True), name="national_template_name_unique"
            ),
        ]

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


class PaperBatch(BaseModel):
    """A pile of paper forms handed in for one service point: how many were received, who
    collected them and when. Its forms are typed into it, reviewed and excluded together."""

    point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="paper_batches", verbose_name="Điểm phục vụ"
    )
    forms_received = models.PositiveIntegerField("Số phiếu nhận được")
    collected_by = models.CharField("Người thu phiếu", max_length=200)
    received_on = models.DateField("Ngày nhận phiếu")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người nhập",
    )
    excluded = models.BooleanField("Loại cả lô khỏi kết quả", default=False)
    exclusion_reason = models.TextField("Lý do loại", blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Người loại",
    )
    excluded_at = models.DateTimeField("Loại lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Lô phiếu giấy"
        verbose_name_plural = "Lô phiếu giấy"
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.point} — {self.received_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:paper_batch", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        """Excluding the batch takes its counted answers out of the tallies, in the same transaction."""
        from parindex.surveys import tallies

        with transaction.atomic(savepoint=False):
            adding = self._state.adding or self.pk is None
            was_excluded = (
                not adding and PaperBatch.objects.select_for_update().filter(pk=self.pk, excluded=True).exists()
            )
            super().save(*args, **kwargs)
            if not adding and self.excluded != was_excluded:
                tallies.add_rows(
                    Response.objects.filter(batch_id=self.pk, excluded=False, held=False),
                    sign=-1 if self.excluded else 1,
                )


class RateCounter(models.Model):
    """Answers counted per key (address, device, campaign) in one fixed time window, in the
    database so that every worker process shares it (used unless CACHE_URL is Redis)."""

    key = models.CharField(max_length=100)
    bucket = models.BigIntegerField()  # the window's number: unix time // window length
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "bucket"], name="one_counter_per_key_and_window")]
        indexes = [models.Index(fields=["bucket"])]

    def __str__(self) -> str:
        return f"{self.key}@{self.bucket}: {self.count}"


class ResponseQuerySet(models.QuerySet):
    def counted(self) -> ResponseQuerySet:
        """The answers results count: not excluded, not held for review, not in an excluded batch."""
        return self.filter(excluded=False, held=False).exclude(batch__excluded=True)


class Response(models.Model):
    # No index of its own: the (campaign, created_at) index serves every campaign lookup, and a
    # second one on the campaign alone led SQLite's planner past the partial indexes below (the
    # held answers' count read 50,000 rows instead of a handful).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="responses", verbose_name="Đợt khảo sát", db_index=False
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
    # A later answer with a dossier code already answered: kept, not counted until staff decide
    # which answer is the real holder's (so nobody can "burn" someone else's code by answering first).
    held = models.BooleanField("Chờ xem xét", default=False)
    batch = models.ForeignKey(
        PaperBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name="Lô phiếu giấy",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="Người nhập phiếu giấy"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campaign", "created_at"]),
            models.Index(fields=["campaign", "dossier_code"], name="response_dossier"),
            # The held list and the comments page read only these few rows of a large campaign.
            models.Index(fields=["campaign", "created_at"], condition=Q(held=True), name="response_held"),
            models.Index(fields=["campaign", "-created_at"], condition=~Q(comment=""), name="response_commented"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.pk}"

    # The result pages read ResponseTally, never these rows: every save and delete of an answer
    # moves its counts there in the same transaction. Bulk writes (QuerySet.update, bulk_create)
    # bypass this and must go through `tallies` themselves (or run rebuild_survey_tallies).
    def save(self, *args, **kwargs) -> None:
        from parindex.surveys import tallies

        with transaction.atomic(savepoint=False):
            before = None if self._state.adding or self.pk is None else tallies.stored_state(self.pk)
            super().save(*args, **kwargs)
            tallies.replace(before, tallies.state_after(before, self, kwargs.get("update_fields")))

    def delete(self, *args, **kwargs):
        from parindex.surveys import tallies

        with transaction.atomic(savepoint=False):
            before = tallies.stored_state(self.pk)
            deleted = super().delete(*args, **kwargs)
            tallies.replace(before, None)
        return deleted

    @property
    def answered_date(self) -> date:
        """The day the answer counts for: the date on a paper form, else the local (Vietnam) date
        it was received — never the UTC date, which is the day before until 07:00."""
        from parindex.surveys.tallies import answered_day

        return answered_day(self.answered_on, self.created_at)

    def get_additional_data(self) -> dict:
        return {"organization_id": self.campaign.organization_id}


class TallyKey(models.Model):
    """The group an answer is counted in: campaign, service point, channel, the month it counts for
    (of `Response.answered_date`, stored as its first day) and whether it came on paper — what the
    result tables filter and group by. A month, not a day: the finest period a page shows (months,
    quarters) is made of months, and a campaign's tallies then stay a few hundred rows however
    many answers it holds, so the pages read the same number of rows at 10³ and at 10⁶ answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, blank=True)
    month = models.DateField()  # the first day of the month
    paper = models.BooleanField(default=False)

    class Meta:
        abstract = True


class ResponseTally(TallyKey):
    """The counted answers (`ResponseQuerySet.counted`) of one group, as the engine's `table`
    counts them: per element and the overall question, valid levels (1–5) and satisfied ones (4–5)."""

    answers = models.IntegerField(default=0)
    comments = models.IntegerField(default=0)  # answers with a written comment
    access_n = models.IntegerField(default=0)
    access_satisfied = models.IntegerField(default=0)
    procedure_n = models.IntegerField(default=0)
    procedure_satisfied = models.IntegerField(default=0)
    staff_n = models.IntegerField(default=0)
    staff_satisfied = models.IntegerField(default=0)
    result_n = models.IntegerField(default=0)
    result_satisfied = models.IntegerField(default=0)
    feedback_n = models.IntegerField(default=0)
    feedback_satisfied = models.IntegerField(default=0)
    overall_n = models.IntegerField(default=0)
    overall_satisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "point", "channel", "month", "paper"], name="one_tally_per_group"
            )
        ]
        indexes = [models.Index(fields=["campaign", "month"], name="tally_campaign_month")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.point_id}/{self.channel}/{self.month:%m/%Y}/{self.paper}: {self.answers}"


class ImprovementTally(TallyKey):
    """How often one “cần cải thiện trước” choice was picked in a group's counted answers."""

    choice = models.TextField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "point", "channel", "month", "paper", "choice"],
                name="one_improvement_tally_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.point_id}/{self.month:%m/%Y}: {self.choice} × {self.count}"
