from __future__ import annotations

from django import forms
from django.utils.text import Truncator

from parindex.core.forms import BootstrapFormMixin
from parindex.core.working_year import available_years

DATE_INPUT = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}


class RoundForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="Tên đợt đánh giá", max_length=300)
    year = forms.TypedChoiceField(label="Năm đánh giá", coerce=int)
    criteria_set = forms.TypedChoiceField(label="Bộ tiêu chí", coerce=int)
    organizations = forms.TypedMultipleChoiceField(
        label="Cơ quan được đánh giá", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    opens_on = forms.DateField(label="Mở từ ngày", widget=forms.DateInput(attrs=DATE_INPUT))
    closes_on = forms.DateField(label="Hạn tự đánh giá", widget=forms.DateInput(attrs=DATE_INPUT))
    explanation_deadline = forms.DateField(label="Hạn giải trình", widget=forms.DateInput(attrs=DATE_INPUT))

    def __init__(self, *args, departments, sets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in available_years()]
        self.fields["criteria_set"].choices = [(s.pk, f"{s.title} ({s.year})") for s in sets]
        self.fields["organizations"].choices = departments


class EvidenceForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label="Số văn bản", max_length=100, required=False)
    issued_on = forms.DateField(label="Ngày văn bản", required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    title = forms.CharField(label="Trích yếu", max_length=500)
    criteria = forms.TypedMultipleChoiceField(
        label="Dùng làm kiểm chứng cho tiêu chí", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, criteria, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [(c.pk, f"{c.code} {Truncator(c.title).chars(70)}") for c in criteria]
