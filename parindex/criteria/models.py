"""Yearly criteria sets (Bộ tiêu chí) and their trees of criteria."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.text import Truncator

from parindex.core.models import BaseModel
from parindex.engine.errors import RuleError
from parindex.engine.numbers import fmt
from parindex.engine.rule_cache import RULES
from parindex.engine.rules import CompiledRule
from parindex.engine.scoring import Node, bounds
from parindex.organizations.models import Organization, OrganizationKind

ERR_RULE_LABEL = "Quy tắc không hợp lệ"
DEFAULT_SURVEY_SOURCE = "sipas"


class SetStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ACTIVE = "active", "Đang áp dụng"
    ARCHIVED = "archived", "Lưu trữ"


class Scoring(models.TextChoices):
    SELF = "self", "Tự chấm"
    SURVEY = "survey", "Điều tra xã hội học"
    APPRAISER = "appraiser", "Thẩm định chấm"


class RoundingAt(models.TextChoices):
    CRITERION = "criterion", "ở từng tiêu chí"
    TOTAL = "total", "ở tổng điểm"


class Area(models.TextChoices):
    STANDARD = "standard", "Điểm chuẩn"
    BONUS = "bonus", "Điểm thưởng"
    PENALTY = "penalty", "Điểm trừ"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    COORDINATING = "coordinating", "Phối hợp"


def unit_roles(lead: list[int], coordinating: list[int]) -> list[tuple[int, str]]:
    """(unit, role) once per unit, in order; a unit named as both lead and coordinating stays lead."""
    roles: dict[int, str] = {}
    for role, org_ids in ((AssignmentRole.LEAD, lead), (AssignmentRole.COORDINATING, coordinating)):
        for org_id in org_ids:
            roles.setdefault(org_id, role)
    return list(roles.items())


class CriteriaSet(BaseModel):
    code = models.SlugField("Mã", max_length=64, unique=True)
    title = models.CharField("Tên bộ tiêu chí", max_length=500)
    year = models.PositiveSmallIntegerField("Năm")
    scope = models.CharField(
        "Áp dụng cho", max_length=16, choices=OrganizationKind.choices, default=OrganizationKind.DEPARTMENT
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_sets",
        limit_choices_to={"kind__in": [OrganizationKind.PROVINCE, OrganizationKind.DEPARTMENT]},
        verbose_name="Cơ quan sở hữu",
        help_text="Một tỉnh (ban hành cho mọi sở, ban, ngành của tỉnh, chỉ quản trị của tỉnh sửa) hoặc một sở, "
        "ban, ngành (quản trị và đầu mối CCHC của sở sửa). Để trống: chỉ quản trị gốc thấy.",
    )
    source_number = models.CharField("Số văn bản", max_length=100, blank=True)
    source_date = models.DateField("Ngày văn bản", null=True, blank=True)
    source_note = models.TextField("Nguồn", blank=True)
    status = models.CharField("Trạng thái", max_length=16, choices=SetStatus.choices, default=SetStatus.DRAFT)
    max_total = models.DecimalField("Tổng điểm tối đa", max_digits=7, decimal_places=2, null=True, blank=True)
    # Classification bands, first match wins: [{"label": "Tốt", "at_least": "90"}, …, {"label": "Yếu"}]
    bands = models.JSONField("Xếp loại", default=list, blank=True)
    # None: points stay exact (stored with 4 decimals); n: rounded half up to n places, either on
    # every criterion or only on the total, as the source declares.
    rounding_decimals = models.PositiveSmallIntegerField("Làm tròn (số chữ số thập phân)", null=True, blank=True)
    rounding_at = models.CharField("Làm tròn ở", max_length=16, choices=RoundingAt.choices, default=RoundingAt.TOTAL)
    # What the source's heading says ({"criteria": 32, "total": "100"}), kept to report disagreement
    # with the rows, never to correct them.
    stated = models.JSONField("Số liệu công bố", default=dict, blank=True)
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Bộ tiêu chí"
        verbose_name_plural = "Bộ tiêu chí"
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("criteria:set_detail", args=[self.code])

    @property
    def rounding_label(self) -> str:
        """The declared rounding as the set's header says it: "không" or "2 chữ số thập phân, ở tổng điểm"."""
        if self.rounding_decimals is None:
            return "không"
        return f"{self.rounding_decimals} chữ số thập phân, {RoundingAt(self.rounding_at).label}"

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}


