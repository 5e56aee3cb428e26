from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from parindex.core.forms import BootstrapFormMixin
from parindex.core.versioning import edit_stamp_field
from parindex.organizations.permissions import Role
from parindex.organizations.tree import OrgTree

ERR_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại (chú ý chữ hoa, chữ thường)."


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": ERR_LOGIN,
        "inactive": "Tài khoản này đã bị khóa. Hãy liên hệ quản trị hệ thống.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"


def _organization_choices(tree: OrgTree, org_ids: frozenset[int]) -> list[tuple[int, str]]:
    return [(node.org_id, "— " * depth + node.name) for node, depth in tree.walk(only=set(org_ids))]


class UserCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.RegexField(
        label="Tên đăng nhập",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "Chỉ dùng chữ, số và các ký tự . @ + - _"},
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        widget=forms.PasswordInput(render_value=True),
        strip=False,
        help_text="Người dùng sẽ phải đổi mật khẩu này ở lần đăng nhập đầu tiên.",
    )
    organization = forms.TypedChoiceField(label="Cơ quan, đơn vị", coerce=int)
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices, initial=Role.STAFF)

    def __init__(self, *args, tree: OrgTree, org_ids: frozenset[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = _organization_choices(tree, org_ids)


class UserEditForm(BootstrapFormMixin, forms.Form):
    loaded_at = edit_stamp_field()
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    is_active = forms.BooleanField(label="Đang hoạt động", required=False)
    password = forms.CharField(
        label="Mật khẩu mới",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=True),
        help_text="Để trống nếu không đổi mật khẩu. Người dùng sẽ phải đổi mật khẩu mới ở lần đăng nhập sau.",
    )


class MembershipForm(BootstrapFormMixin, forms.Form):
    organization = forms.TypedChoiceField(label="Cơ quan, đơn vị", coerce=int)
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices, initial=Role.STAFF)

    def __init__(self, *args, tree: OrgTree, org_ids: frozenset[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = _organization_choices(tree, org_ids)


class OwnPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    """Django's form (old password checked, new one typed twice and validated); the view saves
    through the service, which audits the change and lifts the must-change flag."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mật khẩu hiện tại"
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"
        self.fields["new_password1"].help_text = (
            "Ít nhất 8 ký tự; không quá giống tên đăng nhập hay họ tên; không phải mật khẩu quá phổ biến "
            "và không chỉ gồm chữ số."
        )
