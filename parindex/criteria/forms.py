from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from parindex.core.forms import BootstrapFormMixin
from parindex.core.uploads import ZIP, head
from parindex.core.working_year import available_years
from parindex.engine.rules import CompiledRule, InputField

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ERR_UPLOAD_TYPE = "Chỉ nhận tệp .yaml, .yml hoặc .xlsx."
ERR_UPLOAD_SIZE = "Tệp lớn hơn 5 MB."
ERR_UPLOAD_CONTENT = "Nội dung tệp không khớp với phần mở rộng {ext}."


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="Tệp bộ tiêu chí (.yaml hoặc .xlsx)")
    replace = forms.BooleanField(label="Thay thế bộ tiêu chí cùng mã nếu đang là dự thảo", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".yaml", ".yml", ".xlsx")):
            raise forms.ValidationError(ERR_UPLOAD_TYPE)
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(ERR_UPLOAD_SIZE)
        if name.endswith(".xlsx") != head(upload).startswith(ZIP):
            raise forms.ValidationError(ERR_UPLOAD_CONTENT.format(ext=name.rsplit(".", 1)[-1]))
        return upload


class CloneForm(BootstrapFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="Sang năm", coerce=int, choices=[])
    code = forms.SlugField(label="Mã mới (để trống: tự đặt)", required=False, max_length=64)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in available_years()]


def calculator_fields(rule: CompiledRule) -> list[InputField]:
    return rule.fields()


def inputs_from_post(fields: list[InputField], data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Raw rule inputs from form data; composite parts are posted as `part__field`."""
    inputs: dict[str, Any] = {}
    for field in fields:
        name = f"{prefix}{field.key}"
        if field.type == "group":
            inputs[field.key] = inputs_from_post(list(field.fields), data, prefix=f"{name}__")
        elif field.type == "multi":
            inputs[field.key] = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        elif field.type == "bool":
            inputs[field.key] = data.get(name) in {"on", "1", "true"}
        else:
            inputs[field.key] = data.get(name, "")
    return inputs


def flatten_inputs(fields: list[InputField], inputs: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """The reverse of inputs_from_post: saved inputs keyed by form field name, to fill a form."""
    flat: dict[str, Any] = {}
    for field in fields:
        name = f"{prefix}{field.key}"
        value = (inputs or {}).get(field.key)
        if field.type == "group":
            flat.update(flatten_inputs(list(field.fields), value or {}, prefix=f"{name}__"))
        elif value is not None:
            flat[name] = value
    return flat
