from __future__ import annotations

from django import forms

from parindex.core.forms import BootstrapFormMixin
from parindex.core.versioning import edit_stamp_field
from parindex.core.working_year import available_years
from parindex.organizations.models import OrganizationKind, UnitType
from parindex.organizations.tree import OrgTree


def _org_choices(tree: OrgTree, org_ids: frozenset[int] | set[int], *, blank: str | None) -> list:
    choices = [("", blank)] if blank is not None else []
    for node, depth in tree.walk(only=set(org_ids)):
        choices.append((str(node.org_id), "— " * depth + node.name))
    return choices


class YearField(forms.TypedChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label="Có hiệu lực từ năm",
            coerce=int,
            choices=[(y, y) for y in available_years()],
            **kwargs,
        )


class OrganizationRenameForm(BootstrapFormMixin, forms.Form):
    loaded_at = edit_stamp_field()
    name = forms.CharField(label="Tên mới", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt", max_length=64, required=False)
    parent = forms.TypedChoiceField(label="Trực thuộc", coerce=int, empty_value=None, required=False)
    year = YearField()
    note = forms.CharField(
        label="Căn cứ (quyết định, ghi chú)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit_type = forms.ChoiceField(
        label="Loại đơn vị",
        choices=[("", "—"), *UnitType.choices],
        required=False,
        help_text="Chỉ cho phòng, đơn vị trực thuộc: bộ tiêu chí ghi “các đơn vị sự nghiệp” là các đơn vị loại này.",
    )
    is_appraising_body = forms.BooleanField(
        label="Cơ quan thẩm định (Sở Nội vụ, Hội đồng thẩm định)",
        required=False,
        help_text="Người có vai trò thẩm định tại đây thẩm định các sở, ban, ngành khác của tỉnh. "
        "Chỉ quản trị cấp tỉnh đánh dấu được.",
    )

    field_order = ["name", "short_name", "unit_type", "parent", "year", "is_appraising_body", "note"]

    def __init__(
        self,
        *args,
        tree: OrgTree,
        manageable: frozenset[int],
        can_mark_body: bool = False,
        is_unit: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = _org_choices(tree, manageable, blank="— (cấp cao nhất) —")
        if not can_mark_body:
            del self.fields["is_appraising_body"]
        if not is_unit:
            del self.fields["unit_type"]


class OrganizationCreateForm(OrganizationRenameForm):
    kind = forms.ChoiceField(label="Loại", choices=OrganizationKind.choices)
    code = forms.SlugField(
        label="Mã", max_length=64, help_text="Chữ thường không dấu, số và gạch nối, ví dụ bp-stnmt-vp."
    )
    field_order = ["kind", "code", "name", "short_name", "unit_type", "parent", "year", "is_appraising_body", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Tên đầy đủ"


class OrganizationMergeForm(BootstrapFormMixin, forms.Form):
    target = forms.TypedChoiceField(label="Sáp nhập vào", coerce=int)
    year = YearField()
    note = forms.CharField(
        label="Căn cứ (quyết định, ghi chú)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, tree: OrgTree, manageable: frozenset[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = _org_choices(tree, manageable, blank=None)


class OrganizationSplitForm(BootstrapFormMixin, forms.Form):
    code = forms.SlugField(label="Mã đơn vị mới", max_length=64)
    name = forms.CharField(label="Tên đơn vị mới", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt", max_length=64, required=False)
    year = YearField()
    note = forms.CharField(
        label="Căn cứ (quyết định, ghi chú)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