class Criterion(BaseModel):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="criteria", verbose_name="Bộ tiêu chí"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name="Thuộc"
    )
    code = models.CharField("Mã", max_length=32)
    position = models.PositiveIntegerField("Thứ tự")
    level = models.PositiveSmallIntegerField("Cấp", default=1)
    title = models.TextField("Tên tiêu chí")
    max_points = models.DecimalField("Điểm tối đa", max_digits=6, decimal_places=2, null=True, blank=True)
    signed = models.BooleanField("Điểm cộng / trừ", default=False)
    # Only a top-level criterion's area counts: bonus and penalty areas stay out of the index's denominator.
    area = models.CharField("Loại điểm", max_length=16, choices=Area.choices, default=Area.STANDARD)
    stated = models.JSONField("Số liệu công bố", default=dict, blank=True)
    scoring = models.CharField("Cách chấm", max_length=16, choices=Scoring.choices, default=Scoring.SELF)
    rule = models.JSONField("Quy tắc tính điểm", null=True, blank=True)
    rule_text = models.TextField("Cách tính điểm (nguyên văn)", blank=True)
    evidence_guidance = models.TextField("Tài liệu kiểm chứng", blank=True)
    timing = models.TextField("Thời gian thực hiện", blank=True)
    note = models.TextField("Ghi chú", blank=True)
    # Unit names from the source that matched no organization, kept verbatim until someone assigns them.
    unresolved_lead = models.JSONField("Chủ trì chưa xác định", default=list, blank=True)
    unresolved_coordinating = models.JSONField("Phối hợp chưa xác định", default=list, blank=True)

    # (rule, max_points, compiled rule) as compiled_rule() last saw them; not a field.
    _compiled_rule: tuple | None = None

    class Meta:
        verbose_name = "Tiêu chí"
        verbose_name_plural = "Tiêu chí"
        ordering = ["criteria_set", "position"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique_in_set")]

    def __str__(self) -> str:
        return f"{self.code} {Truncator(self.title).chars(60)}"

    def get_absolute_url(self) -> str:
        return reverse("criteria:criterion_detail", args=[self.criteria_set.code, self.code])

    def get_additional_data(self) -> dict:
        return {"criteria_set": self.criteria_set_id}

    @property
    def area_role(self) -> str:
        """What a bonus or penalty area does to the index, for the set's page; "" for a standard one."""
        if self.area == Area.BONUS:
            return "điểm thưởng, cộng thêm ngoài tổng điểm chuẩn"
        if self.area == Area.PENALTY:
            limit = f"trừ tối đa {fmt(self.max_points)}" if self.max_points else "không giới hạn mức trừ"
            return f"điểm trừ, {limit}"
        return ""

    @property
    def max_text(self) -> str:
        """The maximum as the pages write it: "3", "±3" when as much may be lost, "≤ 0" for a
        criterion that can only lose points and states no limit; "" when there is none."""
        if self.max_points is None:
            return ""
        if self.signed:
            return "≤ 0" if self.max_points == 0 else f"±{fmt(self.max_points)}"
        return fmt(self.max_points)

    @property
    def max_or_zero(self) -> Decimal:
        return self.max_points if self.max_points is not None else Decimal(0)

    def compiled_rule(self) -> CompiledRule:
        """The rule as the engine scores it. Compiled once per process for this version of the
        criterion (the process-wide cache checks the rule and maximum too: an edit that missed
        updated_at still recompiles), and held on the instance while its rule and maximum are the
        same objects, so a loop over many answers of one criterion pays a lookup, not a
        compilation. Raises RuleError like compile_rule()."""
        held = self._compiled_rule
        if held is not None and held[0] is self.rule and held[1] is self.max_points:
            return held[2]
        compiled = RULES.get((self.pk, self.updated_at), self.rule, self.max_or_zero)
        self._compiled_rule = (self.rule, self.max_points, compiled)
        return compiled

    @property
    def kind_label(self) -> str:
        """How the criterion is scored, in a word; a rule the engine refuses (a set imported
        before a validation existed) is named, not a 500."""
        try:
            return self.compiled_rule().kind_label
        except RuleError:
            return ERR_RULE_LABEL

    @property
    def survey_source(self) -> str | None:
        """Where a survey-scored criterion's share comes from; None for any other criterion."""
        if self.scoring != Scoring.SURVEY:
            return None
        try:
            return self.compiled_rule().survey_source or DEFAULT_SURVEY_SOURCE
        except RuleError:
            return DEFAULT_SURVEY_SOURCE

    def points_range(self, ancestors: list[Criterion] | None = None) -> tuple[Decimal | None, Decimal]:
        """(lowest, highest) points this leaf may be given (lowest None: no lower limit): under a
        signed criterion or with a signed rule down to −max, in a penalty area at most 0.
        `ancestors` (root first) spares the walk up the tree when the caller has them."""
        if ancestors is None:
            ancestors, parent = [], self.parent
            while parent is not None:
                ancestors.insert(0, parent)
                parent = parent.parent
        root = ancestors[0] if ancestors else self
        signed = self.signed or any(a.signed for a in ancestors)
        if not signed:
            with contextlib.suppress(RuleError):
                signed = self.compiled_rule().signed
        return bounds(Node(self.code, self.max_or_zero), signed, root.area)


class CriterionAssignment(BaseModel):
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="assignments", verbose_name="Tiêu chí"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="criterion_assignments", verbose_name="Đơn vị"
    )
    role = models.CharField("Vai trò", max_length=16, choices=AssignmentRole.choices)

    class Meta:
        verbose_name = "Phân công tiêu chí"
        verbose_name_plural = "Phân công tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["criterion", "organization"], name="assignment_one_role_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} – {self.organization} – {self.get_role_display()}"

    def get_additional_data(self) -> dict:
        return {"organization_id": self.organization_id}
