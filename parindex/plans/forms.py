from __future__ import annotations

from django import forms

from parindex.core.forms import BootstrapFormMixin
from parindex.core.uploads import content_matches, extension
from parindex.core.working_year import available_years
from parindex.plans.models import DayOffKind, PlanKind
from parindex.plans.services import ERR_INTERNAL_DAYS, INTERNAL_DAYS_MAX, INTERNAL_DAYS_MIN

DATE_INPUT = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
MAX_APPENDIX_BYTES = 10 * 1024 * 1024
ERR_NO_SOURCE = "Hãy dán bảng phụ lục hoặc chọn một tệp DOCX / XLSX."
ERR_SOURCE_TYPE = "Chỉ nhận tệp .docx hoặc .xlsx (hoặc dán văn bản)."
ERR_TOO_BIG = "Tệp “{name}” nặng {size} MB, quá giới hạn {limit} MB của một phụ lục. Hãy bỏ hình ảnh hoặc chỉ giữ bảng."
ERR_NOT_PACKAGE = "Tệp “{name}” bị hỏng hoặc không đúng định dạng {kind} (nội dung không phải tệp Word/Excel)."


class PlanForm(BootstrapFormMixin, forms.Form):
    organization_id = forms.TypedChoiceField(label="Cơ quan", coerce=int)
    year = forms.TypedChoiceField(label="Năm", coerce=int)
    kind = forms.ChoiceField(label="Loại kế hoạch", choices=PlanKind.choices)
    title = forms.CharField(label="Tên kế hoạch", max_length=500)
    document_number = forms.CharField(label="Số văn bản", max_length=100, required=False)
    document_date = forms.DateField(label="Ngày ban hành", required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    objectives = forms.CharField(
        label="Mục tiêu, chỉ tiêu (mỗi dòng một chỉ tiêu)",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Tỷ lệ hài lòng > 87 %\n≥ 95 % hồ sơ giải quyết đúng hạn"}
        ),
    )

    def __init__(self, *args, organizations: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization_id"].choices = organizations
        self.fields["year"].choices = [(y, y) for y in available_years()]


class AppendixForm(PlanForm):
    pasted = forms.CharField(
        label="Dán bảng phụ lục (sao chép từ Word/Excel)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace small"}),
    )
    file = forms.FileField(label="hoặc tải tệp phụ lục (.docx, .xlsx)", required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if not data.get("pasted", "").strip() and not upload:
            raise forms.ValidationError(ERR_NO_SOURCE)
        if upload:
            kind = extension(upload.name)
            # One message per cause: a person cannot fix a file whose fault they are not told.
            if kind not in {".docx", ".xlsx"}:
                self.add_error("file", ERR_SOURCE_TYPE)
            elif upload.size > MAX_APPENDIX_BYTES:
                size, limit = _megabytes(upload.size), _megabytes(MAX_APPENDIX_BYTES)
                self.add_error("file", ERR_TOO_BIG.format(name=upload.name, size=size, limit=limit))
            elif not content_matches(upload):
                self.add_error("file", ERR_NOT_PACKAGE.format(name=upload.name, kind=kind[1:].upper()))
        return data


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")


class ProgressForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="Nội dung cập nhật", widget=forms.Textarea(attrs={"rows": 2}))
    percent = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)
    evidence_link = forms.URLField(label="Liên kết tài liệu kiểm chứng", required=False, assume_scheme="https")


class DoneForm(BootstrapFormMixin, forms.Form):
    done_on = forms.DateField(label="Ngày hoàn thành", widget=forms.DateInput(attrs=DATE_INPUT))
    product = forms.CharField(label="Sản phẩm (số, ngày văn bản…)", widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExtensionForm(BootstrapFormMixin, forms.Form):
    new_due = forms.DateField(label="Đề nghị gia hạn đến ngày", widget=forms.DateInput(attrs=DATE_INPUT))
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))


class EventForm(BootstrapFormMixin, forms.Form):
    event_date = forms.DateField(label="Ngày phát sinh sự kiện", widget=forms.DateInput(attrs=DATE_INPUT))


class CalendarDayForm(BootstrapFormMixin, forms.Form):
    organization = forms.TypedChoiceField(label="Áp dụng cho", coerce=int)
    day = forms.DateField(label="Ngày", widget=forms.DateInput(attrs=DATE_INPUT))
    kind = forms.ChoiceField(label="Loại", choices=DayOffKind.choices)
    note = forms.CharField(label="Căn cứ", max_length=255, required=False)

    def __init__(self, *args, organizations: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = organizations


class TaskForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label="STT", max_length=20, required=False)
    group = forms.CharField(label="Nhóm / lĩnh vực", max_length=500, required=False)
    content = forms.CharField(label="Nội dung nhiệm vụ", widget=forms.Textarea(attrs={"rows": 3}))
    product = forms.CharField(label="Sản phẩm / kết quả", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    timing_text = forms.CharField(
        label="Thời gian thực hiện",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Ví dụ: Trước ngày 15/12/2024 · Quý III/2024 · Ngày 25 hằng tháng · 05 ngày làm việc kể từ … · Thường xuyên"
        ),
    )
    internal_days = forms.IntegerField(
        label="Hạn nội bộ của đơn vị: trước hạn của Sở … ngày làm việc",
        required=False,
        min_value=INTERNAL_DAYS_MIN,
        max_value=INTERNAL_DAYS_MAX,
        error_messages={
            "invalid": ERR_INTERNAL_DAYS,
            "min_value": ERR_INTERNAL_DAYS,
            "max_value": ERR_INTERNAL_DAYS,
        },
        help_text=(
            "Để trống nếu đơn vị làm theo đúng hạn của Sở. Ví dụ 5: hạn của Sở 15/12 thì đơn vị phải xong trước "
            "5 ngày làm việc (không tính thứ Bảy, Chủ nhật, ngày lễ, ngày nghỉ bù)."
        ),
    )
    lead = forms.TypedMultipleChoiceField(label="Đơn vị chủ trì", coerce=int, widget=forms.CheckboxSelectMultiple)
    coordinating = forms.TypedMultipleChoiceField(
        label="Đơn vị phối hợp", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    responsible = forms.CharField(label="Người phụ trách", max_length=200, required=False)
    criteria_codes = forms.CharField(label="Mã tiêu chí liên quan (cách nhau bởi dấu phẩy)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, units: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "coordinating"):
            self.fields[name].choices = units
