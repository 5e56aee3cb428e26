from __future__ import annotations

from django import forms

from parindex.core.forms import BootstrapFormMixin
from parindex.core.versioning import edit_stamp_field
from parindex.engine.survey import ELEMENTS, LEVELS
from parindex.surveys.models import Channel

DOSSIER_PATTERN = r"^[A-Za-z0-9.\-/_]{6,40}$"
ERR_DOSSIER = "Mã hồ sơ gồm 6–40 ký tự chữ, số và . - / _ (xem trên giấy hẹn trả kết quả)."
ERR_REQUIRED = "Xin ông/bà chọn một mức."
LEVEL_CHOICES = [(str(k), v) for k, v in LEVELS.items()]
AGE_BANDS = [("", "—"), ("<30", "Dưới 30"), ("30-44", "30–44"), ("45-59", "45–59"), ("60+", "Từ 60")]
SEXES = [("", "—"), ("nam", "Nam"), ("nu", "Nữ"), ("khac", "Khác")]


class AnswerForm(forms.Form):
    """The citizen's form; also used by staff to type in a paper form."""

    overall = forms.ChoiceField(
        label="Nhìn chung, ông/bà hài lòng thế nào?",
        choices=LEVEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": ERR_REQUIRED},
    )
    channel = forms.ChoiceField(label="Ông/bà đã nộp hồ sơ", choices=[("", "—"), *Channel.choices], required=False)
    dossier_code = forms.RegexField(
        label="Mã hồ sơ (không bắt buộc)",
        regex=DOSSIER_PATTERN,
        required=False,
        error_messages={"invalid": ERR_DOSSIER},
    )
    comment = forms.CharField(
        label="Góp ý của ông/bà", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    age_band = forms.ChoiceField(label="Độ tuổi", choices=AGE_BANDS, required=False)
    sex = forms.ChoiceField(label="Giới tính", choices=SEXES, required=False)
    website = forms.CharField(required=False)  # a field people never see: bots fill it

    def __init__(self, *args, template, paper: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        if paper:  # staff typing in a paper form: the date written on it decides its month and quarter
            self.fields["answered_on"] = forms.DateField(
                label="Ngày trên phiếu (để trống: lấy ngày nhập)",
                required=False,
                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "class": "form-control w-auto"}),
            )
        for key in template.elements:
            self.fields[f"el_{key}"] = forms.ChoiceField(
                label=ELEMENTS[key],
                choices=LEVEL_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": ERR_REQUIRED},
            )
        for index, question in enumerate(template.perceptions):
            self.fields[f"pq_{index}"] = forms.ChoiceField(
                label=question, choices=[("co", "Có"), ("khong", "Không")], widget=forms.RadioSelect, required=False
            )
        if template.improvements:
            self.fields["improvements"] = forms.MultipleChoiceField(
                label="Cần cải thiện trước tiên (chọn tối đa 3)",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(i, i) for i in template.improvements],
            )
        if not template.ask_profile:
            del self.fields["age_band"], self.fields["sex"]
        order = ["answered_on"] if paper else []
        order += [f"el_{k}" for k in template.elements] + ["overall"]
        order += [f"pq_{i}" for i in range(len(template.perceptions))] + ["improvements", "comment", "channel"]
        self.order_fields([*order, *[f for f in self.fields if f not in order]])

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_improvements(self):
        chosen = self.cleaned_data.get("improvements") or []
        if len(chosen) > 3:
            raise forms.ValidationError("Xin chọn tối đa 3 nội dung.")
        return chosen

    def response_data(self) -> dict:
        data = self.cleaned_data
        paper_date = {"answered_on": data["answered_on"]} if data.get("answered_on") else {}
        return {
            **paper_date,
            "answers": {**{k: int(data[f"el_{k}"]) for k in self.template.elements}, "overall": int(data["overall"])},
            "perceptions": {
                q: data.get(f"pq_{i}") for i, q in enumerate(self.template.perceptions) if data.get(f"pq_{i}")
            },
            "improvements": data.get("improvements") or [],
            "comment": data.get("comment", ""),
            "channel": data.get("channel", ""),
            "dossier_code": (data.get("dossier_code") or "").upper(),
            "age_band": data.get("age_band") or "",
            "sex": data.get("sex") or "",
        }


class TemplateForm(BootstrapFormMixin, forms.Form):
    loaded_at = edit_stamp_field()
    owner_id = forms.TypedChoiceField(label="Mẫu phiếu của", coerce=int)
    name = forms.CharField(label="Tên mẫu phiếu", max_length=200)
    elements = forms.MultipleChoiceField(
        label="Yếu tố dịch vụ được hỏi",
        choices=list(ELEMENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=list(ELEMENTS),
    )
    perceptions = forms.CharField(
        label="Câu hỏi có/không (mỗi dòng một câu)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    improvements = forms.CharField(
        label="Lựa chọn “cần cải thiện trước” (mỗi dòng một lựa chọn)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    ask_profile = forms.BooleanField(label="Hỏi độ tuổi, giới tính", required=False, initial=True)

    def __init__(self, *args, owners: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if owners:
            self.fields["owner_id"].choices = owners
        else:  # editing: the owner stays
            del self.fields["owner_id"]

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]


class CampaignForm(BootstrapFormMixin, forms.Form):
    organization_id = forms.TypedChoiceField(label="Cơ quan", coerce=int)
    template = forms.TypedChoiceField(label="Mẫu phiếu", coerce=int)
    title = forms.CharField(label="Tên đợt khảo sát", max_length=300)
    starts_on = forms.DateField(label="Từ ngày", widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    ends_on = forms.DateField(label="Đến ngày", widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    target = forms.DecimalField(
        label="Chỉ tiêu hài lòng (%)", initial=87, max_digits=5, decimal_places=2, localize=True
    )
    min_n = forms.IntegerField(label="Số phiếu tối thiểu để công bố một ô", initial=5, min_value=1)
    points = forms.TypedMultipleChoiceField(
        label="Điểm phục vụ (mỗi điểm một mã QR)", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, departments, units, templates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization_id"].choices = departments
        self.fields["points"].choices = units
        self.fields["template"].choices = [(t.pk, t.name) for t in templates]
        for key, label in ELEMENTS.items():
            self.fields[f"w_{key}"] = forms.DecimalField(
                label=f"Trọng số: {label}", initial=1, min_value=0, max_digits=4, decimal_places=2, localize=True
            )

    def weights(self) -> dict[str, str]:
        return {key: str(self.cleaned_data[f"w_{key}"]) for key in ELEMENTS if self.cleaned_data[f"w_{key}"] != 1}


class CampaignEditForm(BootstrapFormMixin, forms.Form):
    loaded_at = edit_stamp_field()
    title = forms.CharField(label="Tên đợt khảo sát", max_length=300)
    ends_on = forms.DateField(label="Đến ngày", widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    target = forms.DecimalField(
        label="Chỉ tiêu hài lòng (%)", max_digits=5, decimal_places=2, min_value=0, max_value=100, localize=True
    )
    min_n = forms.IntegerField(label="Số phiếu tối thiểu để công bố một ô", min_value=1, max_value=1000)


class PaperBatchForm(BootstrapFormMixin, forms.Form):
    forms_received = forms.IntegerField(label="Số phiếu nhận được", min_value=1, max_value=5000)
    collected_by = forms.CharField(
        label="Người thu phiếu (họ tên, đơn vị)", max_length=200, help_text="Người đã thu phiếu tại điểm phục vụ."
    )
    received_on = forms.DateField(
        label="Ngày nhận lô phiếu", widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
